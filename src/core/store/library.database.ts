import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { ErrorCodes, LibraryUnavailableError, errnoCode, errorMessage, hasErrorCode } from '../errors';
import { MIGRATIONS, type Migration } from './migrations';

// better-sqlite3 reads this once, when its addon first loads (at the first `new Database`): with it,
// a read-only library opens as `file:…?immutable=1` (see openReadOnly). Plain paths are unaffected.
process.env.SQLITE_USE_URI ??= '1';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'library.db';

export interface OpenDatabaseOptions {
  /** The database file; default `library.db` in the library folder (a restore fills a temp file first). */
  readonly file?: string;
  /**
   * Open without writing anything: no migration, no WAL files created. Default: when the library
   * folder or its database cannot be written (a read-only disk, another user's folder).
   */
  readonly readOnly?: boolean;
}

/**
 * Opens (creating if needed) the library's SQLite database in WAL mode and applies pending migrations.
 * Refuses a database written by a newer Doppel rather than guessing at its schema. A library that
 * cannot be written opens read-only (see {@link isLibraryWritable}).
 */
export function openLibraryDatabase(
  libraryDir: string,
  migrations: readonly Migration[] = MIGRATIONS,
  options: OpenDatabaseOptions = {},
): SqliteDatabase {
  const file = options.file ?? path.join(libraryDir, DATABASE_FILE);
  if (options.readOnly ?? !isLibraryWritable(libraryDir)) return openReadOnly(libraryDir, file, migrations);
  prepareLibraryFolder(libraryDir);
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

/** The reason a library is opened read-only, for every refused write: "This library is read-only (…)". */
export function readOnlyMessage(libraryDir: string): string {
  return `This library is read-only (${libraryDir})`;
}

/** What a read-only library's user can do about it. */
export const READ_ONLY_ADVICE =
  'To change it (index, clean up, save a decision), make the folder writable or copy the library to a writable place';

/**
 * True when Doppel may write the library: its folder, and its database when there is one. Asked of
 * the system (access(2)), which also answers for a read-only mount where permissions would not.
 */
export function isLibraryWritable(libraryDir: string): boolean {
  for (const target of [libraryDir, path.join(libraryDir, DATABASE_FILE)]) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return false;
      // Missing (made when first written), or not a folder: the usual open says what is wrong.
    }
  }
  return true;
}

/**
 * Opens an existing database without writing a byte. A WAL database needs its -shm file: where a
 * writer elsewhere keeps one, SQLite reads through it (and sees what that writer committed); where
 * there is none and none can be made (a read-only disk), the file is opened immutable, which is what
 * it is then. Refuses a database this Doppel would have to migrate, which it cannot do here.
 */
function openReadOnly(libraryDir: string, file: string, migrations: readonly Migration[]): SqliteDatabase {
  const readOnly = readOnlyMessage(libraryDir);
  if (!fs.existsSync(file))
    throw new LibraryUnavailableError(`${readOnly} and holds no library database (${file}): there is nothing to read`);
  let db: SqliteDatabase;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('user_version'); // the -shm is opened at the first read, not by the constructor
  } catch (first) {
    try {
      db = new Database(`${pathToFileURL(file).href}?immutable=1`, { readonly: true, fileMustExist: true });
      db.pragma('user_version');
    } catch {
      throw new LibraryUnavailableError(`${readOnly} and its database cannot be read: ${errorMessage(first)}`, { cause: first });
    }
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (version !== latest) {
    db.close();
    throw new LibraryUnavailableError(
      version > latest
        ? `Library database is at schema version ${version}, newer than this Doppel understands (${latest}): update Doppel`
        : `${readOnly} and was last written by an older Doppel (schema version ${version}, this one needs ${latest}): open it once where it can be written`,
    );
  }
  db.pragma('busy_timeout = 5000');
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
  /^(library\.db(-wal|-shm|-journal)?|decisions\.(json|log)|writer\.lock(-journal|\.json)?|thumbs|previews|damaged|vectors-.*|\..*\.tmp|.*\.tmp)$/;

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
