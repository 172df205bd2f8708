/**
 * The bulk assistant in real Chromium against the bridge on a real library and a private
 * freedesktop trash: "keep one per folder" and "keep in folder X" previewed over every group and
 * checked against the files on disk, the CSV and JSON exports read back, then one confirmation that
 * moves exactly the previewed copies, and undo. Screenshot: test-results/bulk-assistant-1440.png.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/bridge/index.js';
import { PLAN_COLUMNS } from '../../src/shared/plan-export.js';
import { DARKNET_DATA_DIR } from '../fixtures/real-photos.js';
import { parseCsv } from '../helpers/csv.js';
import { chromiumAvailable } from './support/browser.js';
import { openIndexedApp } from './support/indexed-app.js';
import { REPO_ROOT, ensureRendererBuilt } from './support/renderer-build.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'test-results');

let tempDir: string;
let bridge: Bridge;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const previousDataHome = process.env.XDG_DATA_HOME;
let photos: string;
let trashDir: string;
/** Every photo's digest before anything moved. */
let digests: Map<string, string>;

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const listFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });

/** The groups of byte copies on disk now: files by digest, two or more. */
function byteGroups(): string[][] {
  const byDigest = new Map<string, string[]>();
  for (const file of listFiles(photos)) byDigest.set(sha256(file), [...(byDigest.get(sha256(file)) ?? []), file]);
  return [...byDigest.values()].filter((files) => files.length >= 2);
}

const assistant = () => page.getByTestId('bulk-assistant');
const summary = () => assistant().getByTestId('bulk-summary');
/** The preview's counts, once the plan of `expectedTrash` copies is shown. */
async function previewCounts(): Promise<{ trash: number; keep: number }> {
  return {
    trash: Number(await summary().getAttribute('data-trash')),
    keep: Number(await summary().getAttribute('data-keep')),
  };
}
/** [path, decision] of every copy the preview lists. */
const previewDecisions = (): Promise<[string, string][]> =>
  assistant()
    .getByTestId('bulk-copy')
    .evaluateAll((nodes) =>
      nodes.map((node) => {
        const element = node as unknown as { getAttribute(name: string): string | null };
        return [element.getAttribute('data-path') ?? '', element.getAttribute('data-decision') ?? ''] as [string, string];
      }),
    );

async function downloadText(testId: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), assistant().getByTestId(testId).click()]);
  const file = await download.path();
  return fs.readFileSync(file, 'utf8');
}

