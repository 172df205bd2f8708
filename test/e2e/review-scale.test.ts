/**
 * The Duplicates view on a library of 2,000 groups (2,000 small generated pictures, each with a
 * byte copy) in real Chromium against the bridge: the page's elements stay bounded while the list
 * is scrolled to its end (the list is virtualized and loads its pages as it scrolls) and while the
 * keyboard's roving focus goes from the first group to the last, and no interaction (open, switch
 * kind, slider step, scroll, keys, focus mode) blocks the main thread long. Long tasks are
 * read from a PerformanceObserver ('longtask': each task over 50 ms); the figures are printed.
 * Screenshots go to test-results/.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src/bridge/index.js';
import { Doppel } from '../../src/core/doppel.js';
import { mulberry32 } from '../../src/core/vectors/synthetic-embeddings.js';
import { chromiumAvailable, launchChromium, openAppPage } from './support/browser.js';
import { REPO_ROOT, ensureRendererBuilt } from './support/renderer-build.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results');
const GROUPS = 2000;
/** Elements the page may hold at most, whatever the length of the list (a few groups are drawn). */
const ELEMENT_BOUND = 4000;
/**
 * The target for the worst interaction (printed with the figures). The assertion allows a busy
 * 2-core machine running the suite's other files this many times more: it catches the multi-second
 * blocks of a list drawn whole, not a loaded machine's noise.
 */
const LONG_TASK_TARGET_MS = 100;
const LONG_TASK_SLACK = Number(process.env.DOPPEL_E2E_LONG_TASK_SLACK ?? 5);
/** Each wait for the page to settle, on a machine running other work. */
const SETTLE_MS = 60_000;

/** What the test reads and moves of the list's scroll box (tsconfig.node has no DOM lib, on purpose). */
interface ScrollBox {
  scrollTop: number;
  readonly scrollHeight: number;
}

/** Page script: every main-thread task over 50 ms from now on, in `window.__longTasks`. */
const WATCH_LONG_TASKS = `(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
})()`;

/** What the test queries of the page (no DOM lib in tsconfig.node). */
interface PageNode {
  querySelector(selector: string): PageNode | null;
}

/** The list shows groups (no placeholders where it is scrolled) and no new list is on its way. */
function listIsSettled(): boolean {
  const list = (globalThis as unknown as { document: PageNode }).document.querySelector('[data-testid="review-list"]');
  return (
    list !== null &&
    list.querySelector('.group-placeholder') === null &&
    list.querySelector('[data-testid="duplicate-group"]') !== null &&
    list.querySelector('ol[aria-busy="true"]') === null
  );
}

let tempDir: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const worst = new Map<string, number>();

/** Small distinct pictures (noise, so their perceptual hashes are far apart), each with a byte copy. */
async function writeLibraryOf(groups: number, root: string): Promise<void> {
  const random = mulberry32(21);
  for (const folder of ['Camera', 'Backup']) fs.mkdirSync(path.join(root, folder), { recursive: true });
  const width = 32;
  const height = 24;
  for (let i = 0; i < groups; i++) {
    const pixels = Buffer.alloc(width * height * 3);
    for (let p = 0; p < pixels.length; p++) pixels[p] = Math.floor(random() * 256);
    const file = path.join(root, 'Camera', `photo-${String(i).padStart(4, '0')}.jpg`);
    await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 80 })
      .toFile(file);
    fs.copyFileSync(file, path.join(root, 'Backup', path.basename(file)));
  }
}

/** Runs `interaction`, then waits for `settled`; answers the longest main-thread task meanwhile (0: none over 50 ms). */
async function measure(name: string, interaction: () => Promise<void>, settled: () => Promise<unknown>): Promise<number> {
  await page.evaluate('window.__longTasks.length = 0');
  await interaction();
  await settled();
  // Long-task entries are queued: one more frame lets the observer hand over the last ones.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))');
  const tasks = await page.evaluate<number[]>('[...window.__longTasks]');
  const longest = Math.max(0, ...tasks);
  // DOPPEL_E2E_LONG_TASKS=1 prints each interaction's long tasks.
  if (process.env.DOPPEL_E2E_LONG_TASKS) console.log(`${name}: ${tasks.map((task) => task.toFixed(0)).join(', ') || 'none over 50 ms'}`);
  worst.set(name, Math.max(worst.get(name) ?? 0, longest));
  return longest;
}

const elementCount = (): Promise<number> => page.evaluate<number>("document.getElementsByTagName('*').length");
const summary = (): Promise<string> => page.getByTestId('duplicates-summary').innerText();
const listSettled = (): Promise<unknown> => page.waitForFunction(listIsSettled, null, { timeout: SETTLE_MS });

