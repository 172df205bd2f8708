/**
 * The Library photo grid, the Settings view and the near-duplicate sensitivity, in real Chromium
 * against the bridge on a real (temporary) library bigger than one page of the grid.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src/bridge/index.js';
import { limits } from '../../src/shared/limits.js';

const nearDefaults = { threshold: limits.nearThreshold.default, hashDistance: limits.nearHashDistance.default };
const nearThresholdRange = limits.nearThreshold;
import type { DuplicatesPage, LibraryStats, PhotoPage } from '../../src/shared/types.js';
import { listedGroups } from '../helpers/duplicate-pages.js';
import { chromiumAvailable, launchChromium, openAppPage } from './support/browser.js';
import {
  callBridge as callBridgeAt,
  clickViewerAction,
  expectSimilarView,
  thumbnailWidths,
  waitForJob,
  type PageElement,
} from './support/page-checks.js';
import { writeDatedPhotos, writePhotoFolder, type DatedPhoto, type PhotoFolder } from './support/photo-folder.js';
import { ensureRendererBuilt } from './support/renderer-build.js';

const SCREENSHOT_PREFIX = path.join(os.tmpdir(), 'doppel-');
/** More photos than one screen of the timeline shows. */
const GRID_PAGE = 48;

let tempDir: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;
let photos: PhotoFolder;
let dated: DatedPhoto[];
const pageErrors: string[] = [];

function timelinePaths(): Promise<string[]> {
  return page
    .getByTestId('photo-tile')
    .evaluateAll((tiles) => tiles.map((tile) => (tile as unknown as PageElement).getAttribute('data-path') ?? ''));
}

function callBridge<T>(channel: string, input?: unknown): Promise<T> {
  return callBridgeAt<T>(bridge.url, channel, input);
}

/** Indexes through the API (the UI path is browser-mode.test's); expect.poll works only inside a test. */
async function indexAndWait(root: string): Promise<void> {
  const { jobId } = await callBridge<{ jobId: string }>('library:index', { roots: [root] });
  await waitForJob(bridge.url, jobId, { stallMs: 30_000, timeoutMs: 150_000, intervalMs: 50 });
}

/** Each shown group as its sorted files, groups sorted: independent of display order. */
function groupKeys(groups: readonly { readonly files: readonly (string | null)[] }[]): string[] {
  return groups.map((group) => [...group.files].sort().join('|')).sort();
}

/** The near groups of the list, scrolled through from top to bottom (it draws only the groups on screen). */
async function shownNearGroups(): Promise<string[]> {
  const seen = new Map<string, { files: (string | null)[] }>();
  const list = page.getByTestId('review-list');
  for (let top = 0, end = 1; top < end;) {
    const step = await list.evaluate((element, at) => {
      const box = element as unknown as { scrollTop: number; readonly scrollHeight: number; readonly clientHeight: number };
      box.scrollTop = at;
      return { height: box.scrollHeight, view: box.clientHeight };
    }, top);
    const groups = page.locator('[data-testid="duplicate-group"][data-kind="near"]');
    const shown = await groups.evaluateAll((elements) =>
      elements.map((group) => ({
        files: [...(group as unknown as PageElement).querySelectorAll('[data-testid="review-copy"]')].map((copy) =>
          copy.getAttribute('data-path'),
        ),
      })),
    );
    for (const group of shown) seen.set([...group.files].sort().join('|'), group);
    end = step.height;
    top += Math.max(1, step.view);
  }
  return groupKeys([...seen.values()]);
}

