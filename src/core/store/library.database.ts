import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCodes, LibraryUnavailableError, errorMessage, hasErrorCode } from '../errors';
import { MIGRATIONS, type Migration } from './migrations';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'library.db';

/**
 * Opens (creating if needed) the library's SQLite database in WAL mode and applies pending migrations.
 * Refuses a database written by a newer Doppel rather than guessing at its schema.
 */
export function openLibraryDatabase(libraryDir: string, migrations: readonly Migration[] = MIGRATIONS): SqliteDatabase {
  prepareLibraryFolder(libraryDir);
  const file = path.join(libraryDir, DATABASE_FILE);
  let db: SqliteDatabase;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new LibraryUnavailableError(`Cannot open library database ${file}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    migrate(db, migrations);
  } catch (error) {
    db.close();
    if (hasErrorCode(error, ErrorCodes.libraryUnavailable)) throw error;
    throw new LibraryUnavailableError(`Cannot upgrade library database ${file}: ${errorMessage(error)}`, { cause: error });
  }
  return db;
}

/**
 * SQLite's own check of the database file: `quick` (PRAGMA quick_check: every page and record is
 * well formed; linear in the file size, run at every open) or `full` (PRAGMA integrity_check: also
 * that every index matches its table). The problems found, none when the file is sound.
 */
export function databaseProblems(db: SqliteDatabase, depth: 'quick' | 'full'): string[] {
  const rows = db.pragma(depth === 'quick' ? 'quick_check(20)' : 'integrity_check(20)') as Record<string, string>[];
  const lines = rows.map((row) => Object.values(row)[0] ?? '');
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
}

/** Files and folders Doppel keeps in a library folder; anything else means it is someone's folder. */
const LIBRARY_ENTRY =
  /^(library\.db(-wal|-shm|-journal)?|decisions\.json|writer\.lock(-journal|\.json)?|thumbs|previews|damaged|vectors-.*|\..*\.tmp|.*\.tmp)$/;

/** Pseudo filesystems: nothing there can hold a library (and mkdir in /proc loops forever in Node). */
const PSEUDO_FILESYSTEMS = ['/proc', '/sys', '/dev'];

/**
 * Makes sure `libraryDir` can be a library: an existing library, an empty folder, or a new folder
 * under a real, writable one. Anything else gets an error that says which, before anything is written.
 */
export function prepareLibraryFolder(libraryDir: string): void {
  const cannot = (reason: string): LibraryUnavailableError =>
    new LibraryUnavailableError(`Cannot use ${libraryDir} as the library folder: ${reason}`);
  let existing = libraryDir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const real = safeRealpath(existing);
  if (process.platform === 'linux' && PSEUDO_FILESYSTEMS.some((root) => real === root || real.startsWith(`${root}/`))) {
    throw cannot(`${root(real)} is a system pseudo-filesystem, not a place for files`);
  }
  if (!fs.statSync(existing).isDirectory()) throw cannot(`${existing} is a file, not a folder`);
  if (existing === libraryDir) {
    const strangers = fs.readdirSync(libraryDir).filter((name) => !LIBRARY_ENTRY.test(name));
    if (strangers.length > 0 && !fs.existsSync(path.join(libraryDir, DATABASE_FILE))) {
      throw cannot(
        `it already holds other files (${strangers.slice(0, 3).join(', ')}${strangers.length > 3 ? ', …' : ''}): choose a new or empty folder`,
      );
    }
  }
  try {
    fs.mkdirSync(libraryDir, { recursive: true });
  } catch (error) {
    throw new LibraryUnavailableError(`Cannot create library folder ${libraryDir}: ${errorMessage(error)}`, { cause: error });
  }
}

function root(real: string): string {
  return PSEUDO_FILESYSTEMS.find((candidate) => real === candidate || real.startsWith(`${candidate}/`)) ?? real;
}

function safeRealpath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Applies every migration newer than `PRAGMA user_version`, each in its own IMMEDIATE transaction
 * that reads the version again: two processes opening a new library at once (a reader next to an
 * indexer) then apply each migration once, the second one waiting for the first.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): number {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (version() > latest) {
    throw new LibraryUnavailableError(
      `Library database is at schema version ${version()}, newer than this Doppel understands (${latest}): update Doppel`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= version()) continue;
    db.transaction(() => {
      if (migration.version <= version()) return; // another process applied it while this one waited
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return version();
}
