/**
 * The library's folders through the contract: listed with their counts, taken out of the library,
 * given exclusions; `library:index` refusing a folder that is not there; the folder browser.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EngineService } from '../../src/engine/engine-service.js';
import type { AppEvent, JobSnapshot } from '../../src/shared/ipc-contract.js';
import type { DuplicatesPage, FolderListing, LibraryRoot, LibraryStats, SimilarReport } from '../../src/shared/types.js';
import { listedGroups } from '../helpers/duplicate-pages.js';
import { writePhotoFolder, type PhotoFolder } from '../e2e/support/photo-folder.js';
import { defined } from '../helpers/defined.js';

let tempDir: string;
let photos: PhotoFolder;
/** A second folder: a byte copy and a near copy (a re-encode only this folder has) of the harbour. */
let extra: { root: string; byteCopy: string; nearCopy: string; broken: string };
let engine: EngineService;
const events: AppEvent[] = [];

async function call<T>(channel: string, input?: unknown): Promise<T> {
  const result = await engine.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** Starts an index job through the contract and waits for its final snapshot. */
async function index(roots: readonly string[]): Promise<JobSnapshot> {
  const { jobId } = await call<{ jobId: string }>('library:index', { roots });
  return settled(jobId);
}

async function settled(jobId: string): Promise<JobSnapshot> {
  return vi.waitFor(
    () => {
      const last = events.findLast((event) => event.type === 'job' && event.job.id === jobId);
      const job = defined(last?.type === 'job' ? last.job : undefined, `snapshot of job ${jobId}`);
      if (job.state === 'running') throw new Error(`job ${jobId} still runs`);
      return job;
    },
    { timeout: 60_000, interval: 20 },
  );
}

function rootAt(roots: readonly LibraryRoot[], folder: string): LibraryRoot {
  return defined(
    roots.find((root) => root.path === folder),
    `library root ${folder}`,
  );
}

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-folders-'));
  photos = await writePhotoFolder(path.join(tempDir, 'photos'));
  const extraRoot = path.join(tempDir, 'extra');
  fs.mkdirSync(extraRoot);
  extra = {
    root: extraRoot,
    byteCopy: path.join(extraRoot, 'harbour-again.jpg'),
    nearCopy: path.join(extraRoot, 'harbour-reencoded.jpg'),
    broken: path.join(extraRoot, 'broken.jpg'),
  };
  fs.copyFileSync(photos.original, extra.byteCopy);
  await sharp(photos.original).resize(400).jpeg({ quality: 60 }).toFile(extra.nearCopy);
  fs.writeFileSync(extra.broken, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]));
  engine = await EngineService.open({ libraryDir: path.join(tempDir, 'library'), onEvent: (event) => events.push(event) });
  const job = await index([photos.root, extra.root]);
  expect(job.state).toBe('done');
}, 120_000);

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning
  await engine?.close();
  await rm(tempDir, { recursive: true, force: true });
});

describe('library:roots', () => {
  it('should count each folder’s readable photos, unreadable files and bytes', async () => {
    const roots = await call<LibraryRoot[]>('library:roots');
    const sizeOf = (files: readonly string[]) => files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
    expect(rootAt(roots, photos.root)).toMatchObject({
      files: photos.all.length,
      errors: 0,
      bytes: sizeOf(photos.all),
      excludes: [],
      protected: false,
      missing: false,
    });
    expect(rootAt(roots, extra.root)).toMatchObject({
      files: 2,
      errors: 1,
      bytes: sizeOf([extra.byteCopy, extra.nearCopy, extra.broken]),
    });
    expect(rootAt(roots, photos.root).addedAt).toBeLessThanOrEqual(Date.now());
  });

  it('should mark a folder inside a protected folder as protected', async () => {
    await call('library:setProtectedFolders', { folders: [tempDir] });
    const roots = await call<LibraryRoot[]>('library:roots');
    expect(roots.map((root) => root.protected)).toEqual([true, true]);
    await call('library:setProtectedFolders', { folders: [extra.root] });
    const again = await call<LibraryRoot[]>('library:roots');
    expect([rootAt(again, photos.root).protected, rootAt(again, extra.root).protected]).toEqual([false, true]);
    await call('library:setProtectedFolders', { folders: [] });
  });

  it('should mark a folder gone from disk as missing, its photos still counted', async () => {
    const gone = path.join(tempDir, 'unplugged');
    fs.mkdirSync(gone);
    fs.copyFileSync(photos.original, path.join(gone, 'harbour.jpg'));
    expect((await index([gone])).state).toBe('done');
    fs.rmSync(gone, { recursive: true });
    expect(rootAt(await call<LibraryRoot[]>('library:roots'), gone)).toMatchObject({ missing: true, files: 1 });
    expect(await call('library:removeRoot', { path: gone })).toEqual({ removed: 1 });
  });
});

