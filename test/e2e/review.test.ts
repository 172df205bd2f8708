/**
 * The duplicate review in real Chromium against the bridge on a real library and a private
 * freedesktop trash: compare a group, keep the highest resolution, move the rest to the trash,
 * undo, mark "not duplicates" and undo that with Ctrl+Z, keep the copies in a chosen folder.
 * Screenshots go to test-results/.
 */
import { createHash } from 'node:crypto';
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

/** The horses: the original, a byte copy in a backup, and a smaller re-encoded export. */
let original: string;
let backup: string;
let small: string;
let trashDir: string;
let digests: Map<string, string>;

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const horsesGroup = () => page.locator('[data-testid="duplicate-group"]', { has: page.locator(`[data-path="${original}"]`) });
/** [path, 'keep' | 'trash'] of each copy of the horses, in the order shown (the suggested keeper first). */
const horsesCopies = (): Promise<(string | null)[][]> =>
  horsesGroup()
    .getByTestId('review-copy')
    .evaluateAll((nodes) =>
      nodes.map((node) => [
        (node as unknown as PageElement).getAttribute('data-path'),
        (node as unknown as PageElement).getAttribute('data-state'),
      ]),
    );

describe.skipIf(!chromiumAvailable())('duplicate review in the browser', () => {
  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    tempDir = fs.realpathSync(await mkdtemp(path.join(os.tmpdir(), 'doppel-review-')));
    process.env.XDG_DATA_HOME = path.join(tempDir, 'xdg'); // the bridge's trash: never the real one
    trashDir = path.join(tempDir, 'xdg', 'Trash', 'files');
    const photos = path.join(tempDir, 'Photos');
    for (const folder of ['Camera', 'Backup', 'Exports']) fs.mkdirSync(path.join(photos, folder), { recursive: true });
    original = path.join(photos, 'Camera', 'horses.jpg');
    backup = path.join(photos, 'Backup', 'horses.jpg');
    small = path.join(photos, 'Exports', 'horses-small.jpg');
    fs.copyFileSync(path.join(DARKNET_DATA_DIR, 'horses.jpg'), original);
    fs.copyFileSync(original, backup);
    await sharp(original).resize(360).jpeg({ quality: 70 }).toFile(small);
    for (const other of ['dog', 'eagle', 'person']) {
      fs.copyFileSync(path.join(DARKNET_DATA_DIR, `${other}.jpg`), path.join(photos, 'Camera', `${other}.jpg`));
    }
    digests = new Map([original, backup, small].map((file) => [file, sha256(file)]));
    const libraryDir = path.join(tempDir, 'library');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    ({ bridge, browser, page } = await openIndexedApp({ photos, libraryDir, rendererDir, pageErrors }));
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Duplicates', exact: true }).click();
    await horsesGroup().waitFor();
  });

  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning them */
    await browser?.close();
    await bridge?.close();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    process.env.XDG_DATA_HOME = previousDataHome;
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  it('should show the byte copy and the smaller export in one group, the full-size original kept', async () => {
    await page.getByTestId('keep-rule').selectOption('highest-resolution');
    await expect.poll(() => horsesGroup().getByTestId('review-copy').count()).toBe(3);
    // Highest resolution first: one of the two full-size byte copies is kept, the smaller export goes.
    const states = await horsesCopies();
    const kept = states.filter(([, state]) => state === 'keep').map(([file]) => file);
    expect(kept).toHaveLength(1);
    expect([original, backup]).toContain(kept[0]);
    expect(states.find(([file]) => file === small)?.[1]).toBe('trash');
    expect(await horsesGroup().getByText('Same bytes').count()).toBe(1);
    expect(
      await horsesGroup()
        .getByText(/\d+% similar/)
        .count(),
    ).toBe(1);
  });

  it('should compare the copies side by side with large previews and the differences highlighted', async () => {
    await horsesGroup().getByRole('button', { name: 'Compare', exact: true }).click();
    const dialog = page.getByTestId('compare-dialog');
    await dialog.waitFor();
    const columns = dialog.getByTestId('compare-copy');
    await expect.poll(() => columns.count()).toBe(3);
    // Large previews, not the 256 px thumbnails: the original is 773 px wide.
    await expect
      .poll(() =>
        dialog.locator('img').evaluateAll((images) => images.map((image) => (image as unknown as { naturalWidth: number }).naturalWidth)),
      )
      .toEqual(expect.arrayContaining([773, 773, 360]));
    const smallColumn = dialog.locator(`[data-path="${small}"]`);
    expect(await smallColumn.locator('.differs', { hasText: 'Resolution' }).count()).toBe(1);
    expect(await smallColumn.locator('.differs', { hasText: 'Folder' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'compare-before.png') });
  });

  it('should move the two other copies to the trash after a confirmation that names them, then undo', async () => {
    const dialog = page.getByTestId('compare-dialog');
    // The oldest of the two full-size byte copies is the one kept (the default order's tie-break).
    expect(await dialog.locator(`[data-path="${original}"] .copy-state-chip`).textContent()).toContain('Keep');
    await dialog.getByTestId('compare-trash').click();
    const list = page.getByTestId('confirm-list');
    await list.waitFor();
    const lines = await list.locator('li').allTextContents();
    expect(lines.filter((line) => line.startsWith('Move')).map((line) => line.includes(backup) || line.includes(small))).toEqual([
      true,
      true,
    ]);
    expect(lines.some((line) => line.startsWith('Keep') && line.includes(original))).toBe(true);
    await page.getByTestId('confirm-action').click();

    await page.getByTestId('undo-toast').waitFor();
    expect(await page.getByTestId('undo-toast').textContent()).toMatch(/^Moved 2 copies to the trash \(.+ freed\)\./);
    await expect.poll(() => fs.existsSync(backup) || fs.existsSync(small)).toBe(false);
    expect(fs.existsSync(original)).toBe(true);
    expect(fs.readdirSync(trashDir).sort()).toEqual(['horses-small.jpg', 'horses.jpg']);
    await expect.poll(() => horsesGroup().count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-after-trash.png') });

    await page.getByTestId('undo-toast').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => fs.existsSync(backup) && fs.existsSync(small)).toBe(true);
    for (const [file, digest] of digests) expect(sha256(file)).toBe(digest);
    await expect.poll(() => horsesGroup().count()).toBe(1);
  });

  it('should mark the group as not duplicates with N and bring it back with Ctrl+Z', async () => {
    if ((await page.getByTestId('compare-dialog').count()) > 0) await page.keyboard.press('Escape');
    await horsesGroup().getByRole('button', { name: 'Compare', exact: true }).click();
    await page.getByTestId('compare-dialog').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'compare-after-undo.png') });
    await page.keyboard.press('n');
    await expect.poll(() => horsesGroup().count()).toBe(0);
    await page.getByTestId('undo-toast').waitFor();
    if ((await page.getByTestId('compare-dialog').count()) > 0) await page.keyboard.press('Escape');
    await page.keyboard.press('Control+z');
    await expect.poll(() => horsesGroup().count()).toBe(1);
  });

  it('should choose another keeper with the keyboard: arrows to a copy, K to keep it', async () => {
    const group = horsesGroup();
    const index = Number(await group.getAttribute('data-group-index'));
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (let step = 0; step < index + 3; step += 1) await page.keyboard.press('ArrowUp'); // to the first group
    for (let step = 0; step < index; step += 1) await page.keyboard.press('ArrowDown');
    const copies = group.getByTestId('review-copy');
    const smallPosition = (
      await copies.evaluateAll((nodes) => nodes.map((node) => (node as unknown as PageElement).getAttribute('data-path')))
    ).indexOf(small);
    for (let step = 0; step < smallPosition; step += 1) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('k');
    await expect.poll(() => group.locator(`[data-path="${small}"]`).getAttribute('data-state')).toBe('keep');
    await expect.poll(() => group.locator(`[data-path="${original}"]`).getAttribute('data-state')).toBe('trash');
  });

  it('should keep the rule in force and say why when the folder typed for "In a folder…" is not a full path', async () => {
    // The suggested keeper is the first copy (the keyboard test before may have chosen another one).
    const firstCopy = async (): Promise<string | null | undefined> => (await horsesCopies())[0]?.[0];
    await page.getByTestId('keep-rule').selectOption('highest-resolution');
    await expect.poll(firstCopy).toBe(original);
    await page.getByTestId('keep-rule').selectOption('in-folder');
    const field = page.getByTestId('keep-folder');
    await field.fill('Exports');
    await field.press('Enter');
    await expect.poll(() => page.locator('#keep-folder-hint').textContent()).toContain('Not a full path');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await firstCopy()).toBe(original);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-keep-folder-hint.png') });
  });

  it('should keep the copy in the folder picked for "In a folder…" and move the other copies to the trash', async () => {
    const exports = path.dirname(small);
    await page.getByTestId('keep-rule').selectOption('in-folder');
    // The list offers the folders holding copies, and the library's root.
    const offered = await page
      .locator('#keep-folder-choices option')
      .evaluateAll((options) => options.map((option) => (option as unknown as PageElement).getAttribute('value')));
    expect(offered).toEqual(expect.arrayContaining([exports, path.dirname(original), path.dirname(backup), path.dirname(exports)]));
    const field = page.getByTestId('keep-folder');
    await field.fill(exports);
    await field.press('Enter');
    // The smaller export beats the full-size copies now: the folder decides, resolution only breaks ties.
    await expect.poll(async () => (await horsesCopies())[0]).toEqual([small, 'keep']);
    expect((await horsesCopies()).slice(1).map(([, state]) => state)).toEqual(['trash', 'trash']);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-keep-folder.png') });

    // The rule is remembered when the user comes back to the view.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Library', exact: true }).click();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Duplicates', exact: true }).click();
    expect(await page.getByTestId('keep-rule').inputValue()).toBe('in-folder');
    expect(await page.getByTestId('keep-folder').inputValue()).toBe(exports);

    await horsesGroup().getByTestId('group-trash').click();
    await page.getByTestId('confirm-action').click();
    await expect.poll(() => fs.existsSync(original) || fs.existsSync(backup)).toBe(false);
    expect(fs.existsSync(small)).toBe(true);
    await page.getByTestId('undo-toast').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => fs.existsSync(original) && fs.existsSync(backup)).toBe(true);
    await page.getByTestId('keep-rule').selectOption('highest-resolution');
  });

  it('should keep the copy in a reference folder set in Settings, whatever was chosen before', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('textbox', { name: 'Reference folder' }).fill(path.dirname(backup));
    await page.getByRole('button', { name: 'Protect folder' }).click();
    await expect.poll(() => page.getByTestId('protected-folders').locator('code').allTextContents()).toEqual([path.dirname(backup)]);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Duplicates', exact: true }).click();
    const copy = horsesGroup().locator(`[data-path="${backup}"]`);
    await expect.poll(() => copy.getAttribute('data-state')).toBe('keep');
    expect(await copy.getByText('Protected').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-list.png'), fullPage: true });
  });

  it('should run without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
