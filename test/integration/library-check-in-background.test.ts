/**
 * The damage check of a library runs in the background (SQLite's quick_check reads every page: 13 s
 * at 1M photos): the library answers reads at once, a write waits for the verdict, and a damaged
 * verdict refuses every write until the next open rebuilds the database. The check is slowed in these
 * tests through the facade's hook, not with a big database.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doppel, type OpenOptions } from '../../src/core/doppel';
import { ErrorCodes, hasErrorCode } from '../../src/core/errors';
import { workerQuickCheck, type DatabaseCheckRun } from '../../src/core/store/database-check';
import { writeScene } from '../fixtures';
import { tempDir } from '../helpers/cli';

let work: string;
let photos: string;
let library: string;

beforeEach(async () => {
  work = tempDir('library-check');
  photos = path.join(work, 'photos');
  library = path.join(work, 'library');
  fs.mkdirSync(photos, { recursive: true });
  for (let i = 0; i < 2; i++) await writeScene(path.join(photos, `scene ${i}.jpg`), 700 + i, { width: 160, height: 120 });
  fs.copyFileSync(path.join(photos, 'scene 0.jpg'), path.join(photos, 'copy 0.jpg'));
  const doppel = await Doppel.open({ libraryDir: library, withoutSimilarity: true });
  await doppel.index([photos]);
  await doppel.close();
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** A check that starts only when the test lets it: the real one (in a worker thread) once released. */
function gatedCheck(): { run: DatabaseCheckRun; started: Promise<void>; release: () => void } {
  let release = (): void => {};
  let started = (): void => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const run: DatabaseCheckRun = async (file, options) => {
    started();
    await gate;
    return workerQuickCheck(file, options);
  };
  return { run, started: startedPromise, release };
}

function open(check: OpenOptions['databaseCheck']): Promise<Doppel> {
  // openWaitMs 0: the open answers without waiting for the check, as it does past 1 s on a big library.
  return Doppel.open({ libraryDir: library, withoutSimilarity: true, databaseCheck: { openWaitMs: 0, ...check } });
}

/** Overwrites the pages of one index with garbage: pages nothing reads on open, as a failing disk does. */
function damageIndex(name: string): void {
  const file = path.join(library, 'library.db');
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.prepare<[string], { pageno: number }>('SELECT pageno FROM dbstat WHERE name = ?').all(name);
  db.close();
  expect(pages.length).toBeGreaterThan(0);
  const descriptor = fs.openSync(file, 'r+');
  const garbage = Buffer.alloc(pageSize, 0xa5);
  for (const { pageno } of pages) fs.writeSync(descriptor, garbage, 0, pageSize, (pageno - 1) * pageSize);
  fs.closeSync(descriptor);
}

describe('the damage check on open', () => {
  it('should answer reads before the check has finished', async () => {
    const check = gatedCheck();
    const doppel = await open({ run: check.run });
    try {
      await check.started;
      expect(doppel.stats()).toMatchObject({ files: 3, roots: [photos], notice: null });
      expect(doppel.photos().photos).toHaveLength(3);
      expect((await doppel.duplicates({ kind: 'exact' })).groups).toHaveLength(1);
      expect(doppel.about().libraryProblems).toEqual([]);
    } finally {
      check.release();
      await doppel.close();
    }
  });

  it('should make a write wait for the verdict, then do it', async () => {
    const check = gatedCheck();
    const doppel = await open({ run: check.run });
    try {
      let told = (_message: string): void => {};
      const waiting = new Promise<string>((resolve) => (told = resolve));
      const write = doppel.markNotDuplicates([path.join(photos, 'scene 0.jpg'), path.join(photos, 'scene 1.jpg')], {
        onWaitForWriter: (message) => told(message),
      });
      expect(await waiting).toMatch(/check of the library database/);
      expect(doppel.notDuplicates()).toEqual([]); // nothing written while the check runs
      check.release();
      await write;
      expect(doppel.notDuplicates()).toHaveLength(1);
    } finally {
      check.release();
      await doppel.close();
    }
  });

  it('should refuse a write as busy, saying why, when the check outlasts the wait', async () => {
    const check = gatedCheck();
    const doppel = await open({ run: check.run, writeWaitMs: 50 });
    try {
      const refused = await doppel.setProtectedFolders([photos]).catch((error: unknown) => error);
      expect(hasErrorCode(refused, ErrorCodes.jobRunning)).toBe(true);
      expect((refused as Error).message).toMatch(/still being checked for damage .*cannot save reference folders yet/);
      expect(doppel.protectedFolders()).toEqual([]);
    } finally {
      check.release();
      await doppel.close();
    }
  });

  it('should find damage in the background, refuse every write, say so, and rebuild on the next open', async () => {
    damageIndex('contents_by_sig3');
    const doppel = await open({});
    try {
      expect(doppel.roots().map((root) => root.path)).toEqual([photos]); // read before the verdict, as any read
      const refused = await doppel.setProtectedFolders([photos]).catch((error: unknown) => error);
      expect(hasErrorCode(refused, ErrorCodes.libraryUnavailable)).toBe(true);
      expect((refused as Error).message).toMatch(
        /^The library database is damaged \(library\.db failed SQLite's quick check: .+\): cannot save reference folders\. .*open the library again to rebuild it/,
      );
      await expect(doppel.undo()).rejects.toThrow(/damaged/);
      expect(doppel.about().libraryProblems).toEqual([expect.stringMatching(/^The library database is damaged/)]);
      expect(doppel.stats().notice).toMatch(/^The library database is damaged/);
      expect(doppel.protectedFolders()).toEqual([]);
    } finally {
      await doppel.close();
    }
    const reopened = await open({});
    try {
      expect(reopened.repair?.damage).toMatch(/library\.db failed SQLite's quick check/);
      expect(fs.existsSync(reopened.repair?.keptAt ?? '')).toBe(true);
      await reopened.setProtectedFolders([photos]);
      expect(reopened.protectedFolders()).toEqual([photos]);
    } finally {
      await reopened.close();
    }
  });

  it('should close cleanly while the check runs, failing a waiting write as closed', async () => {
    const check = gatedCheck();
    const doppel = await open({ run: check.run });
    await check.started;
    const write = doppel.undo().catch((error: unknown) => error);
    await doppel.close();
    const refused = await write;
    expect(hasErrorCode(refused, ErrorCodes.libraryUnavailable)).toBe(true);
    expect((refused as Error).message).toMatch(/it is closed/);
    check.release(); // the check goes on after the close: its verdict is not wanted, and nothing breaks
    // A real worker stopped mid-check: the library opens again at once, and sound.
    const again = await open({});
    await again.close();
    const last = await Doppel.open({ libraryDir: library, withoutSimilarity: true });
    try {
      await last.setProtectedFolders([photos]);
    } finally {
      await last.close();
    }
  });
});
