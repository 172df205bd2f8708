import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { errorMessage } from '../errors';
import { hasDecisions, restoreDecisions, type RestoredDecisions } from './decisions-backup';
import { DATABASE_FILE, databaseProblems, openLibraryDatabase, prepareLibraryFolder, type SqliteDatabase } from './library.database';
import { LibraryBusyError, WriterLock, busyMessage } from './writer-lock';

/** Where damaged databases are kept, in the library folder. */
export const DAMAGED_FOLDER = 'damaged';

/** What happened when a damaged or lost library database was replaced. */
export interface LibraryRepair {
  /** What was wrong, e.g. "library.db is not a database (file is not a database)". */
  readonly damage: string;
  /** Where the damaged file was kept; null when there was no file (it was lost). */
  readonly keptAt: string | null;
  /** What came back from decisions.json; null when there was nothing to restore. */
  readonly restored: RestoredDecisions | null;
}

export interface OpenedLibrary {
  readonly db: SqliteDatabase;
  /** Set when the database had to be rebuilt: the caller must tell the user. */
  readonly repair: LibraryRepair | null;
}

/**
 * Opens the library database after checking it (`quick` at every open, `full` for `doppel check`).
 * A damaged file — unreadable, failing the check, emptied, or gone while decisions.json says there
 * was a library — is never silently replaced: it is kept under `damaged/`, a new database gets the
 * saved decisions back (folders, "not duplicates", the clean-up journal, reference folders), and
 * the repair is returned for the caller to report. The photos rebuild the rest on the next index.
 */
export function openCheckedLibrary(libraryDir: string, options: { check: 'quick' | 'full'; log: (line: string) => void }): OpenedLibrary {
  prepareLibraryFolder(libraryDir);
  const damage = findDamage(libraryDir, options.check);
  if (damage === null) return { db: openLibraryDatabase(libraryDir), repair: null };

  options.log(`library database damaged: ${damage}`);
  // Replacing the file under another process would pull it from under its feet.
  const lock = WriterLock.tryAcquire(libraryDir, 'repairing the library');
  if (!lock)
    throw new LibraryBusyError(
      `The library database is damaged (${damage}). ${busyMessage(libraryDir, WriterLock.holder(libraryDir))}, then open it again to repair it`,
    );
  try {
    const keptAt = setAside(libraryDir);
    const db = openLibraryDatabase(libraryDir);
    const restored = hasDecisions(libraryDir) ? restoreDecisions(db, libraryDir, options.log) : null;
    return { db, repair: { damage, keptAt, restored } };
  } finally {
    lock.release();
  }
}

/** Why the database cannot be used as it is, or null when it is sound (or new). */
function findDamage(libraryDir: string, check: 'quick' | 'full'): string | null {
  const file = path.join(libraryDir, DATABASE_FILE);
  const saved = hasDecisions(libraryDir);
  if (!fs.existsSync(file)) return saved ? `${DATABASE_FILE} is missing` : null;
  // SQLite reads an empty file as a new database: with decisions saved, it was a library once.
  if (fs.statSync(file).size === 0 && saved) return `${DATABASE_FILE} is empty (0 bytes)`;
  let db: SqliteDatabase | null = null;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 5000 });
    const problems = databaseProblems(db, check);
    return problems.length === 0
      ? null
      : `${DATABASE_FILE} failed SQLite's ${check === 'quick' ? 'quick' : 'integrity'} check: ${problems
          .slice(0, 3)
          .map((problem) => problem.replace(/\s+/g, ' ').trim()) // one line: SQLite lists a damaged tree over several
          .join('; ')}`;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return `${DATABASE_FILE} cannot be read: ${errorMessage(error)}`;
    throw error; // locked, permissions…: not damage, the usual open reports it
  } finally {
    db?.close();
  }
}

/** Moves library.db and its WAL files to damaged/library-<time>.db; returns the kept path (null if none). */
function setAside(libraryDir: string): string | null {
  const file = path.join(libraryDir, DATABASE_FILE);
  if (!fs.existsSync(file)) return null;
  const folder = path.join(libraryDir, DAMAGED_FOLDER);
  fs.mkdirSync(folder, { recursive: true });
  const kept = path.join(folder, `library-${new Date().toISOString().replace(/[:.]/g, '-')}.db`);
  fs.renameSync(file, kept);
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, kept + suffix);
  }
  return kept;
}
