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
import type { Result } from '../../src/shared/result.js';
import type { DuplicatesReport, FindReport, SimilarReport } from '../../src/shared/types.js';
import { chromiumAvailable, launchChromium } from './support/browser.js';
import { writePhotoFolder, type PhotoFolder } from './support/photo-folder.js';
import { ensureRendererBuilt } from './support/renderer-build.js';

const SCREENSHOT_PREFIX = path.join(os.tmpdir(), 'doppel-');

let tempDir: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;
let photos: PhotoFolder;
const pageErrors: string[] = [];

/** What the tests read of an <img> in the page (tsconfig.node has no DOM lib, on purpose). */
interface PageImage {
  readonly complete: boolean;
  readonly naturalWidth: number;
}

/** Waits until every <img> matching `selector` has settled; answers their naturalWidth (0 = broken). */
async function thumbnailWidths(selector: string): Promise<number[]> {
  const images = page.locator(selector);
  const read = (): Promise<PageImage[]> =>
    images.evaluateAll((elements) =>
      elements.map((element) => {
        const image = element as unknown as PageImage;
        return { complete: image.complete, naturalWidth: image.naturalWidth };
      }),
    );
  await expect.poll(async () => (await read()).every((image) => image.complete)).toBe(true);
  return (await read()).map((image) => image.naturalWidth);
}

/** Asks the bridge directly, to compare the UI with what the core answers. */
async function callBridge<T>(channel: string, input: unknown): Promise<T> {
  const response = await fetch(new URL(`/api/${channel}`, bridge.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const result = (await response.json()) as Result<T>;
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`);
  return result.value;
}

/** Page script: remembers whether the progress panel ever showed, however briefly. */
const WATCH_PROGRESS = `(() => {
  window.__progressSeen = false;
  new MutationObserver(() => {
    if (document.body.textContent.includes('Indexing ·')) window.__progressSeen = true;
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

describe.skipIf(!chromiumAvailable())('browser mode', () => {
  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-ui-'));
    photos = await writePhotoFolder(path.join(tempDir, 'photos'));
    bridge = await startBridge({ libraryDir: path.join(tempDir, 'library'), port: 0, host: '127.0.0.1', rendererDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(bridge.url);
  });

  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  it('should say that an empty library is empty', async () => {
    await page.getByText('Your library is empty — add a folder to start').waitFor();
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}empty.png`, fullPage: true });
  });

  it('should index a typed folder, show progress, then the counts', async () => {
    await page.getByLabel('Add a folder').fill(photos.root);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await expect.poll(() => page.getByText('not indexed yet').count()).toBe(1);

    await page.evaluate(WATCH_PROGRESS); // the job is quick: the panel may show for a moment only
    await page.getByRole('button', { name: 'Index', exact: true }).click();

    const report = page.getByTestId('index-report');
    await report.waitFor({ timeout: 60_000 });
    await expect.poll(() => report.textContent()).toContain(`${photos.all.length} photos found`);
    expect(await page.getByRole('heading', { name: /Indexing finished/ }).count()).toBe(1);
    expect(await page.evaluate('window.__progressSeen')).toBe(true);
    await expect.poll(() => page.getByTestId('stat-files').textContent()).toBe(String(photos.all.length));
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}library.png`, fullPage: true });
  });

  it('should look up a photo from the Library view and show its matches', async () => {
    await page.getByLabel('Photo path').fill(photos.pngExport);
    await page.getByRole('button', { name: 'Look it up' }).click();
    const answer = await callBridge<FindReport>('find:query', { path: photos.pngExport });
    const expectedCount = answer.exact.length + answer.pixel.length + answer.near.length;
    expect(expectedCount).toBeGreaterThan(0); // the export has the original's pixels
    const tiles = page.locator('section[aria-labelledby="find-title"] .photo');
    await expect.poll(() => tiles.count()).toBe(expectedCount);
    const widths = await thumbnailWidths('section[aria-labelledby="find-title"] img.thumb');
    for (const width of widths) expect(width).toBeGreaterThan(0);
  });

  it('should show the byte copy as an exact group with two loaded thumbnails', async () => {
    await page.getByRole('button', { name: 'Duplicates' }).click();
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
    const nearAnswer = await callBridge<DuplicatesReport>('duplicates:list', { kind: 'near' });
    const nearGroups = page.locator('[data-testid="duplicate-group"][data-kind="near"]');
    await expect.poll(() => nearGroups.count()).toBe(nearAnswer.groups.length);
    if (nearAnswer.groups.some((group) => group.files.includes(photos.resized))) {
      const nearNames = await nearGroups.locator('.photo-name').allTextContents();
      expect(nearNames).toContain(path.basename(photos.resized));
      expect(await nearGroups.first().locator('.score').count()).toBeGreaterThan(0);
    }
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}near.png`, fullPage: true });

    await filter('All').click();
    await expect.poll(() => page.getByTestId('duplicates-summary').textContent()).toMatch(/could be freed/);
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}duplicates.png`, fullPage: true });
  });

  it('should show the photos similar to a clicked photo', async () => {
    const clicked = page.locator('[data-testid="duplicate-group"][data-kind="exact"] .photo-button').first();
    const clickedPath = await clicked.getAttribute('title');
    expect(clickedPath).toBeTruthy();
    await clicked.click();

    await page.getByRole('heading', { name: 'Similar', exact: true }).waitFor();
    const heading = page.getByTestId('similar-heading');
    await heading.waitFor();

    // What the core answers today decides how strict this is: once similarity search returns
    // results, the view must show every one of them (minus the query photo itself).
    const answer = await callBridge<SimilarReport[]>('similar:query', { paths: [clickedPath], limit: 48 });
    const expected = (answer[0]?.results ?? []).filter((match) => match.path !== clickedPath);
    const tiles = page.locator('[data-testid="similar-results"] .photo');
    if (expected.length === 0) {
      expect(await heading.textContent()).toContain(`No photos similar to ${path.basename(clickedPath ?? '')}`);
    } else {
      await expect.poll(() => tiles.count()).toBe(expected.length);
      const widths = await thumbnailWidths('[data-testid="similar-results"] img.thumb');
      for (const width of widths) expect(width).toBeGreaterThan(0);
      const shown = await page.locator('[data-testid="similar-results"] .photo-button').evaluateAll((buttons) =>
        buttons.map((button) => button.getAttribute('title')),
      );
      expect(shown).toEqual(expected.map((match) => match.path));
    }
    await page.screenshot({ path: `${SCREENSHOT_PREFIX}similar.png`, fullPage: true });
  });

  it('should run without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
