/**
 * A library Doppel may read but not write (a read-only disk, a backup mounted read-only, another
 * user's folder), and a library folder moved or deleted while a process has it open.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { writeScene } from '../fixtures';
import { ensureCliBuilt, runCli, tempDir } from '../helpers/cli';

let work: string;
let photos: string;
let library: string;
const undo: (() => void)[] = [];

beforeEach(async () => {
  work = tempDir('read-only-library');
  photos = path.join(work, 'photos');
  library = path.join(work, 'library');
  fs.mkdirSync(photos, { recursive: true });
  for (let i = 0; i < 3; i++) await writeScene(path.join(photos, `scene ${i}.jpg`), 700 + i, { width: 320, height: 240 });
  for (let i = 0; i < 2; i++) fs.copyFileSync(path.join(photos, `scene ${i}.jpg`), path.join(photos, `copy ${i}.jpg`));
});

afterEach(() => {
  for (const step of undo.splice(0).reverse()) step();
  fs.rmSync(work, { recursive: true, force: true });
});

async function withLibrary<T>(body: (doppel: Doppel) => T | Promise<T>, dir = library): Promise<T> {
  const doppel = await Doppel.open({ libraryDir: dir, withoutSimilarity: true });
  try {
    return await body(doppel);
  } finally {
    await doppel.close();
  }
}

/**
 * Makes `folder` read-only for every process: a read-only bind mount where this process may mount
 * (root in a container: permissions do not stop root), else permissions. False when neither works.
 */
