/**
 * decisions.json and decisions.log: the copy of the user's decisions beside library.db that brings
 * them back when the database is damaged or lost. What it must survive: damaged records, a restore
 * that fails, a writer next to the save, a clean-up killed mid-way, a folder in its place.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { saveDecisions } from '../../src/core/store/decisions-backup';
import { openLibraryDatabase } from '../../src/core/store/library.database';
import { writeScene } from '../fixtures';
import { copyPhoto, createCleanupSandbox, paintPhoto } from '../helpers/cleanup-sandbox';
import { REPO_ROOT, ensureCliBuilt, runCli, tempDir } from '../helpers/cli';

let work: string;
let photos: string;
let library: string;

beforeEach(async () => {
  work = tempDir('decisions-backup');
  photos = path.join(work, 'photos');
  library = path.join(work, 'library');
  fs.mkdirSync(path.join(photos, 'keep'), { recursive: true });
  fs.mkdirSync(path.join(photos, 'inbox'), { recursive: true });
  for (let i = 0; i < 3; i++) await writeScene(path.join(photos, 'keep', `scene ${i}.jpg`), 900 + i, { width: 320, height: 240 });
  for (let i = 0; i < 3; i++) fs.copyFileSync(path.join(photos, 'keep', `scene ${i}.jpg`), path.join(photos, 'inbox', `copy ${i}.jpg`));
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

async function withLibrary<T>(body: (doppel: Doppel) => T | Promise<T>, log?: (line: string) => void): Promise<T> {
  const doppel = await Doppel.open({ libraryDir: library, withoutSimilarity: true, ...(log ? { log } : {}) });
  try {
    return await body(doppel);
  } finally {
    await doppel.close();
  }
}

/** Folders, a reference folder, a "not duplicates" mark and a clean-up of two copies. */
async function decidedLibrary(): Promise<void> {
  await withLibrary(async (doppel) => {
    await doppel.index([photos]);
    await doppel.setProtectedFolders([path.join(photos, 'keep')]);
    await doppel.markNotDuplicates([path.join(photos, 'keep', 'scene 2.jpg'), path.join(photos, 'inbox', 'copy 2.jpg')]);
    const report = await doppel.clean({ kind: 'exact' });
    expect(report.trashed).toHaveLength(2);
  });
}

function removeDatabase(): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(library, `library.db${suffix}`), { force: true });
}

type Row = Record<string, unknown>;
interface OldBackup {
  format: string;
  schemaVersion: number;
  savedAt: string;
  tables: Record<string, Row[]>;
  settings: Record<string, string> | null;
}

/** Replaces the backup with one in the format Doppel wrote before decisions.log (one JSON file), changed by `change`. */
function writeOldBackup(change: (saved: OldBackup) => void): void {
  const db = new Database(path.join(library, 'library.db'), { readonly: true });
  const rows = (table: string): Row[] => db.prepare(`SELECT * FROM ${table}`).all() as Row[];
  const saved: OldBackup = {
    format: 'doppel-decisions',
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    savedAt: new Date().toISOString(),
    tables: Object.fromEntries(['roots', 'not_duplicates', 'operations', 'operation_files'].map((table) => [table, rows(table)])),
    settings: Object.fromEntries(
      (db.prepare("SELECT key, value FROM settings WHERE key IN ('protected-folders', 'model')").all() as Row[]).map((row) => [
        row.key,
        row.value,
      ]),
    ) as Record<string, string>,
  };
  db.close();
  change(saved);
  fs.writeFileSync(path.join(library, 'decisions.json'), JSON.stringify(saved));
  fs.rmSync(path.join(library, 'decisions.log'), { force: true });
}

function firstOf(rows: Row[] | undefined): Row {
  const row = rows?.[0];
  if (!row) throw new Error('no row to copy');
  return row;
}