describe('library:removeRoot', () => {
  it('should refuse a folder that is not one of the library’s', async () => {
    const unknown = path.join(tempDir, 'never-indexed');
    const result = await engine.dispatch('library:removeRoot', { path: unknown });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining(unknown) as string } });
  });

  it('should refuse while an index job runs', async () => {
    const { jobId } = await call<{ jobId: string }>('library:index', { roots: [photos.root] });
    const refused = await engine.dispatch('library:removeRoot', { path: extra.root });
    expect(refused).toMatchObject({ ok: false, error: { code: 'job_running' } });
    await settled(jobId);
  });

  it('should drop the folder’s photos from the listing, duplicates and similar results, leaving the files on disk', async () => {
    const near = (page: DuplicatesPage) => listedGroups(page).flatMap((group) => group.files);
    const similarTo = async (file: string) =>
      (await call<SimilarReport[]>('similar:query', { paths: [file], limit: 20 }))[0]?.results.map((result) => result.path) ?? [];
    // Before: the near copy only this folder has is in the harbour's near group and its similar photos.
    expect(near(await call<DuplicatesPage>('duplicates:list', { kind: 'near' }))).toContain(extra.nearCopy);
    expect(await similarTo(photos.original)).toEqual(expect.arrayContaining([extra.byteCopy, extra.nearCopy]));
    const before = await call<LibraryStats>('library:stats');

    expect(await call('library:removeRoot', { path: extra.root })).toEqual({ removed: 3 });

    const after = await call<LibraryStats>('library:stats');
    expect(after.roots).toEqual([photos.root]);
    expect([after.files, after.errors]).toEqual([before.files - 2, before.errors - 1]);
    expect((await call<LibraryRoot[]>('library:roots')).map((root) => root.path)).toEqual([photos.root]);
    const all = near(await call<DuplicatesPage>('duplicates:list', { kind: 'all' }));
    expect(all.filter((file) => file.startsWith(extra.root))).toEqual([]);
    const similar = await similarTo(photos.original);
    expect(similar.filter((file) => file.startsWith(extra.root))).toEqual([]);
    expect(similar.length).toBeGreaterThan(0);
    for (const file of [extra.byteCopy, extra.nearCopy, extra.broken]) expect(fs.existsSync(file)).toBe(true);
  });
});

