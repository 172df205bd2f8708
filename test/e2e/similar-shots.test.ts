/**
 * Duplicates and similar shots apart, in real Chromium against the bridge on a real library and a
 * private freedesktop trash: a byte copy and a resized copy are duplicates, listed with why they
 * are; a burst of three frames (one beach, a ball moving across it) is similar shots, in its own tab
 * with a suggested best shot, moved one group at a time after a confirmation and never in bulk.
 * Screenshots of both tabs, 1440 and 900 px wide, go to test-results/.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/bridge/index.js';
import { DARKNET_DATA_DIR } from '../fixtures/real-photos.js';
import { chromiumAvailable } from './support/browser.js';
import { openIndexedApp } from './support/indexed-app.js';
import type { PageElement } from './support/page-checks.js';
import { REPO_ROOT, ensureRendererBuilt } from './support/renderer-build.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results');

let tempDir: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const previousDataHome = process.env.XDG_DATA_HOME;

let horses: string;
let horsesCopy: string;
let horsesSmall: string;
let dog: string;
let dogCopy: string;
let burst: string[];
let trashDir: string;

/**
 * Three frames of one burst: a beach (a real photo), and a big ball that moves across it from frame
 * to frame: each frame shows the scene, none is an edit of another.
 */
async function writeBurst(folder: string): Promise<string[]> {
  const { data, info } = await sharp(path.join(DARKNET_DATA_DIR, 'kite.jpg'))
    .resize(640, 480, { fit: 'cover' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const radius = Math.round(0.2 * height);
  return Promise.all(
    [0.28, 0.5, 0.72].map(async (across, index) => {
      const [x, y] = [Math.round(across * width), Math.round(0.55 * height)];
      const ball =
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
        `<circle cx="${x}" cy="${y}" r="${radius}" fill="#d8302a"/>` +
        `<circle cx="${x - radius / 3}" cy="${y - radius / 3}" r="${radius / 4}" fill="#f6c0a0"/></svg>`;
      const file = path.join(folder, `beach-${index + 1}.jpg`);
      await sharp(data, { raw: { width, height, channels: 3 } })
        .composite([{ input: Buffer.from(ball) }])
        .jpeg({ quality: 90 })
        .toFile(file);
      return file;
    }),
  );
}

const groups = () => page.getByTestId('duplicate-group');
const groupOf = (file: string) => page.locator('[data-testid="duplicate-group"]', { has: page.locator(`[data-path="${file}"]`) });
const filter = (label: string) => page.locator('fieldset.segmented label', { hasText: label });
/** Every file path shown in the list, in order. */
const listedFiles = (): Promise<(string | null)[]> =>
  page.getByTestId('review-copy').evaluateAll((nodes) => nodes.map((node) => (node as unknown as PageElement).getAttribute('data-path')));
/** A copy's card as the tests read it (tsconfig.node has no DOM lib, on purpose). */
interface CopyElement extends PageElement {
  querySelector(selector: string): { readonly textContent: string | null } | null;
}
/** [path, 'keep' | 'trash', reason] of each copy of a group, in the order shown. */
const copiesOf = (file: string): Promise<(string | null)[][]> =>
  groupOf(file)
    .getByTestId('review-copy')
    .evaluateAll((nodes) =>
      nodes.map((node) => {
        const copy = node as unknown as CopyElement;
        return [
          copy.getAttribute('data-path'),
          copy.getAttribute('data-state'),
          copy.querySelector('[data-testid="copy-reason"]')?.textContent ?? null,
        ];
      }),
    );
/** The view at 1440 and 900 px wide, tall enough to show every group (the content area scrolls, not the page). */
const shootBoth = async (name: string): Promise<void> => {
  for (const width of [1440, 900]) {
    await page.setViewportSize({ width, height: 1400 });
    await page.waitForTimeout(300); // the grid reflows, the thumbnails load
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
};

describe.skipIf(!chromiumAvailable())('duplicates and similar shots in the browser', () => {
  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    tempDir = fs.realpathSync(await mkdtemp(path.join(os.tmpdir(), 'doppel-shots-')));
    process.env.XDG_DATA_HOME = path.join(tempDir, 'xdg'); // the bridge's trash: never the real one
    trashDir = path.join(tempDir, 'xdg', 'Trash', 'files');
    const photos = path.join(tempDir, 'Photos');
    for (const folder of ['Camera', 'Backup', 'Exports', 'Burst']) fs.mkdirSync(path.join(photos, folder), { recursive: true });
    horses = path.join(photos, 'Camera', 'horses.jpg');
    horsesCopy = path.join(photos, 'Backup', 'horses.jpg');
    horsesSmall = path.join(photos, 'Exports', 'horses-small.jpg');
    dog = path.join(photos, 'Camera', 'dog.jpg');
    dogCopy = path.join(photos, 'Backup', 'dog.jpg');
    fs.copyFileSync(path.join(DARKNET_DATA_DIR, 'horses.jpg'), horses);
    fs.copyFileSync(horses, horsesCopy);
    await sharp(horses).resize(360).jpeg({ quality: 70 }).toFile(horsesSmall);
    fs.copyFileSync(path.join(DARKNET_DATA_DIR, 'dog.jpg'), dog);
    fs.copyFileSync(dog, dogCopy);
    for (const other of ['eagle', 'person']) {
      fs.copyFileSync(path.join(DARKNET_DATA_DIR, `${other}.jpg`), path.join(photos, 'Camera', `${other}.jpg`));
    }
    burst = await writeBurst(path.join(photos, 'Burst'));
    const libraryDir = path.join(tempDir, 'library');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    ({ bridge, browser, page } = await openIndexedApp({ photos, libraryDir, rendererDir, pageErrors }));
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Duplicates', exact: true }).click();
    await groupOf(horses).waitFor();
  });

  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning them */
    await browser?.close();
    await bridge?.close();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    process.env.XDG_DATA_HOME = previousDataHome;
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  it('should list the byte copies and the resized copy with why each is a duplicate, and not the burst', async () => {
    expect(await filter('All').getAttribute('class')).toContain('checked');
    await expect.poll(() => groupOf(dog).count()).toBe(1);
    await expect.poll(() => groupOf(horses).getByTestId('review-copy').count()).toBe(3);
    // Each group says why it is one, and each copy why it is in it.
    expect(await groupOf(dog).getAttribute('data-kind')).toBe('exact');
    expect(await groupOf(dog).getByTestId('group-reason').textContent()).toBe('Same bytes');
    expect(await groupOf(horses).getByTestId('group-reason').textContent()).toMatch(/^Same picture/);
    const reasons = new Map((await copiesOf(horses)).map(([file, , reason]) => [file, reason]));
    expect(reasons.get(horsesCopy)).toBe('Same bytes');
    expect(reasons.get(horsesSmall)).toMatch(/^Same picture, resized to \d+\s%$/); // a no-break space
    expect((await copiesOf(dog)).map(([, , reason]) => reason)).toContain('Same bytes');
    // The burst's frames are other pictures: never among the duplicates.
    const listed = await listedFiles();
    for (const frame of burst) expect(listed).not.toContain(frame);
    expect(await page.locator('[data-testid="duplicate-group"][data-kind="shots"]').count()).toBe(0);
    expect(await page.getByTestId('best-shot').count()).toBe(0);
    await shootBoth('duplicates-tab');
  });

  it('should list the burst in the Similar shots tab, its sharpest frame suggested as the best shot', async () => {
    await filter('Similar shots').click();
    await page.getByTestId('shots-note').waitFor();
    await expect.poll(() => groupOf(burst[0] ?? '').count()).toBe(1);
    const group = groupOf(burst[0] ?? '');
    expect(await group.getAttribute('data-kind')).toBe('shots');
    expect(await group.locator('.kind-badge').textContent()).toBe('Similar shots');
    expect(await group.getByTestId('group-reason').textContent()).toMatch(/^3 pictures .*best shot/);
    const copies = await copiesOf(burst[0] ?? '');
    expect(copies.map(([file]) => file).sort()).toEqual([...burst].sort());
    // The first frame is the best shot, marked and kept; the others are its alternatives, each with its reason.
    const [best, ...others] = copies;
    expect(best?.[1]).toBe('keep');
    expect(best?.[2]).toMatch(/^Suggested best shot/);
    expect(await group.getByTestId('best-shot').count()).toBe(1);
    expect(await group.locator(`[data-path="${best?.[0]}"]`).getByTestId('best-shot').count()).toBe(1);
    for (const [, state, reason] of others) {
      expect(state).toBe('trash');
      expect(reason).not.toMatch(/^Same/);
    }
    // Only the burst is here: the duplicates are in their tabs.
    expect(await groups().count()).toBe(1);
    expect(await page.getByTestId('duplicates-summary').textContent()).toContain('1 group of similar shots');
    // Nothing to tick for a bulk clean-up here; one group, one decision.
    expect(await group.locator('input[type="checkbox"]').count()).toBe(0);
    expect(await page.getByTestId('select-all').count()).toBe(0);
    expect(await page.getByTestId('bulk-trash').count()).toBe(0);
    expect(await group.getByTestId('group-trash').textContent()).toMatch(/Move 2 shots to trash/);
    await shootBoth('shots-tab');

    // Compared side by side: the best shot marked, each shot's reason, "Keep all" for the group.
    await group.getByRole('button', { name: 'Compare', exact: true }).click();
    const dialog = page.getByTestId('compare-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('#compare-title').textContent()).toContain('Compare 3 similar shots');
    expect(await dialog.locator(`[data-path="${best?.[0]}"] .best-shot`).count()).toBe(1);
    expect(await dialog.locator('.best-shot').count()).toBe(1);
    expect(await dialog.getByRole('button', { name: 'Keep all' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'shots-compare.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  });

  it('should never offer similar shots to a bulk clean-up', async () => {
    await filter('All').click();
    await expect.poll(() => groupOf(horses).count()).toBe(1);
    await page.getByTestId('select-all').check();
    await expect.poll(() => page.locator('.bulk-bar .group-select').textContent()).toMatch(/2 groups selected/);
    await page.getByTestId('bulk-trash').click();
    const lines = await page.getByTestId('confirm-list').locator('li').allTextContents();
    expect(lines.filter((line) => line.startsWith('Move'))).toHaveLength(3); // the horses' byte copy and export, the dog's copy
    for (const frame of burst) expect(lines.some((line) => line.includes(frame))).toBe(false);
    await page.locator('.confirm-dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('select-all').uncheck();
    // The selection never follows into the shots tab, and the shots tab has none to make.
    await filter('Similar shots').click();
    await expect.poll(() => groupOf(burst[0] ?? '').count()).toBe(1);
    expect(await page.getByTestId('select-all').count()).toBe(0);
  });

  it('should move the other shots of one group only after a confirmation that says they are other pictures, then undo', async () => {
    const group = groupOf(burst[0] ?? '');
    const [best, ...others] = (await copiesOf(burst[0] ?? '')).map(([file]) => file ?? '');
    await group.getByTestId('group-trash').click();
    await page.getByTestId('confirm-shots').waitFor();
    expect(await page.locator('#confirm-title').textContent()).toMatch(/^Move 2 shots to the trash/);
    const lines = await page.getByTestId('confirm-list').locator('li').allTextContents();
    expect(lines.filter((line) => line.startsWith('Move')).length).toBe(2);
    expect(lines.some((line) => line.startsWith('Keep') && line.includes(best ?? ''))).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'shots-confirm.png') });
    await page.getByTestId('confirm-action').click();

    await page.getByTestId('undo-toast').waitFor();
    await expect.poll(() => others.some((file) => fs.existsSync(file))).toBe(false);
    expect(fs.existsSync(best ?? '')).toBe(true);
    expect(fs.readdirSync(trashDir).sort()).toEqual(others.map((file) => path.basename(file)).sort());
    await expect.poll(() => groupOf(burst[0] ?? '').count()).toBe(0);
    await page.getByTestId('undo-toast').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => others.every((file) => fs.existsSync(file))).toBe(true);
    await expect.poll(() => groupOf(burst[0] ?? '').count()).toBe(1);
  });

  it('should keep all the shots of a group with one button, and bring the group back with Ctrl+Z', async () => {
    await groupOf(burst[0] ?? '')
      .getByTestId('keep-all')
      .click();
    await expect.poll(() => groupOf(burst[0] ?? '').count()).toBe(0);
    expect(await page.getByTestId('undo-toast').textContent()).toContain('Kept all 3 shots');
    for (const frame of burst) expect(fs.existsSync(frame)).toBe(true);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => groupOf(burst[0] ?? '').count()).toBe(1);
  });

  it('should run without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
