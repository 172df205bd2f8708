/**
 * What the library folder goes through outside Doppel's control: a damaged, emptied or deleted
 * database, a deleted thumbnails folder, temp files of killed runs, a library path that cannot be one.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { LibraryWriteError } from '../../src/core/errors';
import { hammingDistance } from '../../src/core/media/perceptual-hash';
import { writeScene } from '../fixtures';
import { ensureCliBuilt, runCli, tempDir } from '../helpers/cli';

let work: string;
let photos: string;
let library: string;

beforeEach(async () => {
  work = tempDir('library-damage');
  photos = path.join(work, 'photos');
  library = path.join(work, 'library');
  fs.mkdirSync(path.join(photos, 'keep'), { recursive: true });
  fs.mkdirSync(path.join(photos, 'inbox'), { recursive: true });
  for (let i = 0; i < 3; i++) await writeScene(path.join(photos, 'keep', `scene ${i}.jpg`), 500 + i, { width: 320, height: 240 });
  for (let i = 0; i < 3; i++) fs.copyFileSync(path.join(photos, 'keep', `scene ${i}.jpg`), path.join(photos, 'inbox', `copy ${i}.jpg`));
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

async function withLibrary<T>(body: (doppel: Doppel) => T | Promise<T>): Promise<T> {
  const doppel = await Doppel.open({ libraryDir: library, withoutSimilarity: true });
  try {
    return await body(doppel);
  } finally {
    await doppel.close();
  }
}

/** A library with every kind of decision: folders, a reference folder, a "not duplicates" mark, a clean-up. */
async function decidedLibrary(): Promise<void> {
  await withLibrary(async (doppel) => {
    await doppel.index([photos]);
    await doppel.setProtectedFolders([path.join(photos, 'keep')]);
    await doppel.markNotDuplicates([path.join(photos, 'keep', 'scene 2.jpg'), path.join(photos, 'inbox', 'copy 2.jpg')]);
    const report = await doppel.clean({ kind: 'exact' });
    expect(report.trashed.map((file) => path.basename(file.path)).sort()).toEqual(['copy 0.jpg', 'copy 1.jpg']);
  });
}

/** Overwrites pages in the middle of the database with garbage, as a failing disk or a bad copy does. */
function damageDatabase(): void {
  const file = path.join(library, 'library.db');
  const size = fs.statSync(file).size;
  const descriptor = fs.openSync(file, 'r+');
  const garbage = Buffer.alloc(4096, 0xa5);
  for (let page = 2; page * 4096 < size; page += 3) fs.writeSync(descriptor, garbage, 0, garbage.length, page * 4096);
  fs.closeSync(descriptor);
}