describe('library:setExcludes', () => {
  it('should save the patterns at once and drop the files they match at the folder’s next index', async () => {
    const root = path.join(tempDir, 'with-raw');
    fs.mkdirSync(path.join(root, 'raw', 'day1'), { recursive: true });
    fs.copyFileSync(photos.original, path.join(root, 'keep.jpg'));
    fs.copyFileSync(photos.pngExport, path.join(root, 'raw', 'day1', 'export.png'));
    fs.copyFileSync(photos.resized, path.join(root, 'small.jpg'));
    await index([root]);
    expect(rootAt(await call<LibraryRoot[]>('library:roots'), root).files).toBe(3);

    const answered = await call<LibraryRoot>('library:setExcludes', { path: root, excludes: ['raw/**', 'small.*'] });
    expect(answered).toMatchObject({ path: root, excludes: ['raw/**', 'small.*'], files: 3 });

    const job = await index([root]);
    expect(job).toMatchObject({ state: 'done', report: { removed: 2, scanned: 1 } });
    expect(rootAt(await call<LibraryRoot[]>('library:roots'), root)).toMatchObject({ files: 1, excludes: ['raw/**', 'small.*'] });

    await call('library:setExcludes', { path: root, excludes: [] });
    expect(await index([root])).toMatchObject({ state: 'done', report: { scanned: 3 } });
    expect(await call('library:removeRoot', { path: root })).toEqual({ removed: 3 });
  });

  it('should refuse a pattern that can never match, naming it', async () => {
    const result = await engine.dispatch('library:setExcludes', { path: photos.root, excludes: ['raw/[day'] });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('"raw/[day"') as string } });
    expect(rootAt(await call<LibraryRoot[]>('library:roots'), photos.root).excludes).toEqual([]);
  });

  it('should refuse an absolute pattern and an unknown folder', async () => {
    const absolute = await engine.dispatch('library:setExcludes', { path: photos.root, excludes: [path.join(photos.root, 'copies')] });
    expect(absolute).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('relative') as string } });
    const unknown = await engine.dispatch('library:setExcludes', { path: path.join(tempDir, 'nowhere'), excludes: [] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('library:index', () => {
  it('should refuse a folder that does not exist at once, naming it, without starting a job', async () => {
    const missing = path.join(tempDir, 'no-such-folder');
    const jobsBefore = (await call<JobSnapshot[]>('jobs:list')).length;
    const result = await engine.dispatch('library:index', { roots: [photos.root, missing] });
    expect(result).toEqual({ ok: false, error: { code: 'invalid_input', message: `Cannot index ${missing}: no such folder` } });
    expect((await call<JobSnapshot[]>('jobs:list')).length).toBe(jobsBefore);
  });

  it('should refuse a file given as a folder', async () => {
    const result = await engine.dispatch('library:index', { roots: [photos.original] });
    expect(result).toEqual({ ok: false, error: { code: 'invalid_input', message: `Cannot index ${photos.original}: not a folder` } });
  });
});

describe('folders:list', () => {
  let tree: string;

  beforeAll(() => {
    tree = path.join(tempDir, 'tree');
    for (const name of ['beta', 'Alpha', 'gamma', '.hidden', 'Zeta']) fs.mkdirSync(path.join(tree, name), { recursive: true });
    fs.writeFileSync(path.join(tree, 'notes.txt'), 'not a folder');
    fs.symlinkSync(path.join(tree, 'beta'), path.join(tree, 'delta-link'));
    fs.symlinkSync(path.join(tree, 'notes.txt'), path.join(tree, 'file-link'));
    fs.symlinkSync(path.join(tree, 'gone'), path.join(tree, 'dangling-link'));
  });

  it('should list sub-folders by name ignoring case, hidden ones and files left out, symlinked folders in', async () => {
    const listing = await call<FolderListing>('folders:list', { path: tree });
    expect(listing).toEqual({
      path: tree,
      parent: tempDir,
      home: os.homedir(),
      folders: ['Alpha', 'beta', 'delta-link', 'gamma', 'Zeta'].map((name) => ({ name, path: path.join(tree, name) })),
      unreadable: 0,
    });
  });

  it('should list the home folder when given no path, and have no parent at the top', async () => {
    expect(await call<FolderListing>('folders:list')).toMatchObject({ path: os.homedir(), home: os.homedir() });
    expect(await call<FolderListing>('folders:list', {})).toMatchObject({ path: os.homedir() });
    expect(await call<FolderListing>('folders:list', { path: path.parse(tree).root })).toMatchObject({ parent: null });
  });

  it('should refuse a missing folder and a file, naming them', async () => {
    const missing = path.join(tree, 'nope');
    expect(await engine.dispatch('folders:list', { path: missing })).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: `Cannot list ${missing}: no such folder` },
    });
    const file = path.join(tree, 'notes.txt');
    expect(await engine.dispatch('folders:list', { path: file })).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: `Cannot list ${file}: not a folder` },
    });
  });

  it.skipIf(process.getuid?.() === 0)('should count a sub-folder it cannot open without naming it', async () => {
    const locked = path.join(tree, 'locked');
    fs.mkdirSync(locked, { mode: 0o000 });
    try {
      const listing = await call<FolderListing>('folders:list', { path: tree });
      expect(listing.unreadable).toBe(1);
      expect(listing.folders.map((folder) => folder.name)).not.toContain('locked');
    } finally {
      fs.rmdirSync(locked);
    }
  });
});