function makeReadOnly(folder: string): boolean {
  if (process.getuid?.() === 0) {
    try {
      execFileSync('mount', ['--bind', folder, folder], { stdio: 'ignore' });
    } catch {
      return false;
    }
    // Lazy: a connection a failed test left open must not keep the mount (and the temp folder) behind.
    undo.push(() => execFileSync('umount', ['--lazy', folder]));
    try {
      execFileSync('mount', ['-o', 'remount,bind,ro', folder], { stdio: 'ignore' });
    } catch {
      return false;
    }
  } else {
    const modes = new Map<string, number>();
    for (const name of ['', ...fs.readdirSync(folder, { recursive: true, encoding: 'utf8' })]) {
      const entry = path.join(folder, name);
      const mode = fs.statSync(entry).mode & 0o777;
      modes.set(entry, mode);
      fs.chmodSync(entry, mode & 0o555);
    }
    undo.push(() => {
      for (const [entry, mode] of modes) fs.chmodSync(entry, mode);
    });
  }
  try {
    fs.accessSync(folder, fs.constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

/** What `call` throws (undefined when it returns). */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A library with a folder, a clean-up and a "not duplicates" mark, closed cleanly (no -wal, no -shm left). */
async function decidedLibrary(): Promise<void> {
  await withLibrary(async (doppel) => {
    await doppel.index([photos]);
    await doppel.markNotDuplicates([path.join(photos, 'scene 0.jpg'), path.join(photos, 'copy 0.jpg')]);
  });
  expect(fs.readdirSync(library).filter((name) => name.startsWith('library.db'))).toEqual(['library.db']);
}

describe('a read-only library', () => {
  it('should answer every command that only reads, and refuse writes saying the library is read-only', async (context) => {
    await decidedLibrary();
    const before = fs.readdirSync(library).sort();
    if (!makeReadOnly(library)) context.skip();

    await withLibrary(async (doppel) => {
      expect(doppel.stats()).toMatchObject({ files: 5, roots: [photos], notice: null });
      const { groups } = await doppel.duplicates({ kind: 'exact' });
      expect(groups).toHaveLength(1); // copy 0 is marked not a duplicate of scene 0
      expect(doppel.history().map((operation) => operation.kind)).toEqual(['not-duplicates']);
      expect(doppel.notDuplicates()).toHaveLength(1);
      expect(doppel.photos().photos).toHaveLength(5);
      expect(doppel.roots().map((root) => root.path)).toEqual([photos]);
      expect((await doppel.find(path.join(photos, 'copy 1.jpg'))).exact).toContain(path.join(photos, 'scene 1.jpg'));
      expect(doppel.about().libraryProblems).toEqual([expect.stringMatching(/^This library is read-only \(.*\): /)]);
      for (const write of [
        () => doppel.index([photos]),
        () => doppel.clean({ kind: 'exact' }),
        () => doppel.undo(),
        () => doppel.markNotDuplicates([path.join(photos, 'scene 1.jpg'), path.join(photos, 'copy 1.jpg')]),
        () => doppel.setProtectedFolders([photos]),
      ]) {
        await expect(write()).rejects.toMatchObject({
          code: 'library_unavailable',
          message: expect.stringMatching(/^This library is read-only \(.*\): cannot /) as string,
        });
      }
    });

    ensureCliBuilt();
    for (const args of [['duplicates'], ['history'], ['ignore', '--list'], ['protect'], ['find', path.join(photos, 'copy 1.jpg')]]) {
      const result = await runCli([...args, '--library', library, '--json']);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
    const check = await runCli(['check', '--library', library, '--json']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ database: 'ok', readOnly: true });
    const clean = await runCli(['clean', '--library', library]);
    expect(clean.code).not.toBe(0);
    expect(clean.stderr).toMatch(/This library is read-only \(.*\): cannot clean up/);
    expect(fs.readdirSync(library).sort()).toEqual(before);
  });

  it('should read what a writer still holds in its WAL, beside a live writer', async (context) => {
    await decidedLibrary();
    // A writer elsewhere (another user, or the same disk mounted read-write elsewhere) keeps the WAL open.
    const writer = new Database(path.join(library, 'library.db'));
    try {
      writer.pragma('wal_autocheckpoint = 0');
      writer.prepare("INSERT INTO settings (key, value) VALUES ('protected-folders', ?)").run(JSON.stringify([photos]));
      expect(fs.existsSync(path.join(library, 'library.db-wal'))).toBe(true);
      if (!makeReadOnly(library)) context.skip();
      await withLibrary((doppel) => expect(doppel.protectedFolders()).toEqual([photos]));
    } finally {
      writer.close();
    }
  });
});

describe('a library folder moved or deleted while open', () => {
  it('should refuse every call with a clear error and write nothing more, to the moved folder or the old place', async () => {
    const doppel = await Doppel.open({ libraryDir: library, withoutSimilarity: true });
    try {
      await doppel.index([photos]);
      const moved = path.join(work, 'moved library');
      fs.renameSync(library, moved);
      const gone = { code: 'library_unavailable', message: expect.stringMatching(/^The library folder .* was moved or deleted/) as string };
      await expect(doppel.index([photos])).rejects.toMatchObject(gone);
      await expect(doppel.clean({ kind: 'exact' })).rejects.toMatchObject(gone);
      await expect(doppel.markNotDuplicates([path.join(photos, 'scene 0.jpg'), path.join(photos, 'copy 0.jpg')])).rejects.toMatchObject(
        gone,
      );
      expect(thrownBy(() => doppel.stats())).toMatchObject(gone);
      expect(thrownBy(() => doppel.photos())).toMatchObject(gone);
      await expect(doppel.duplicates()).rejects.toMatchObject(gone);
      // Nothing went into the moved database, and the old place was not made again.
      const db = new Database(path.join(moved, 'library.db'), { readonly: true });
      expect(db.prepare('SELECT count(*) AS n FROM operations').get()).toEqual({ n: 0 });
      db.close();
      expect(fs.existsSync(library)).toBe(false);

      // A new, empty folder where the library was is not the library either.
      fs.mkdirSync(library);
      expect(thrownBy(() => doppel.stats())).toMatchObject(gone);
      expect(fs.readdirSync(library)).toEqual([]);
    } finally {
      await doppel.close();
    }
    // Where it went, it opens as it was.
    await withLibrary((moved) => expect(moved.stats().files).toBe(5), path.join(work, 'moved library'));
  });
});