describe.skipIf(!chromiumAvailable())('library grid and settings', () => {
  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-grid-'));
    photos = await writePhotoFolder(path.join(tempDir, 'photos'));
    dated = await writeDatedPhotos(path.join(tempDir, 'photos', 'days'), GRID_PAGE - photos.all.length + 4);
    bridge = await startBridge({ libraryDir: path.join(tempDir, 'library'), port: 0, host: '127.0.0.1', rendererDir });
    await indexAndWait(photos.root);
    browser = await launchChromium();
    page = await openAppPage(browser, bridge.url, pageErrors);
  });

  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning them */
    await browser?.close();
    await bridge?.close();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  it('should show the photos newest first in the timeline, with loaded thumbnails', async () => {
    const tiles = page.getByTestId('photo-tile');
    await tiles.first().waitFor();
    const firstPage = await callBridge<PhotoPage>('library:photos', { limit: 12 });
    await expect.poll(async () => (await timelinePaths()).slice(0, 12)).toEqual(firstPage.photos.map((photo) => photo.path));
    // Photos without a capture date sort by their file date (written just now), so they come first.
    expect(photos.all).toContain(firstPage.photos[0]?.path);
    // Then the capture dates, newest first (2021, older than any file written today).
    expect(firstPage.photos[photos.all.length]?.path).toBe(dated.at(-1)?.path);
    const widths = await thumbnailWidths(page, '[data-testid="photo-tile"] img');
    for (const width of widths) expect(width).toBeGreaterThan(0);
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}library-grid.png`, fullPage: true });
  });

  it('should open Similar from the viewer of a photo, with what similar:query answers', async () => {
    await page.goto(new URL(`/library?photo=${encodeURIComponent(photos.original)}`, bridge.baseUrl).href);
    await clickViewerAction(page, 'Find similar');
    await expectSimilarView(page, bridge.url, photos.original);
  });

  it('should show the library folder, the model and where it runs in Settings', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    const stats = await callBridge<LibraryStats>('library:stats');
    await expect.poll(() => page.getByTestId('settings-library-dir').textContent()).toBe(stats.libraryDir);
    if (stats.model) {
      expect(await page.getByTestId('settings-model').textContent()).toContain(stats.model);
      expect(await page.getByTestId('settings-provider').textContent()).toContain(stats.executionProvider ?? '');
      expect(await page.getByTestId('settings-vectors').textContent()).toMatch(new RegExp(`^\\s*${stats.vectors}\\b`));
    } else {
      expect(await page.getByTestId('settings-model-error').textContent()).toContain(stats.modelError ?? '');
    }
    expect(await page.getByLabel('Minimum similarity').inputValue()).toBe(String(nearDefaults.threshold));
    expect(await page.getByLabel('Layout difference allowed').inputValue()).toBe(String(nearDefaults.hashDistance));
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}settings.png`, fullPage: true });
  });

  it('should show fewer or equal near groups with the threshold slider at its maximum than at its minimum', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Duplicates', exact: true }).click();
    await page.locator('fieldset.segmented label', { hasText: 'Near duplicates' }).click();
    const slider = page.getByLabel('Near duplicates: similarity at least');
    const hashDistance = nearDefaults.hashDistance;

    await slider.focus();
    await page.keyboard.press('Home');
    expect(await slider.inputValue()).toBe(String(nearThresholdRange.min));
    const loose = await callBridge<DuplicatesPage>('duplicates:list', { kind: 'near', threshold: nearThresholdRange.min, hashDistance });
    await expect.poll(shownNearGroups).toEqual(groupKeys(listedGroups(loose)));
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}near-loose.png`, fullPage: true });

    await page.keyboard.press('End');
    expect(await slider.inputValue()).toBe(String(nearThresholdRange.max));
    const strict = await callBridge<DuplicatesPage>('duplicates:list', { kind: 'near', threshold: nearThresholdRange.max, hashDistance });
    await expect.poll(shownNearGroups).toEqual(groupKeys(listedGroups(strict)));
    // The view follows the slider (both ends equal the API's answer for the slider's value); that a
    // stricter threshold finds fewer pairs is pinned in test/integration/similarity.test.ts.
    expect(strict.groups.length).toBeLessThanOrEqual(loose.groups.length);
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}near-strict.png`, fullPage: true });
  });

  it('should remember the threshold across a reload, and reset it to the default', async () => {
    await page.reload();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings', exact: true }).click();
    const threshold = page.getByLabel('Minimum similarity');
    expect(await threshold.inputValue()).toBe(String(nearThresholdRange.max));
    await page.getByRole('button', { name: 'Reset to defaults' }).click();
    expect(await threshold.inputValue()).toBe(String(nearDefaults.threshold));
    // Back at the defaults nothing stays stored: a later retuning of the defaults reaches this user.
    await expect.poll(() => page.evaluate("localStorage.getItem('doppel.nearSensitivity')")).toBeNull();
  });

  it('should say why similarity is off and how to fix it when the model cannot load', async () => {
    // The bridge has no switch for a missing model, so the stats answer is rewritten on its way in.
    const missing = 'Cannot load /models/mobilenet.onnx: no such file';
    await page.route('**/api/library:stats', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { ok: true; value: LibraryStats };
      const value: LibraryStats = { ...body.value, model: null, executionProvider: null, modelError: missing, vectors: 0 };
      await route.fulfill({ response, json: { ok: true, value } });
    });
    await page.reload();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings', exact: true }).click();
    const notice = page.getByTestId('settings-model-error');
    await expect.poll(() => notice.textContent()).toContain(missing);
    expect(await notice.textContent()).toContain('npm run setup');
    expect(await page.getByTestId('settings-model').textContent()).toContain('None loaded');
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}settings-no-model.png`, fullPage: true });
    await page.unroute('**/api/library:stats');
  });

  it('should refresh the timeline when an index job finishes', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Library', exact: true }).click();
    await page.getByTestId('photo-tile').first().waitFor();
    const [newest] = await writeDatedPhotos(path.join(photos.root, 'later'), 1, '2024-07-14');
    await indexAndWait(photos.root);
    await expect.poll(timelinePaths).toContain(newest?.path);
  });

  it('should run without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
