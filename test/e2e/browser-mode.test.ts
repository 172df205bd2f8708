/**
 * The real renderer in real Chromium, against the bridge on a real (temporary) library:
 * empty state → add folder → index with progress → duplicates with thumbnails → similar photos.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src/bridge/index.js';
import { limits } from '../../src/shared/limits.js';
import type { DuplicatesPage, FindReport } from '../../src/shared/types.js';
import { chromiumAvailable, launchChromium, openAppPage } from './support/browser.js';
import {
  callBridge as callBridgeAt,
  clickViewerAction,
  expectSimilarView,
  thumbnailWidths as pageThumbnailWidths,
} from './support/page-checks.js';
import { writePhotoFolder, type PhotoFolder } from './support/photo-folder.js';
import { ensureRendererBuilt } from './support/renderer-build.js';

const SCREENSHOT_PREFIX = path.join(os.tmpdir(), 'doppel-');

let tempDir: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;
let photos: PhotoFolder;
const pageErrors: string[] = [];

function thumbnailWidths(selector: string): Promise<number[]> {
  return pageThumbnailWidths(page, selector);
}

function callBridge<T>(channel: string, input: unknown): Promise<T> {
  return callBridgeAt<T>(bridge.url, channel, input);
}

/** Page script: remembers whether the progress panel ever showed, however briefly. */
const WATCH_PROGRESS = `(() => {
  window.__progressSeen = false;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="sidebar-progress"]')) window.__progressSeen = true;
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

async function openView(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();
}

describe.skipIf(!chromiumAvailable())('browser mode', () => {
  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-ui-'));
    photos = await writePhotoFolder(path.join(tempDir, 'photos'));
    bridge = await startBridge({ libraryDir: path.join(tempDir, 'library'), port: 0, host: '127.0.0.1', rendererDir });
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

  it('should have signed in through the token URL, which leaves the address bar, and open the Library', async () => {
    await expect.poll(() => page.url()).toBe(`${bridge.baseUrl}library`);
  });

  it('should say that an empty library is empty', async () => {
    await page.getByTestId('empty-library').waitFor();
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}empty.png`, fullPage: true });
  });

  it('should index a typed folder, show progress, then the counts', async () => {
    await openView('Folders');
    await page.evaluate(WATCH_PROGRESS); // the job is quick: the panel may show for a moment only
    await page.getByLabel('or type its full path (subfolders are included)').fill(photos.root);
    await page.getByRole('button', { name: 'Add and index' }).click();

    const report = page.getByTestId('index-report');
    await report.waitFor({ timeout: 60_000 });
    await expect.poll(() => report.textContent()).toContain(`${photos.all.length} photos found`);
    expect(await page.getByRole('heading', { name: /Indexing finished/ }).count()).toBe(1);
    expect(await page.evaluate('window.__progressSeen')).toBe(true);
    await expect.poll(() => page.getByTestId('stat-files').textContent()).toBe(String(photos.all.length));
    await openView('Library');
    await expect.poll(() => page.getByTestId('photo-tile').count()).toBe(photos.all.length);
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}library.png`, fullPage: true });
  });

  it('should look up a typed photo path in the Find view and show its matches', async () => {
    await openView('Find a photo');
    await page.getByLabel('Full path of a photo').fill(photos.pngExport);
    await page.getByRole('button', { name: 'Look it up' }).click();
    const answer = await callBridge<FindReport>('find:query', { path: photos.pngExport });
    const expectedCount = answer.exact.length + answer.pixel.length + answer.near.length;
    expect(expectedCount).toBeGreaterThan(0); // the export has the original's pixels
    const tiles = page.locator('[data-testid="find-result"] .photo');
    await expect.poll(() => tiles.count()).toBe(expectedCount);
    const widths = await thumbnailWidths('[data-testid="find-result"] img.thumb');
    for (const width of widths) expect(width).toBeGreaterThan(0);
  });

  it('should show the byte copy as an exact group with two loaded thumbnails', async () => {
    await openView('Duplicates');
    await page.getByTestId('duplicate-group').first().waitFor();
    const filter = (label: string) => page.locator('fieldset.segmented label', { hasText: label });
    await filter('Exact copies').click();
    const exactGroup = page.locator('[data-testid="duplicate-group"][data-kind="exact"]');
    await expect.poll(() => exactGroup.count()).toBe(1);
    await expect.poll(() => page.getByTestId('duplicate-group').count()).toBe(1);
    const widths = await thumbnailWidths('[data-testid="duplicate-group"][data-kind="exact"] img.thumb');
    expect(widths).toHaveLength(2);
    for (const width of widths) expect(width).toBeGreaterThan(0);
    const names = await exactGroup.locator('.photo-name').allTextContents();
    expect(names.sort()).toEqual([path.basename(photos.byteCopy), path.basename(photos.original)].sort());

    // Near duplicates depend on the similarity model: strict once the core finds the resized copy.
    await filter('Near duplicates').click();
    // The view sends the sensitivity from Settings, which starts at the shared defaults.
    const nearAnswer = await callBridge<DuplicatesPage>('duplicates:list', {
      kind: 'near',
      threshold: limits.nearThreshold.default,
      hashDistance: limits.nearHashDistance.default,
    });
    const nearGroups = page.locator('[data-testid="duplicate-group"][data-kind="near"]');
    await expect.poll(() => nearGroups.count()).toBe(nearAnswer.groups.length);
    if (nearAnswer.groups.some((group) => group.copies.some((copy) => copy.path === photos.resized))) {
      const nearNames = await nearGroups.locator('.photo-name').allTextContents();
      expect(nearNames).toContain(path.basename(photos.resized));
      expect(
        await nearGroups
          .first()
          .locator('.match-label', { hasText: /% similar/ })
          .count(),
      ).toBeGreaterThan(0);
    }
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}near.png`, fullPage: true });

    await filter('All').click();
    await expect.poll(() => page.getByTestId('duplicates-summary').textContent()).toMatch(/could be freed/);
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}duplicates.png`, fullPage: true });
  });

  it('should show the photos similar to a photo opened in the viewer', async () => {
    await openView('Library');
    const clicked = page.getByTestId('photo-tile').first();
    const clickedPath = await clicked.getAttribute('data-path');
    expect(clickedPath).toBeTruthy();
    await clicked.click();
    await clickViewerAction(page, 'Find similar');

    await expectSimilarView(page, bridge.url, clickedPath ?? '');
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}similar.png`, fullPage: true });
  });

  it('should run without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