describe('a damaged library database', () => {
  it('should be detected on open, kept aside, and rebuilt with every decision back', async () => {
    await decidedLibrary();
    damageDatabase();
    const notice = await withLibrary(async (doppel) => {
      expect(doppel.repair?.damage).toMatch(/library\.db (failed SQLite's quick check|cannot be read)/);
      expect(fs.existsSync(doppel.repair?.keptAt ?? '')).toBe(true);
      expect(doppel.repair?.restored).toEqual({ roots: 1, notDuplicates: 1, operations: 2, skipped: [] });
      // Decisions are back before any photo is read again…
      expect(doppel.protectedFolders()).toEqual([path.join(photos, 'keep')]);
      expect(doppel.notDuplicates()).toHaveLength(1);
      expect(doppel.stats()).toMatchObject({ roots: [photos], files: 0 });
      const beforeIndex = doppel.stats().notice;
      // …the clean-up can still be undone…
      const undo = await doppel.undo();
      expect(undo.restored).toHaveLength(2);
      expect(fs.existsSync(path.join(photos, 'inbox', 'copy 0.jpg'))).toBe(true);
      // …and indexing again brings the photos, with the "not duplicates" mark still applied.
      await doppel.index([photos]);
      const { groups } = await doppel.duplicates({ kind: 'exact' });
      expect(groups.map((group) => group.files.map((file) => path.basename(file)).sort()).sort()).toEqual([
        ['copy 0.jpg', 'scene 0.jpg'],
        ['copy 1.jpg', 'scene 1.jpg'],
      ]);
      // Acted on: the notice goes once the photos are read back.
      expect(doppel.stats().notice).toBeNull();
      return beforeIndex;
    });
    expect(notice).toMatch(
      /The library database was damaged .* and has been rebuilt\. A copy of the damaged file is kept at .*damaged.*library-.*\.db/,
    );
    expect(notice).toContain(`doppel index ${photos}`);
  });

  it('should not take an emptied (0-byte) database for a new library', async () => {
    await decidedLibrary();
    fs.truncateSync(path.join(library, 'library.db'), 0);
    await withLibrary((doppel) => {
      expect(doppel.repair?.damage).toBe('library.db is empty (0 bytes)');
      expect(doppel.protectedFolders()).toEqual([path.join(photos, 'keep')]);
      expect(
        doppel
          .history()
          .map((operation) => operation.kind)
          .sort(),
      ).toEqual(['not-duplicates', 'trash']);
    });
  });

  it('should bring the decisions back when the database file is gone', async () => {
    await decidedLibrary();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(library, `library.db${suffix}`), { force: true });
    await withLibrary((doppel) => {
      expect(doppel.repair).toMatchObject({ damage: 'library.db is missing', keptAt: null });
      expect(doppel.stats().roots).toEqual([photos]);
    });
  });

  it('should open a sound library without a word, and a new one too', async () => {
    await withLibrary((doppel) => expect(doppel.stats().notice).toBeNull());
    await decidedLibrary();
    const saved = fs.statSync(path.join(library, 'decisions.json')).mtimeMs;
    await withLibrary(async (doppel) => {
      expect(doppel.repair).toBeNull();
      expect(doppel.stats().notice).toBeNull();
      await doppel.duplicates();
    });
    // A read-only session changes no decision: decisions.json is not rewritten.
    expect(fs.statSync(path.join(library, 'decisions.json')).mtimeMs).toBe(saved);
    expect(fs.existsSync(path.join(library, 'damaged'))).toBe(false);
  });

  it('should tell the CLI user on stderr, keeping --json output clean', async () => {
    ensureCliBuilt();
    await decidedLibrary();
    damageDatabase();
    const result = await runCli(['duplicates', '--library', library, '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/doppel: The library database was damaged/);
    expect(JSON.parse(result.stdout)).toMatchObject({ groups: [] });
    const check = await runCli(['check', '--library', library, '--json']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ database: 'ok', thumbnails: { missing: 0 } });
  });

  it('should find damage the quick check on open does not look for with `doppel check`', async () => {
    await decidedLibrary();
    // An index that no longer matches its table: quick_check skips that, integrity_check does not.
    const db = new Database(path.join(library, 'library.db'));
    db.pragma('writable_schema = ON');
    const root = (db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'files_by_content'").get() as { rootpage: number }).rootpage;
    db.close();
    const file = path.join(library, 'library.db');
    const descriptor = fs.openSync(file, 'r+');
    const page = Buffer.alloc(4096);
    fs.readSync(descriptor, page, 0, 4096, (root - 1) * 4096);
    // A leaf index page (type 10) of six entries: overwrite the middle of the first cell's content
    // hash with other hex digits. The record stays well formed; it no longer matches its row.
    expect(page[0]).toBe(10);
    const cell = page.readUInt16BE(8);
    page.fill(0x30, cell + 12, cell + 40);
    fs.writeSync(descriptor, page, 0, 4096, (root - 1) * 4096);
    fs.closeSync(descriptor);
    const report = await Doppel.check({ libraryDir: library });
    expect(report.database).toBe('repaired');
    expect(report.repair?.damage).toMatch(/failed SQLite's integrity check: .*files_by_content/);
  });
});

describe("an upgraded library's middles' hashes", () => {
  it('should hash the middles of pictures indexed before the library kept them, from their thumbnails, and search the near pairs again', async () => {
    await withLibrary((doppel) => doppel.index([photos]));
    const read = (): Map<string, string | null> => {
      const db = new Database(path.join(library, 'library.db'), { readonly: true });
      try {
        const rows = db.prepare('SELECT hash, phash_centre FROM contents').all() as { hash: string; phash_centre: string | null }[];
        return new Map(rows.map((row) => [row.hash, row.phash_centre]));
      } finally {
        db.close();
      }
    };
    const indexed = read();
    expect(indexed.size).toBe(3);
    for (const hash of indexed.values()) expect(hash).toMatch(/^[0-9a-f]{16}$/);
    // As a library indexed before version 8 has them: no middles, pairs found without them.
    const db = new Database(path.join(library, 'library.db'));
    db.prepare('UPDATE contents SET phash_centre = NULL').run();
    db.close();
    const pairs = path.join(library, 'vectors-none.near-pairs');
    fs.writeFileSync(pairs, 'pairs found before the middles were hashed');

    await withLibrary(async (doppel) => {
      const report = await doppel.index([photos]);
      expect(report).toMatchObject({ unchanged: 6, errors: [] });
    });
    const filled = read();
    for (const [content, hash] of indexed) {
      // From the 256 px WebP thumbnail, not the decode's own copy: within a bit or two of it.
      expect(hammingDistance(filled.get(content) ?? '', hash ?? ''), content).toBeLessThanOrEqual(2);
    }
    expect(fs.existsSync(pairs) ? fs.readFileSync(pairs, 'utf8') : null).not.toBe('pairs found before the middles were hashed');
  });
});

describe('thumbnails', () => {
  it('should rebuild lost thumbnails on the next index run, and any one on demand', async () => {
    await withLibrary(async (doppel) => {
      await doppel.index([photos]);
      const scene = path.join(photos, 'keep', 'scene 0.jpg');
      const thumbnail = doppel.thumbnailPath(scene);
      expect(thumbnail).not.toBeNull();
      fs.rmSync(path.join(library, 'thumbs'), { recursive: true });
      expect(doppel.thumbnailPath(scene)).toBeNull();
      // On demand (the bridge's /thumb, the app's thumbnail protocol): rebuilt from the photo.
      expect(await doppel.thumbnail(scene)).toBe(thumbnail);
      expect(fs.statSync(thumbnail ?? '').size).toBeGreaterThan(100);

      fs.rmSync(path.join(library, 'thumbs'), { recursive: true });
      const progress: string[] = [];
      const report = await doppel.index([photos], { progressIntervalMs: 0, onProgress: (p) => progress.push(p.phase) });
      expect(report).toMatchObject({ unchanged: 6, errors: [] });
      expect(progress).toContain('thumbnails');
      for (const file of ['keep/scene 0.jpg', 'keep/scene 1.jpg', 'inbox/copy 2.jpg']) {
        expect(doppel.thumbnailPath(path.join(photos, file))).not.toBeNull();
      }
    });
  });

  it('should stop with a library error, never marking photos bad, when thumbnails cannot be written', async () => {
    fs.mkdirSync(library, { recursive: true });
    fs.writeFileSync(path.join(library, 'thumbs'), 'a file where the thumbnails folder goes');
    await withLibrary(async (doppel) => {
      await expect(doppel.index([photos])).rejects.toMatchObject({
        code: 'library_unavailable',
        message: expect.stringMatching(/^Cannot write a thumbnail in the library at .*: /) as string,
      });
      expect(doppel.stats().errors).toBe(0);
      fs.rmSync(path.join(library, 'thumbs'));
      // Fixed: the next run reads every photo as it would have, none is left marked bad.
      const report = await doppel.index([photos]);
      expect(report.errors).toEqual([]);
      expect(doppel.stats().files).toBe(6);
    });
  });

  it('should stop on a full disk saying so, with the library consistent and no photo blamed', async () => {
    // /dev/full answers every write with ENOSPC: the thumbnail of the first new photo lands there.
    const first = path.join(photos, 'keep', 'scene 0.jpg');
    const hash = createHash('sha256').update(fs.readFileSync(first)).digest('hex');
    fs.mkdirSync(path.join(library, 'thumbs', hash.slice(0, 2)), { recursive: true });
    fs.symlinkSync('/dev/full', path.join(library, 'thumbs', hash.slice(0, 2), `${hash}.webp.${process.pid}.tmp`));
    await withLibrary(async (doppel) => {
      await expect(doppel.index([photos])).rejects.toThrow(
        /^Cannot write a thumbnail: the disk holding the library \(.*\) is full \(\d+ MB free\)\. Free some space and run again/,
      );
      expect(doppel.stats().errors).toBe(0);
    });
    const db = new Database(path.join(library, 'library.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('should say the disk is full, with the room left, rather than a raw error', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = new LibraryWriteError(work, 'a thumbnail', full);
    expect(error.message).toMatch(
      new RegExp(`^Cannot write a thumbnail: the disk holding the library \\(${work}\\) is full \\(\\d+ MB free\\)`),
    );
    const sqliteFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(new LibraryWriteError(work, 'to the library', sqliteFull).message).toMatch(/is full/);
  });
});

describe('the library folder', () => {
  it('should remove temp files killed runs left, and only theirs', async () => {
    fs.mkdirSync(path.join(library, 'thumbs', 'ab'), { recursive: true });
    const deadPid = 2 ** 22 + 7; // above Linux's pid_max: no such process
    const orphans = [
      path.join(library, `.vectors-model.faiss.${deadPid}.1a2b3c4d.tmp`),
      path.join(library, `decisions.json.${deadPid}.tmp`),
      path.join(library, 'thumbs', 'ab', `abcdef.webp.${deadPid}.tmp`),
    ];
    const live = path.join(library, 'thumbs', 'ab', `abcd01.webp.${process.pid}.tmp`);
    for (const file of [...orphans, live]) fs.writeFileSync(file, 'half written');
    await withLibrary(async (doppel) => {
      expect(orphans.slice(0, 2).map((file) => fs.existsSync(file))).toEqual([false, false]);
      await doppel.index([photos]); // the thumbnails folder is swept as it is checked
      expect(fs.existsSync(orphans[2] ?? '')).toBe(false);
      expect(fs.existsSync(live)).toBe(true);
    });
  });

  it('should refuse, at once and clearly, a library path that cannot be a library', async () => {
    const started = Date.now();
    await expect(Doppel.open({ libraryDir: '/proc/x', withoutSimilarity: true })).rejects.toThrow(
      'Cannot use /proc/x as the library folder: /proc is a system pseudo-filesystem, not a place for files',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    const file = path.join(work, 'a file');
    fs.writeFileSync(file, 'x');
    await expect(Doppel.open({ libraryDir: path.join(file, 'library') })).rejects.toThrow(/is a file, not a folder/);
    await expect(Doppel.open({ libraryDir: photos, withoutSimilarity: true })).rejects.toThrow(
      /Cannot use .*photos as the library folder: it already holds other files \(inbox, keep\): choose a new or empty folder/,
    );
  });

  it('should give the CLI user the same error for --library /proc/x, without spinning', async () => {
    ensureCliBuilt();
    const result = await runCli(['duplicates', '--library', '/proc/x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot use /proc/x as the library folder');
  });
});