describe('restoring decisions', () => {
  it('should bring back every valid record and report, with a count and a reason, each one it skips', async () => {
    await decidedLibrary();
    writeOldBackup((saved) => {
      saved.tables.operation_files?.push({ ...firstOf(saved.tables.operation_files), operation_id: 'no-such-clean-up' });
      saved.tables.roots?.push({ id: 99, path: 42, excludes: '[]', added_at: 1 });
      saved.settings = null;
    });
    removeDatabase();
    await withLibrary(async (doppel) => {
      expect(doppel.repair?.restored).toMatchObject({ roots: 1, notDuplicates: 1, operations: 2 });
      expect(doppel.repair?.restored?.skipped).toEqual(
        expect.arrayContaining([
          { what: 'clean-up file entry', count: 1, reason: 'its clean-up is not in the backup' },
          { what: 'folder', count: 1, reason: 'its path is not text' },
          { what: 'settings', count: 1, reason: 'not a list of settings (null)' },
        ]),
      );
      expect(doppel.stats().notice).toMatch(
        /3 saved record\(s\) could not be restored: 1 settings \(not a list of settings \(null\)\); 1 folder \(its path is not text\); 1 clean-up file entry \(its clean-up is not in the backup\)\./,
      );
      expect(doppel.stats().roots).toEqual([photos]);
      expect(doppel.notDuplicates()).toHaveLength(1);
      expect((await doppel.undo()).restored).toHaveLength(2);
    });
  });

  it('should never leave an empty database that the next open takes for a healthy library', async () => {
    await decidedLibrary();
    writeOldBackup((saved) => {
      saved.tables.operation_files?.push({ ...firstOf(saved.tables.operation_files), operation_id: 'no-such-clean-up' });
    });
    removeDatabase();
    // Whatever the first open makes of it (before: a restore that failed half-way), the next has every decision.
    await Doppel.open({ libraryDir: library, withoutSimilarity: true }).then(
      (doppel) => doppel.close(),
      () => undefined,
    );
    await withLibrary((doppel) => {
      expect(doppel.protectedFolders()).toEqual([path.join(photos, 'keep')]);
      expect(doppel.history()).toHaveLength(2);
    });
  });

  it('should take an empty database beside saved decisions for damage, not for a new library', async () => {
    await decidedLibrary();
    removeDatabase();
    openLibraryDatabase(library).close(); // what a restore that failed half-way used to leave
    await withLibrary((doppel) => {
      expect(doppel.repair?.damage).toBe('library.db holds none of the decisions saved in decisions.json');
      expect(doppel.protectedFolders()).toEqual([path.join(photos, 'keep')]);
      expect(doppel.history()).toHaveLength(2);
      expect(doppel.repair?.restored?.skipped).toEqual([]);
    });
    // Restored once: the restored library opens as it is from now on.
    await withLibrary((doppel) => expect(doppel.repair).toBeNull());
  });

  it('should keep an unreadable backup aside rather than write a smaller one over it', async () => {
    await decidedLibrary();
    const cut = '{"format":"doppel-decisions","schemaVersion":6,"tables":{"roots":[{"id":1,"path":';
    fs.writeFileSync(path.join(library, 'decisions.json'), cut);
    fs.rmSync(path.join(library, 'decisions.log'), { force: true });
    removeDatabase();
    await withLibrary(async (doppel) => {
      expect(doppel.repair?.restored?.skipped).toEqual([
        { what: 'decisions.json', count: 1, reason: expect.stringMatching(/^not readable JSON/) as string },
      ]);
      await doppel.setProtectedFolders([path.join(photos, 'keep')]);
    });
    const kept = fs.readdirSync(path.join(library, 'damaged')).filter((name) => name.startsWith('decisions-'));
    expect(kept.map((name) => fs.readFileSync(path.join(library, 'damaged', name), 'utf8'))).toContain(cut);
  });
});

