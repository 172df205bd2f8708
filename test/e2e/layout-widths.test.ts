/**
 * Every view holds from 900 to 2560 px: in real Chromium against the bridge on a real library with
 * deep folders, at 900, 1280, 1440 and 2560 px, nothing in the Duplicates toolbar, its group cards,
 * the compare view, the confirmation or the history overflows its box or overlaps a sibling, and no
 * main container scrolls sideways. Screenshots of each view at each width go to
 * test-results/layout-<width>-<view>.png.
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
import { DARKNET_DATA_DIR } from '../fixtures/real-photos.js';
import { chromiumAvailable, launchChromium, openAppPage } from './support/browser.js';
import { layoutFaults } from './support/layout-faults.js';
import type { PageElement } from './support/page-checks.js';
import { REPO_ROOT, ensureRendererBuilt } from './support/renderer-build.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results');
const WIDTHS = [900, 1280, 1440, 2560] as const;
const HEIGHT = 900;

/** The containers that must never scroll sideways, and the parts whose children must neither overflow nor overlap. */
const CONTAINERS = ['main.content', '.review-top', '[data-testid="review-list"]'];
const REVIEW_PARTS = ['.review-top', '[data-testid="duplicate-group"]'];

let tempDir: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** The horses' original, deep in the camera folder: its group has four copies, two of one name. */
let original: string;

const nav = (label: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: label, exact: true });
const kind = (label: string) => page.locator('fieldset.segmented label', { hasText: label });
const shoot = (width: number, view: string) => page.screenshot({ path: path.join(SCREENSHOTS, `layout-${width}-${view}.png`) });

describe.skipIf(!chromiumAvailable())('layout from 900 to 2560 px', () => {
  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    tempDir = fs.realpathSync(await mkdtemp(path.join(os.tmpdir(), 'doppel-layout-')));
    process.env.XDG_DATA_HOME = path.join(tempDir, 'xdg');
    const photos = path.join(tempDir, 'Pictures');
    const camera = path.join(photos, '2023', 'Summer holiday in Lisbon', 'Camera originals');
    const backup = path.join(photos, 'Backups', 'Old laptop', '2023', 'Summer holiday in Lisbon', 'Camera originals');
    const exports = path.join(photos, 'Exports', 'Shared with the family', '2023');
    for (const folder of [camera, backup, exports]) fs.mkdirSync(folder, { recursive: true });
    original = path.join(camera, 'horses.jpg');
    fs.copyFileSync(path.join(DARKNET_DATA_DIR, 'horses.jpg'), original);
    fs.copyFileSync(original, path.join(backup, 'horses.jpg'));
    await sharp(original).resize(360).jpeg({ quality: 70 }).toFile(path.join(exports, 'horses.jpg'));
    await sharp(original).png().toFile(path.join(exports, 'horses with a rather long exported file name.png'));
    for (const other of ['dog', 'eagle', 'giraffe', 'person']) {
      fs.copyFileSync(path.join(DARKNET_DATA_DIR, `${other}.jpg`), path.join(camera, `${other}.jpg`));
    }
    fs.copyFileSync(path.join(camera, 'dog.jpg'), path.join(backup, 'dog.jpg'));
    await sharp(path.join(camera, 'eagle.jpg')).resize(300).jpeg({ quality: 60 }).toFile(path.join(exports, 'eagle.jpg'));
    const libraryDir = path.join(tempDir, 'library');
    const doppel = await Doppel.open({ libraryDir });
    await doppel.index([photos]);
    // A "not duplicates" pair of one name in two folders: the history must tell them apart.
    await doppel.markNotDuplicates([path.join(camera, 'eagle.jpg'), path.join(exports, 'eagle.jpg')]);
    await doppel.close();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    bridge = await startBridge({ libraryDir, port: 0, host: '127.0.0.1', rendererDir });
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

  for (const width of WIDTHS) {
    it(`should hold the Duplicates view, compare, confirmation and history at ${width} px`, async () => {
      await page.setViewportSize({ width, height: HEIGHT });
      await page.goto(new URL('/duplicates', bridge.url).href);
      const horses = page.locator('[data-testid="duplicate-group"]', { has: page.locator(`[data-path="${original}"]`) });
      await horses.waitFor();
      await kind('Near duplicates').click();
      await horses.waitFor();
      await page.getByTestId('keep-rule').selectOption('in-folder');
      await page.waitForTimeout(300);
      await shoot(width, 'duplicates');
      // Folders are shortened in the middle: each still ends with its own last folder, in full on hover.
      const folderLines = horses.locator('.photo-folder');
      const shown = await folderLines.allTextContents();
      const full = await folderLines.evaluateAll((nodes) =>
        nodes.map((node) => (node as unknown as PageElement).getAttribute('title') ?? ''),
      );
      expect(shown.length).toBeGreaterThan(1);
      shown.forEach((text, index) => expect(text.endsWith(path.basename(full[index] ?? '/'))).toBe(true));
      expect(await layoutFaults(page, { containers: CONTAINERS, parts: REVIEW_PARTS })).toEqual([]);
      await page.getByTestId('keep-rule').selectOption('highest-resolution');
      await kind('All').click();
      await horses.waitFor();

      await horses.getByRole('button', { name: 'Compare', exact: true }).click();
      const dialog = page.getByTestId('compare-dialog');
      await dialog.waitFor();
      await page.waitForTimeout(300);
      await shoot(width, 'compare');
      expect(
        await layoutFaults(page, { containers: ['[data-testid="compare-dialog"]'], parts: ['[data-testid="compare-dialog"]'] }),
      ).toEqual([]);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      await horses.getByTestId('group-trash').click();
      const confirm = page.getByRole('dialog');
      await confirm.waitFor();
      await shoot(width, 'confirm');
      expect(await layoutFaults(page, { containers: ['.confirm-dialog'], parts: ['.confirm-dialog'] })).toEqual([]);
      await confirm.getByRole('button', { name: 'Cancel' }).click();

      await page.getByRole('button', { name: 'History' }).click();
      const history = page.getByTestId('history-panel');
      await history.getByText('≠').first().waitFor();
      await shoot(width, 'history');
      // Two copies of one name: each side shows the folders that tell them apart, not "eagle.jpg ≠ eagle.jpg".
      const pair = await history.locator('.pair-list li .path-text').allTextContents();
      expect(pair).toHaveLength(2);
      expect(pair[0]).not.toBe(pair[1]);
      expect(pair.every((side) => side.endsWith('eagle.jpg'))).toBe(true);
      expect(await layoutFaults(page, { containers: ['[data-testid="history-panel"]'], parts: ['[data-testid="history-panel"]'] })).toEqual(
        [],
      );
      await history.getByRole('button', { name: 'Close' }).click();
    });

    it(`should hold the other views at ${width} px`, async () => {
      await page.setViewportSize({ width, height: HEIGHT });
      await page.goto(new URL('/library', bridge.url).href);
      for (const [label, view] of [
        ['Library', 'library'],
        ['Similar', 'similar'],
        ['Find a photo', 'find'],
        ['Folders', 'folders'],
        ['Settings', 'settings'],
        ['About Doppel', 'about'],
      ] as const) {
        await nav(label).click();
        await page.waitForTimeout(400);
        await shoot(width, view);
        expect(await layoutFaults(page, { containers: ['main.content', 'main.content > *'], parts: ['main.content > *'] }), view).toEqual(
          [],
        );
      }
    });
  }

  it('should raise no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
