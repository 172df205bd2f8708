/**
 * Focus mode and keyboard-only review of the Duplicates view, in real Chromium against the bridge
 * on a real library (five groups of real photos: byte copies and smaller exports) and a private
 * freedesktop trash. Focus mode: one group, its copies' large previews zoomed together, its reason,
 * keys that keep, trash (through the confirmation, then undone) and move on. The list: Tab lands on
 * the group in focus, arrows move the page's real focus between groups and copies, each with a name
 * a screen reader says, K / N / Del act, and Settings can switch the single-key shortcuts off.
 * Screenshots go to test-results/ (focus-mode-1440.png, focus-mode-900.png, keyboard-review.png).
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/bridge/index.js';
import { DARKNET_DATA_DIR } from '../fixtures/real-photos.js';
import { chromiumAvailable } from './support/browser.js';
import { openIndexedApp } from './support/indexed-app.js';
import { callBridge, waitForJob, type PageElement } from './support/page-checks.js';
import { REPO_ROOT, ensureRendererBuilt } from './support/renderer-build.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results');
/** Photos with a byte copy in Backup/, and photos with a smaller export in Exports/: one group each. */
const BYTE_COPIED = ['horses', 'eagle'];
const EXPORTED = ['dog', 'giraffe', 'kite'];
const GROUPS = BYTE_COPIED.length + EXPORTED.length;

let tempDir: string;
let photos: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const previousDataHome = process.env.XDG_DATA_HOME;

/** What the page's focused element is: the test reads it as a screen reader would find it. */
interface Focused {
  readonly testId: string | null;
  readonly label: string | null;
  readonly path: string | null;
  readonly index: string | null;
}
const focused = (): Promise<Focused> =>
  page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: PageElement | null } }).document.activeElement;
    return {
      testId: active?.getAttribute('data-testid') ?? null,
      label: active?.getAttribute('aria-label') ?? null,
      path: active?.getAttribute('data-path') ?? null,
      index: active?.getAttribute('data-group-index') ?? null,
    };
  });

const focusMode = () => page.getByTestId('focus-mode');
const focusCopies = () => focusMode().getByTestId('focus-copy');
const focusTitle = () => focusMode().locator('#focus-title').textContent();
/** [path, 'keep' | 'trash'] of each copy shown in focus mode. */
const focusStates = (): Promise<(string | null)[][]> =>
  focusCopies().evaluateAll((nodes) =>
    nodes.map((node) => [
      (node as unknown as PageElement).getAttribute('data-path'),
      (node as unknown as PageElement).getAttribute('data-state'),
    ]),
  );
const summary = () => page.getByTestId('duplicates-summary').textContent();
/** The list of every group came (the list is virtualized: its summary says how many). */
const allGroupsShown = () =>
  page
    .getByTestId('duplicates-summary')
    .filter({ hasText: `${GROUPS} groups` })
    .waitFor();