describe.skipIf(!chromiumAvailable())(`the Duplicates view with ${GROUPS} groups`, () => {
  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    tempDir = fs.realpathSync(await mkdtemp(path.join(os.tmpdir(), 'doppel-review-scale-')));
    const photos = path.join(tempDir, 'Photos');
    await writeLibraryOf(GROUPS, photos);
    const libraryDir = path.join(tempDir, 'library');
    const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
    await doppel.index([photos]);
    await doppel.close();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    bridge = await startBridge({ libraryDir, port: 0, host: '127.0.0.1', rendererDir });
    browser = await launchChromium();
    page = await openAppPage(browser, bridge.url, pageErrors);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.evaluate(WATCH_LONG_TASKS);
  }, 600_000);

  afterAll(async () => {
    const figures = [...worst].map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', ');
    console.log(`review at ${GROUPS} groups: longest main-thread task per interaction: ${figures} (target < ${LONG_TASK_TARGET_MS} ms)`);
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning them */
    await browser?.close();
    await bridge?.close();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  it('should open on the first groups, the page holding a few of them only', async () => {
    await measure(
      'open',
      () => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Duplicates', exact: true }).click(),
      async () => {
        await expect.poll(summary, { timeout: SETTLE_MS }).toMatch(/^2,000 groups/);
        await listSettled();
      },
    );
    const drawn = await page.getByTestId('duplicate-group').count();
    const elements = await elementCount();
    console.log(`review at ${GROUPS} groups: opened with ${drawn} groups drawn, ${elements} elements in the page`);
    expect(drawn).toBeLessThan(30);
    expect(elements).toBeLessThan(ELEMENT_BOUND);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-2000-groups.png') });
  });

  it('should switch kinds and take a slider step without a long block', async () => {
    const kind = (label: string) => page.locator('.segmented label', { hasText: label });
    await measure(
      'switch kind',
      () => kind('Exact copies').click(),
      async () => {
        await expect.poll(() => kind('Exact copies').getAttribute('class'), { timeout: SETTLE_MS }).toContain('checked');
        await listSettled();
      },
    );
    await measure(
      'switch kind',
      () => kind('All').click(),
      () => listSettled(),
    );
    const slider = page.getByTestId('near-sensitivity').locator('input[type="range"]');
    const before = await slider.inputValue();
    await measure(
      'slider step',
      async () => {
        await slider.focus();
        await page.keyboard.press('ArrowRight');
      },
      async () => {
        await expect.poll(() => slider.inputValue()).not.toBe(before);
        await listSettled();
      },
    );
    await expect.poll(summary, { timeout: SETTLE_MS }).toMatch(/^2,000 groups/);
  });

  it('should keep the page bounded while scrolling to the last group, loading pages on the way', async () => {
    const list = page.getByTestId('review-list');
    let most = 0;
    const steps = 24;
    for (let step = 1; step <= steps; step++) {
      await measure(
        'scroll',
        () =>
          list.evaluate((element, fraction) => {
            const box = element as unknown as ScrollBox;
            box.scrollTop = fraction * box.scrollHeight;
          }, step / steps),
        () => listSettled(),
      );
      most = Math.max(most, await elementCount());
    }
    await measure(
      'scroll',
      () =>
        list.evaluate((element) => {
          const box = element as unknown as ScrollBox;
          box.scrollTop = box.scrollHeight;
        }),
      async () => {
        await page.locator(`[data-group-index="${GROUPS - 1}"]`).waitFor({ timeout: SETTLE_MS });
        await listSettled();
      },
    );
    most = Math.max(most, await elementCount());
    // The last group is on screen, inside the list, not only in the page.
    const [listBox, lastBox] = await Promise.all([list.boundingBox(), page.locator(`[data-group-index="${GROUPS - 1}"]`).boundingBox()]);
    expect(lastBox && listBox && lastBox.y >= listBox.y && lastBox.y + lastBox.height <= listBox.y + listBox.height + 1).toBe(true);
    console.log(`review at ${GROUPS} groups: at most ${most} elements in the page while scrolling to the end (bound ${ELEMENT_BOUND})`);
    expect(most).toBeLessThan(ELEMENT_BOUND);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-2000-groups-end.png') });
  });

  it('should carry real focus from end to end of the list and into focus mode without a long block', async () => {
    /** The review's element that holds the page's focus (roving focus), by its `data-focus-key`. */
    const focusKey = (): Promise<string | null> =>
      page.evaluate<string | null>("document.activeElement?.getAttribute('data-focus-key') ?? null");
    const focusReaches = (key: string) => async () => {
      await expect.poll(focusKey, { timeout: SETTLE_MS }).toBe(key);
      await listSettled();
    };
    // The slider kept the focus: the review's keys do not act in a field.
    await page.evaluate('document.activeElement?.blur()');
    await measure('keyboard', () => page.keyboard.press('Home'), focusReaches('g:0'));
    for (const index of [1, 2, 3]) await measure('keyboard', () => page.keyboard.press('ArrowDown'), focusReaches(`g:${index}`));
    let most = await elementCount();
    await measure('keyboard', () => page.keyboard.press('End'), focusReaches(`g:${GROUPS - 1}`));
    most = Math.max(most, await elementCount());
    await measure('keyboard', () => page.keyboard.press('Home'), focusReaches('g:0'));
    most = Math.max(most, await elementCount());
    await measure(
      'focus mode',
      () => page.keyboard.press('f'),
      () => expect.poll(focusKey, { timeout: SETTLE_MS }).toBe('f:0'),
    );
    await measure(
      'focus mode',
      () => page.keyboard.press('ArrowRight'),
      () => page.locator('#focus-title', { hasText: 'Group 2 of' }).waitFor({ timeout: SETTLE_MS }),
    );
    await measure('focus mode', () => page.keyboard.press('Escape'), focusReaches('g:1'));
    most = Math.max(most, await elementCount());
    console.log(`review at ${GROUPS} groups: at most ${most} elements in the page while the keyboard went end to end`);
    expect(most).toBeLessThan(ELEMENT_BOUND);
  });

  it('should not block the main thread long in any of them', () => {
    const longest = Math.max(...worst.values());
    expect(longest).toBeLessThan(LONG_TASK_TARGET_MS * LONG_TASK_SLACK);
  });

  it('should run without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