describe.skipIf(!chromiumAvailable())('bulk assistant in the browser', () => {
  let horses: Record<'camera' | 'cameraCopy' | 'backup', string>;
  let dogs: Record<'camera' | 'album', string>;
  let inFolderTrash: string[];

  beforeAll(async () => {
    const rendererDir = ensureRendererBuilt();
    tempDir = fs.realpathSync(await mkdtemp(path.join(os.tmpdir(), 'doppel-bulk-')));
    process.env.XDG_DATA_HOME = path.join(tempDir, 'xdg'); // the bridge's trash: never the real one
    trashDir = path.join(tempDir, 'xdg', 'Trash', 'files');
    photos = path.join(tempDir, 'Photos');
    // A folder name with a comma and quotes: the CSV must quote it.
    const album = path.join(photos, 'Albums, "2019"');
    for (const folder of ['Camera', 'Backup']) fs.mkdirSync(path.join(photos, folder), { recursive: true });
    fs.mkdirSync(album, { recursive: true });
    horses = {
      camera: path.join(photos, 'Camera', 'horses.jpg'),
      cameraCopy: path.join(photos, 'Camera', 'horses copy.jpg'),
      backup: path.join(photos, 'Backup', 'horses.jpg'),
    };
    dogs = { camera: path.join(photos, 'Camera', 'dog.jpg'), album: path.join(album, 'dog.jpg') };
    fs.copyFileSync(path.join(DARKNET_DATA_DIR, 'horses.jpg'), horses.camera);
    fs.copyFileSync(horses.camera, horses.cameraCopy);
    fs.copyFileSync(horses.camera, horses.backup);
    fs.copyFileSync(path.join(DARKNET_DATA_DIR, 'dog.jpg'), dogs.camera);
    fs.copyFileSync(dogs.camera, dogs.album);
    fs.copyFileSync(path.join(DARKNET_DATA_DIR, 'eagle.jpg'), path.join(photos, 'Camera', 'eagle.jpg'));
    // The originals are the oldest files: the default order keeps them among byte copies.
    const older = new Date('2019-05-01T10:00:00Z');
    for (const original of [horses.camera, dogs.camera]) fs.utimesSync(original, older, older);
    digests = new Map(listFiles(photos).map((file) => [file, sha256(file)]));
    const libraryDir = path.join(tempDir, 'library');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    ({ bridge, browser, page } = await openIndexedApp({ photos, libraryDir, rendererDir, pageErrors }));
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Duplicates', exact: true }).click();
    await page.getByTestId('duplicate-group').first().waitFor();
    await page.getByTestId('bulk-assistant-open').click();
    await assistant().waitFor();
  }, 180_000);

  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning them */
    await browser?.close();
    await bridge?.close();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    process.env.XDG_DATA_HOME = previousDataHome;
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  it('should preview "one copy in each folder": only the second copy in the same folder moves', async () => {
    await assistant().getByTestId('bulk-per-folder').check();
    // On disk: each group keeps one copy per folder it has copies in.
    const groups = byteGroups();
    const expectedTrash = groups.reduce((sum, files) => sum + files.length - new Set(files.map((file) => path.dirname(file))).size, 0);
    const expectedKeep = groups.reduce((sum, files) => sum + new Set(files.map((file) => path.dirname(file))).size, 0);
    expect(expectedTrash).toBe(1);
    await expect.poll(previewCounts, { timeout: 15_000 }).toEqual({ trash: expectedTrash, keep: expectedKeep });
    const decisions = new Map(await previewDecisions());
    expect(decisions.get(horses.camera)).toBe('keep');
    expect(decisions.get(horses.cameraCopy)).toBe('trash');
    expect(decisions.get(horses.backup)).toBe('keep');
    expect(decisions.get(dogs.camera)).toBe('keep');
    expect(decisions.get(dogs.album)).toBe('keep');
  });

  it('should preview "keep in folder X": the copies in Backup stay, every other copy of their groups moves', async () => {
    await assistant().getByTestId('bulk-per-folder').uncheck();
    await assistant().getByTestId('bulk-rule').selectOption('in-folder');
    const backupFolder = path.join(photos, 'Backup');
    await assistant().getByTestId('bulk-folder').fill(backupFolder);
    await assistant().getByTestId('bulk-folder').press('Enter');
    const groups = byteGroups();
    // Keep one copy per group: the one under Backup where the group has one.
    inFolderTrash = groups.flatMap((files) => {
      const kept = files.find((file) => path.dirname(file) === backupFolder) ?? files.find((file) => file === dogs.camera);
      return files.filter((file) => file !== kept);
    });
    expect(inFolderTrash.sort()).toEqual([horses.camera, horses.cameraCopy, dogs.album].sort());
    await expect.poll(previewCounts, { timeout: 15_000 }).toEqual({ trash: 3, keep: groups.length });
    const decisions = await previewDecisions();
    expect(
      decisions
        .filter(([, decision]) => decision === 'trash')
        .map(([file]) => file)
        .sort(),
    ).toEqual([...inFolderTrash].sort());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'bulk-assistant-1440.png') });
  });

  it('should export the previewed list as CSV, quoting the folder with a comma and quotes', async () => {
    const rows = parseCsv(await downloadText('bulk-export-csv'));
    expect(rows[0]).toEqual([...PLAN_COLUMNS]);
    const column = (name: (typeof PLAN_COLUMNS)[number]): number => PLAN_COLUMNS.indexOf(name);
    const body = rows.slice(1);
    expect(body).toHaveLength(5);
    expect(
      body
        .filter((row) => row[column('decision')] === 'trash')
        .map((row) => row[column('path')])
        .sort(),
    ).toEqual([...inFolderTrash].sort());
    const album = body.find((row) => row[column('path')] === dogs.album);
    expect(album?.[column('size')]).toBe(String(fs.statSync(dogs.album).size));
    expect(album?.[column('kind')]).toBe('exact');
    expect(album?.[column('width')]).toMatch(/^\d+$/);
    // One group id for both dogs.
    expect(new Set(body.filter((row) => row[column('path')]?.endsWith('dog.jpg')).map((row) => row[column('group')])).size).toBe(1);
  });

  it('should export the same list as JSON, with the totals of the preview', async () => {
    const exported = JSON.parse(await downloadText('bulk-export-json')) as {
      totals: { trash: number; keep: number };
      rows: { path: string; decision: string; reason: string; date: string }[];
    };
    expect(exported.totals).toMatchObject({ trash: 3, keep: 2 });
    expect(
      exported.rows
        .filter((row) => row.decision === 'trash')
        .map((row) => row.path)
        .sort(),
    ).toEqual([...inFolderTrash].sort());
    expect(exported.rows.find((row) => row.path === horses.camera)?.date).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('should move exactly the previewed copies to the trash after one confirmation', async () => {
    await assistant().getByTestId('bulk-confirm').click();
    await assistant().waitFor({ state: 'detached' });
    await page.getByTestId('undo-toast').waitFor();
    expect(await page.getByTestId('undo-toast').textContent()).toMatch(/^Moved 3 copies to the trash/);
    for (const file of inFolderTrash) expect(fs.existsSync(file)).toBe(false);
    for (const file of [horses.backup, dogs.camera]) expect(fs.existsSync(file)).toBe(true);
    const trashed = fs.readdirSync(trashDir);
    expect(trashed).toHaveLength(3);
    expect(new Set(trashed.map((name) => sha256(path.join(trashDir, name))))).toEqual(
      new Set(inFolderTrash.map((file) => digests.get(file))),
    );
  });

  it('should put every moved copy back, byte for byte, on undo', async () => {
    await page.getByTestId('undo-toast').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => inFolderTrash.every((file) => fs.existsSync(file)), { timeout: 15_000 }).toBe(true);
    for (const file of inFolderTrash) expect(sha256(file)).toBe(digests.get(file));
    expect(fs.readdirSync(trashDir)).toHaveLength(0);
    expect(pageErrors).toEqual([]);
  });
});