const nav = (name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();

/** Presses `key` until the page's focus is inside the group list (at most `limit` presses). */
async function tabIntoList(limit = 60): Promise<Focused> {
  for (let step = 0; step < limit; step += 1) {
    await page.keyboard.press('Tab');
    const now = await focused();
    if (now.testId === 'duplicate-group' || now.testId === 'review-copy') return now;
  }
  throw new Error(`Tab did not reach the group list in ${limit} presses`);
}

describe.skipIf(!chromiumAvailable())('focus mode and keyboard-only review in the browser', () => {
  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    tempDir = fs.realpathSync(await mkdtemp(path.join(os.tmpdir(), 'doppel-focus-')));
    process.env.XDG_DATA_HOME = path.join(tempDir, 'xdg'); // the bridge's trash: never the real one
    photos = path.join(tempDir, 'Photos');
    for (const folder of ['Camera', 'Backup', 'Exports']) fs.mkdirSync(path.join(photos, folder), { recursive: true });
    for (const name of [...BYTE_COPIED, ...EXPORTED]) {
      fs.copyFileSync(path.join(DARKNET_DATA_DIR, `${name}.jpg`), path.join(photos, 'Camera', `${name}.jpg`));
    }
    for (const name of BYTE_COPIED) fs.copyFileSync(path.join(photos, 'Camera', `${name}.jpg`), path.join(photos, 'Backup', `${name}.jpg`));
    for (const name of EXPORTED) {
      await sharp(path.join(photos, 'Camera', `${name}.jpg`))
        .resize(360)
        .jpeg({ quality: 70 })
        .toFile(path.join(photos, 'Exports', `${name}-small.jpg`));
    }
    const libraryDir = path.join(tempDir, 'library');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    ({ bridge, browser, page } = await openIndexedApp({ photos, libraryDir, rendererDir, pageErrors }));
    await nav('Duplicates');
    await allGroupsShown();
  });

  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning them */
    await browser?.close();
    await bridge?.close();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    process.env.XDG_DATA_HOME = previousDataHome;
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  describe('focus mode', () => {
    it('should show one group with its copies side by side in large previews, its reason and the suggested keeper', async () => {
      await page.getByTestId('focus-mode-button').click();
      await focusMode().waitFor();
      expect(await focusTitle()).toMatch(new RegExp(`^\\s*Group 1 of ${GROUPS}`));
      expect(await focusCopies().count()).toBe(2);
      expect((await focusMode().getByTestId('focus-reason').textContent())?.trim()).not.toBe('');
      expect(await focusCopies().first().getByTestId('focus-suggestion').textContent()).toContain('Suggested keeper');
      for (const copy of await focusCopies().all())
        expect((await copy.getByTestId('focus-copy-reason').textContent())?.trim()).not.toBe('');
      // Large previews (the JPEG previews, not 256 px thumbnails): the originals are wider than 256 px.
      const widths = () =>
        focusMode()
          .locator('[data-testid="zoom-frame"] img')
          .evaluateAll((images) => images.map((image) => (image as unknown as { naturalWidth: number }).naturalWidth));
      await expect.poll(async () => Math.max(...(await widths()))).toBeGreaterThan(256);
      await expect.poll(async () => Math.min(...(await widths()))).toBeGreaterThan(0);
      // Side by side: the second copy starts right of the first, on the same row.
      const [first, second] = await Promise.all([focusCopies().nth(0).boundingBox(), focusCopies().nth(1).boundingBox()]);
      expect(second?.x).toBeGreaterThanOrEqual((first?.x ?? 0) + (first?.width ?? 0));
      expect(Math.abs((second?.y ?? 0) - (first?.y ?? 0))).toBeLessThan(2);
      // The page's focus is on the first copy, so the keys act on it and a screen reader says it.
      await expect.poll(async () => (await focused()).testId).toBe('focus-copy');
      expect((await focused()).label).toMatch(/^copy 1 of 2, suggested keeper, kept, \//);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'focus-mode-1440.png') });
    });

    it('should zoom every copy at the same spot, and out again with Z', async () => {
      const styles = () =>
        focusMode()
          .locator('[data-testid="zoom-frame"] img')
          .evaluateAll((images) =>
            images.map((image) => {
              const style = (image as unknown as { style: { transform: string; transformOrigin: string } }).style;
              return `${style.transform} @ ${style.transformOrigin}`;
            }),
          );
      await focusMode()
        .getByTestId('zoom-frame')
        .first()
        .click({ position: { x: 40, y: 30 } });
      await expect.poll(async () => new Set(await styles()).size).toBe(1);
      const [zoomed] = await styles();
      expect(zoomed).toMatch(/^scale\(3\) @ /);
      expect(zoomed).not.toContain('50% 50%');
      await page.keyboard.press('z');
      await expect.poll(async () => (await styles()).every((style) => style.startsWith('none'))).toBe(true);
    });

    it('should keep the copy in focus with K, toggle with T, and move between groups with the arrows and Space', async () => {
      await page.keyboard.press('ArrowDown');
      await expect.poll(async () => (await focused()).label).toMatch(/^copy 2 of 2, /);
      const second = (await focused()).path;
      await page.keyboard.press('k');
      await expect.poll(async () => (await focusStates()).map(([, state]) => state)).toEqual(['trash', 'keep']);
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('t');
      await expect.poll(async () => (await focusStates()).map(([, state]) => state)).toEqual(['keep', 'keep']);
      await page.keyboard.press('t');
      await expect.poll(async () => (await focusStates()).map(([, state]) => state)).toEqual(['trash', 'keep']);

      await page.keyboard.press('ArrowRight');
      await expect.poll(focusTitle).toMatch(/^\s*Group 2 of/);
      await page.keyboard.press(' ');
      await expect.poll(focusTitle).toMatch(/^\s*Group 3 of/);
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await expect.poll(focusTitle).toMatch(/^\s*Group 1 of/);
      // The choice made in the group stays when the user comes back to it.
      expect((await focusStates()).find(([file]) => file === second)?.[1]).toBe('keep');
    });

    it('should trash the others of the group with Enter after the confirmation, show the next group at once, and undo', async () => {
      const states = await focusStates();
      const trashed = String(states[0]?.[0]);
      const kept = String(states[1]?.[0]);
      expect(states.map(([, state]) => state)).toEqual(['trash', 'keep']);
      await page.keyboard.press('Enter');
      const list = page.getByTestId('confirm-list');
      await list.waitFor();
      // One line moves: the copy marked Trash (its full path is the name's tooltip).
      expect(await list.locator('li.moves').count()).toBe(1);
      expect(await list.locator(`li.moves [title="${trashed}"]`).count()).toBeGreaterThan(0);
      await page.keyboard.press('Enter'); // the confirmation's own button has the focus
      await page.getByTestId('undo-toast').waitFor();
      await expect.poll(() => fs.existsSync(trashed)).toBe(false);
      expect(fs.existsSync(kept)).toBe(true);
      // The next group is in its place at once, and the keyboard is on its first copy.
      await expect.poll(focusTitle).toMatch(new RegExp(`^\\s*Group 1 of ${GROUPS - 1}`));
      expect((await focusStates()).map(([file]) => file)).not.toContain(kept);
      await expect.poll(async () => (await focused()).testId).toBe('focus-copy');
      expect(await summary()).toContain(`${GROUPS - 1} groups`);

      await page.getByTestId('undo-toast').getByRole('button', { name: 'Undo' }).click();
      await expect.poll(() => fs.existsSync(trashed)).toBe(true);
      await expect.poll(async () => (await focusStates()).map(([file]) => file).sort()).toEqual([kept, trashed].sort());
      expect(await focusTitle()).toMatch(new RegExp(`^\\s*Group 1 of ${GROUPS}`));
    });

    it('should mark a group as not duplicates with N and move on, then leave with Esc onto that group in the list', async () => {
      const before = (await focusStates()).map(([file]) => file);
      await focusCopies().first().focus();
      await page.keyboard.press('n');
      await expect.poll(focusTitle).toMatch(new RegExp(`^\\s*Group 1 of ${GROUPS - 1}`));
      expect((await focusStates()).map(([file]) => file)).not.toEqual(before);
      await page.keyboard.press('Control+z');
      await expect.poll(focusTitle).toMatch(new RegExp(`^\\s*Group 1 of ${GROUPS}`));
      await expect.poll(async () => (await focusStates()).map(([file]) => file)).toEqual(before);

      await page.keyboard.press('ArrowRight');
      await expect.poll(focusTitle).toMatch(/^\s*Group 2 of/);
      await page.keyboard.press('Escape');
      await expect.poll(() => focusMode().count()).toBe(0);
      await expect.poll(async () => (await focused()).label).toMatch(new RegExp(`^Group 2 of ${GROUPS}: `));
    });

    it('should lay focus mode out at 900 px without overlapping copies', async () => {
      await page.setViewportSize({ width: 900, height: 800 });
      await page.keyboard.press('f');
      await focusMode().waitFor();
      const boxes = await Promise.all((await focusCopies().all()).map((copy) => copy.boundingBox()));
      const [first, second] = boxes;
      if (!first || !second) throw new Error('two copies are drawn');
      expect(second.x).toBeGreaterThanOrEqual(first.x + first.width);
      const frame = await focusMode().boundingBox();
      expect((frame?.x ?? 0) + (frame?.width ?? 0)).toBeLessThanOrEqual(900);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'focus-mode-900.png') });
      await page.keyboard.press('Escape');
      await expect.poll(() => focusMode().count()).toBe(0);
      await page.setViewportSize({ width: 1440, height: 900 });
    });
  });

  describe('keyboard-only review', () => {
    it('should land on the group in focus when Tab enters the list, named for a screen reader', async () => {
      await page.reload();
      await nav('Duplicates');
      await allGroupsShown();
      await page.getByRole('heading', { name: 'Duplicates', level: 1 }).click();
      const landed = await tabIntoList();
      expect(landed.testId).toBe('duplicate-group');
      expect(landed.label).toMatch(new RegExp(`^Group 1 of ${GROUPS}: 2 copies, .+, suggested keeper .+\\.jpg$`));
    });

    it('should move the page focus between groups with ↑ ↓ and between copies with ← →', async () => {
      await page.keyboard.press('ArrowUp');
      await expect.poll(async () => (await focused()).label).toMatch(new RegExp(`^Group 1 of ${GROUPS}: `));
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await expect.poll(async () => (await focused()).label).toMatch(new RegExp(`^Group 3 of ${GROUPS}: `));
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await focused()).testId).toBe('review-copy');
      expect((await focused()).label).toMatch(/^copy 2 of 2, to trash, \/.+, \d+ × \d+, /);
      await page.keyboard.press('ArrowLeft');
      await expect.poll(async () => (await focused()).label).toMatch(/^copy 1 of 2, suggested keeper, kept, \//);
      await page.keyboard.press('ArrowLeft');
      await expect.poll(async () => (await focused()).label).toMatch(new RegExp(`^Group 3 of ${GROUPS}: `));
    });

    it('should keep a copy with K, open the confirmation with Del, and mark not duplicates with N', async () => {
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await focused()).label).toMatch(/^copy 2 of 2, to trash/);
      await page.keyboard.press('k');
      await expect.poll(async () => (await focused()).label).toMatch(/^copy 2 of 2, kept/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'keyboard-review.png') });

      await page.keyboard.press('Delete');
      await page.getByTestId('confirm-list').waitFor();
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('confirm-list').count()).toBe(0);
      // Focus comes back from the closed confirmation to where the keyboard was.
      await expect.poll(async () => (await focused()).label).toMatch(/^copy 2 of 2, kept/);

      await page.keyboard.press('n');
      await expect.poll(summary).toContain(`${GROUPS - 1} groups`);
      // The group now in its place has the focus, not the page's body.
      await expect.poll(async () => (await focused()).testId).toMatch(/^(duplicate-group|review-copy)$/);
      await page.keyboard.press('Control+z');
      await expect.poll(summary).toContain(`${GROUPS} groups`);
    });

    it('should list every key in the Keys dialog (?)', async () => {
      await page.keyboard.press('?');
      const help = page.getByTestId('keys-help');
      await help.waitFor();
      expect(await help.textContent()).toContain('Focus mode: one group at a time');
      expect(await page.getByTestId('keys-state').textContent()).toContain('on');
      await page.keyboard.press('Escape');
      await expect.poll(() => help.count()).toBe(0);
    });

    it("should open the same Keys dialog from the header's Keys button; the bulk bar lists no keys of its own", async () => {
      expect(await page.locator('.bulk-bar').textContent()).not.toContain('Keys:');
      await page.getByTestId('keys-button').click();
      const help = page.getByTestId('keys-help');
      await help.waitFor();
      expect(await help.textContent()).toContain('Focus mode: one group at a time');
      await page.keyboard.press('Escape');
      await expect.poll(() => help.count()).toBe(0);
    });

    it('should ignore single-key shortcuts once Settings switch them off, and remember it', async () => {
      await nav('Settings');
      const setting = page.getByTestId('single-key-shortcuts');
      await setting.uncheck();
      await page.reload();
      await nav('Settings');
      expect(await page.getByTestId('single-key-shortcuts').isChecked()).toBe(false);
      await nav('Duplicates');
      await allGroupsShown();
      await page.getByRole('heading', { name: 'Duplicates', level: 1 }).click();
      await tabIntoList();
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await focused()).testId).toBe('review-copy');
      const copy = (await focused()).path;
      const state = () => page.locator(`[data-testid="review-copy"][data-path="${copy}"]`).getAttribute('data-state');
      const stateBefore = await state();
      for (const key of ['k', 't', 'n', 'f']) await page.keyboard.press(key);
      // Arrows still work: once the focus moved, the letters before it were handled (and ignored).
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await expect.poll(async () => (await focused()).testId).toBe('duplicate-group');
      expect(await state()).toBe(stateBefore);
      expect(await summary()).toContain(`${GROUPS} groups`);
      expect(await focusMode().count()).toBe(0);
      // Focus mode's footer names only the keys that still work.
      await page.getByRole('button', { name: 'Focus mode', exact: true }).click();
      const hint = page.getByTestId('focus-hint');
      await hint.waitFor();
      expect(await hint.textContent()).toContain('Esc leave');
      expect(await hint.textContent()).not.toContain('keep this one');
      // Nor do the copies' buttons offer the letters.
      expect(await focusMode().locator('.compare-actions kbd').count()).toBe(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'focus-mode-keys-off.png') });
      await page.keyboard.press('Escape');
      await expect.poll(() => focusMode().count()).toBe(0);

      await nav('Settings');
      await page.getByTestId('single-key-shortcuts').check();
    });

    it('should stay on the group the keyboard went to while a refreshed list was on its way', async () => {
      await nav('Duplicates');
      await allGroupsShown();
      await page.getByRole('heading', { name: 'Duplicates', level: 1 }).click();
      await tabIntoList();
      await page.keyboard.press('Home');
      await expect.poll(async () => (await focused()).label).toMatch(new RegExp(`^Group 1 of ${GROUPS}: `));
      // The list's answers are held, so that the keyboard moves while one is on its way.
      const held: Route[] = [];
      await page.route('**/api/duplicates:list', (route) => {
        held.push(route);
      });
      // A new pair of byte copies and an index: the finished job asks for the list again, from group 1.
      for (const folder of ['Camera', 'Backup'])
        fs.copyFileSync(path.join(DARKNET_DATA_DIR, 'person.jpg'), path.join(photos, folder, 'person.jpg'));
      const { jobId } = await callBridge<{ jobId: string }>(bridge.url, 'library:index', { roots: [photos] });
      await waitForJob(bridge.url, jobId, { stallMs: 30_000, timeoutMs: 150_000, intervalMs: 50 });
      await expect.poll(() => held.length).toBeGreaterThan(0);

      await page.keyboard.press('ArrowDown');
      await expect.poll(async () => (await focused()).label).toMatch(new RegExp(`^Group 2 of ${GROUPS}: `));
      const keeper = /suggested keeper (.+)$/.exec((await focused()).label ?? '')?.[1];
      for (const route of held) await route.continue();
      await page.unroute('**/api/duplicates:list');
      await expect.poll(summary).toContain(`${GROUPS + 1} groups`);
      // Two frames after the answer came, Vue has placed it; then the keyboard goes on from where it is.
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await expect.poll(async () => (await focused()).label).toMatch(new RegExp(`^Group \\d of ${GROUPS + 1}: `));
      expect((await focused()).label).toMatch(new RegExp(`suggested keeper ${keeper}$`));
    });

    it('should run without page errors', () => {
      expect(pageErrors).toEqual([]);
    });
  });
});