describe('saving decisions', () => {
  it('should read every table in one transaction, so a writer between two tables cannot leave an orphan', async () => {
    await decidedLibrary();
    const db = openLibraryDatabase(library);
    const other = new Database(path.join(library, 'library.db'), { timeout: 0 });
    const prepare = db.prepare.bind(db);
    let wrote = false;
    // Between reading the clean-ups and their file entries, another connection adds one of each.
    db.prepare = (sql: string) => {
      if (!wrote && /FROM (main\.)?operation_files/.test(sql)) {
        wrote = true;
        try {
          other.transaction(() => {
            other.prepare("INSERT INTO operations (id, kind, state, created_at) VALUES ('late', 'trash', 'done', 1)").run();
            other
              .prepare(
                "INSERT INTO operation_files (operation_id, seq, original_path, size, mtime_ms, state) VALUES ('late', 1, '/late.jpg', 1, 1, 'trashed')",
              )
              .run();
          })();
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error; // held off by the save: as good
        }
      }
      return prepare(sql);
    };
    try {
      saveDecisions(db, library);
    } finally {
      other.close();
      db.close();
    }
    expect(wrote).toBe(true);
    removeDatabase();
    await withLibrary((doppel) => {
      expect(doppel.repair?.restored?.skipped).toEqual([]);
      expect(doppel.history().length).toBeGreaterThanOrEqual(2);
    });
  });

  it('should save a decision by appending it, not by rewriting every decision', async () => {
    await decidedLibrary();
    const snapshot = fs.readFileSync(path.join(library, 'decisions.json'));
    const logSize = (): number => fs.statSync(path.join(library, 'decisions.log'), { throwIfNoEntry: false })?.size ?? 0;
    const before = logSize();
    await withLibrary(async (doppel) => {
      await doppel.markNotDuplicates([path.join(photos, 'keep', 'scene 1.jpg'), path.join(photos, 'keep', 'scene 0.jpg')]);
    });
    expect(fs.readFileSync(path.join(library, 'decisions.json'))).toEqual(snapshot);
    expect(logSize() - before).toBeGreaterThan(0);
    expect(logSize() - before).toBeLessThan(1000);
    removeDatabase();
    await withLibrary((doppel) => {
      expect(doppel.notDuplicates()).toHaveLength(2);
      expect(doppel.repair?.restored?.skipped).toEqual([]);
    });
  });

  it('should say loudly, each time, that decisions cannot be saved when a folder stands where decisions.json goes', async () => {
    await decidedLibrary();
    for (const name of ['decisions.json', 'decisions.log']) fs.rmSync(path.join(library, name), { force: true });
    fs.mkdirSync(path.join(library, 'decisions.json', 'something'), { recursive: true });
    const lines: string[] = [];
    const problem = /^Cannot save your decisions: .*decisions\.json is a folder, not a file/;
    await withLibrary(
      async (doppel) => {
        expect(doppel.about().libraryProblems).toEqual([expect.stringMatching(problem)]);
        await doppel.setProtectedFolders([photos]);
        await doppel.setProtectedFolders([path.join(photos, 'keep')]);
        expect(lines.filter((line) => problem.test(line)).length).toBeGreaterThanOrEqual(3);
      },
      (line) => lines.push(line),
    );
    ensureCliBuilt();
    const check = await runCli(['check', '--library', library, '--json']);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/doppel: Cannot save your decisions: .*decisions\.json is a folder, not a file/);
    const history = await runCli(['history', '--library', library]);
    expect(history.stderr).toMatch(/doppel: Cannot save your decisions/);
  });
});

describe('a clean-up killed mid-way, then library.db lost', () => {
  it('should still put back every file that reached the trash', async () => {
    ensureCliBuilt();
    const sandbox = createCleanupSandbox('decisions-kill');
    try {
      const original = path.join(sandbox.photos, 'reef.jpg');
      await paintPhoto(original, 14);
      const copies = Array.from({ length: 400 }, (_, i) => path.join(sandbox.photos, 'copies', `reef ${i}.jpg`));
      for (const copy of copies) copyPhoto(original, copy);
      await sandbox.json(['index', sandbox.photos]);

      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'doppel.mjs'), 'clean', '--library', sandbox.library], {
        cwd: REPO_ROOT,
        env: { ...process.env, XDG_DATA_HOME: sandbox.dataHome },
        stdio: 'ignore',
      });
      const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // Files in the trash, read as the clean-up writes it (a .trashinfo may be half written when it dies).
      const inTrash = (): number => fs.readdirSync(path.join(sandbox.dataHome, 'Trash', 'files'), { withFileTypes: true }).length;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (!fs.existsSync(path.join(sandbox.dataHome, 'Trash', 'files')) || inTrash() < 20)) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      child.kill('SIGKILL');
      expect(await ended).toBe('SIGKILL');
      const trashed = inTrash();
      expect(trashed).toBeGreaterThanOrEqual(20);
      expect(trashed).toBeLessThan(copies.length);

      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(sandbox.library, `library.db${suffix}`), { force: true });
      const undo = await sandbox.json<{ restored: string[] }>(['undo']);
      expect(undo.restored.length).toBeGreaterThanOrEqual(trashed);
      expect(sandbox.trash().files).toEqual([]);
      expect(copies.filter((copy) => !fs.existsSync(copy))).toEqual([]);
    } finally {
      sandbox.dispose();
    }
  });
});
