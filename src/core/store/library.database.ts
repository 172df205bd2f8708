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
  try {
    fs.mkdirSync(libraryDir, { recursive: true });
  } catch (error) {
    throw new LibraryUnavailableError(`Cannot create library folder ${libraryDir}: ${errorMessage(error)}`, { cause: error });
  }
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

/** Applies every migration newer than `PRAGMA user_version`, each in its own transaction. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new LibraryUnavailableError(
      `Library database is at schema version ${current}, newer than this Doppel understands (${latest}): update Doppel`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
