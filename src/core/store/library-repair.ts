import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LibraryUnavailableError, errorMessage } from '../errors';
import {
  DAMAGED_FOLDER,
  DecisionsBackup,
  RESTORED_SETTING,
  hasDecisions,
  holdsDecisions,
  keepBackupAside,
  readDecisions,
  restoreDecisions,
  type RestoredDecisions,
  type SavedDecisions,
} from './decisions-backup';
import { DatabaseCheck, clearDamageNote, hasDamageNote, noteDamage, problemsOnOneLine, type DatabaseCheckRun } from './database-check';
import { LibraryPlace } from './library-place';
import {
  DATABASE_FILE,
  databaseProblems,
  isLibraryWritable,
  openLibraryDatabase,
  prepareLibraryFolder,
  readOnlyMessage,
  type SqliteDatabase,
} from './library.database';
import { MIGRATIONS } from './migrations';
import { LibraryBusyError, WriterLock, busyMessage } from './writer-lock';

export { DAMAGED_FOLDER } from './decisions-backup';

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
  /** The decisions backup of a writable library; null when it is read-only. */
  readonly backup: DecisionsBackup | null;
  /** Why nothing may be written ("This library is read-only (…)"), or null when the library is writable. */
  readonly readOnly: string | null;
  /** Where the library lies: every call checks it is still there. */
  readonly place: LibraryPlace;
  /** SQLite's check of the file, in the background when it was not run before opening. */
  readonly check: DatabaseCheck;
}

export interface CheckOptions {
  /**
   * `quick`: SQLite's quick check in the background while the library answers reads (before
   * answering when the last one found damage); `full`: the integrity check, before answering.
   */
  readonly check: 'quick' | 'full';
  readonly log: (line: string) => void;
  /** Runs the background check (default: a worker thread); tests slow it down or fail it. */
  readonly runCheck?: DatabaseCheckRun;
}

/**
 * Opens the library database after checking it: the cheap checks (the file is there, not emptied,
 * its header and schema read) before answering, SQLite's own check in the background (see
 * {@link DatabaseCheck}), or before answering for `full` (`doppel check`) and after a damaged verdict.
 * A damaged file — unreadable, failing the check, emptied, gone, or holding none of the decisions
 * decisions.json has — is never silently replaced: it is kept under `damaged/`, a new database gets
 * the saved decisions back (folders, "not duplicates", the clean-up journal, reference folders), and
 * the repair is returned for the caller to report. The photos rebuild the rest on the next index.
 * A library that cannot be written opens read-only, checked but never repaired.
 */
export function openCheckedLibrary(libraryDir: string, options: CheckOptions): OpenedLibrary {
  if (!isLibraryWritable(libraryDir)) return openReadOnlyLibrary(libraryDir, options);
  prepareLibraryFolder(libraryDir);
  // Checked before answering: for `doppel check`, after a damaged verdict, and before a migration
  // writes into the file (once per upgrade).
  const checkNow = options.check === 'full' || hasDamageNote(libraryDir) || migrationPending(libraryDir);
  const damage = findDamage(libraryDir, checkNow ? options.check : null);
  if (damage === null) {
    if (checkNow) clearDamageNote(libraryDir);
    const check = checkNow
      ? DatabaseCheck.passed()
      : DatabaseCheck.start(path.join(libraryDir, DATABASE_FILE), {
          readOnly: false,
          ...(options.runCheck ? { run: options.runCheck } : {}),
          onDamaged: (found) => {
            options.log(`library database damaged: ${found}`);
            noteDamage(libraryDir, found);
          },
        });
    try {
      return withBackup(libraryDir, openLibraryDatabase(libraryDir), null, options.log, check);
    } catch (error) {
      check.stop();
      // Pages the cheap checks did not read (the backup reads its settings): the full check decides.
      if (checkNow || !isDamageError(error)) throw error;
      noteDamage(libraryDir, `${DATABASE_FILE} cannot be read: ${errorMessage(error)}`);
      return openCheckedLibrary(libraryDir, options);
    }
  }

  options.log(`library database damaged: ${damage}`);
  // Replacing the file under another process would pull it from under its feet.
  const lock = WriterLock.tryAcquire(libraryDir, 'repairing the library');
  if (!lock)
    throw new LibraryBusyError(
      `The library database is damaged (${damage}). ${busyMessage(libraryDir, WriterLock.holder(libraryDir))}, then open it again to repair it`,
    );
  try {
    const keptAt = setAside(libraryDir);
    const saved = readDecisions(libraryDir);
    const restored = saved ? restoreInto(libraryDir, saved) : null;
    if (restored && restored.skipped.length > 0) {
      // The next save writes what came back: what did not stays where the user can find it.
      const kept = keepBackupAside(libraryDir);
      if (kept.length > 0) options.log(`kept the decisions backup that could not be restored whole at ${kept.join(' and ')}`);
    }
    const opened = withBackup(
      libraryDir,
      openLibraryDatabase(libraryDir),
      { damage, keptAt, restored },
      options.log,
      DatabaseCheck.passed(),
    );
    clearDamageNote(libraryDir);
    return opened;
  } finally {
    lock.release();
  }
}

function withBackup(
  libraryDir: string,
  db: SqliteDatabase,
  repair: LibraryRepair | null,
  log: (line: string) => void,
  check: DatabaseCheck,
): OpenedLibrary {
  const place = new LibraryPlace(libraryDir);
  const backup = DecisionsBackup.attach(db, libraryDir, { log, guard: () => place.assertInPlace({ unlessCheckedWithinMs: 50 }) });
  return { db, repair, backup, readOnly: null, place, check };
}

/**
 * A library Doppel may not write: opened read-only and checked (in the background unless `full`);
 * damage is reported, not repaired.
 */
function openReadOnlyLibrary(libraryDir: string, options: CheckOptions): OpenedLibrary {
  const readOnly = readOnlyMessage(libraryDir);
  const db = openLibraryDatabase(libraryDir, MIGRATIONS, { readOnly: true });
  const place = new LibraryPlace(libraryDir);
  if (options.check === 'quick') {
    const file = path.join(libraryDir, DATABASE_FILE);
    const check = DatabaseCheck.start(file, {
      readOnly: true,
      ...(options.runCheck ? { run: options.runCheck } : {}),
      onDamaged: (found) => options.log(`library database damaged: ${found}`),
    });
    return { db, repair: null, backup: null, readOnly, place, check };
  }
  const problems = databaseProblems(db, options.check);
  if (problems.length > 0) {
    db.close();
    throw new LibraryUnavailableError(
      `${readOnly} and its database failed SQLite's integrity check (${problemsOnOneLine(problems)}): it cannot be repaired here`,
    );
  }
  return { db, repair: null, backup: null, readOnly, place, check: DatabaseCheck.passed() };
}

/**
 * Fills a new database with the saved decisions in a temp file, renamed into place only once the
 * restore committed: a restore that fails leaves no library.db, so the next open tries again rather
 * than taking an empty database for the library.
 */
function restoreInto(libraryDir: string, saved: SavedDecisions): RestoredDecisions {
  const file = path.join(libraryDir, DATABASE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const removeTemp = (): void => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(temp + suffix, { force: true });
  };
  removeTemp();
  let restored: RestoredDecisions;
  try {
    const db = openLibraryDatabase(libraryDir, MIGRATIONS, { file: temp, readOnly: false });
    try {
      restored = restoreDecisions(db, saved);
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    fs.renameSync(temp, file);
  } catch (error) {
    removeTemp();
    throw error;
  }
  removeTemp(); // its -wal and -shm, emptied by the checkpoint
  return restored;
}

/**
 * Why the database cannot be used as it is, or null when it is sound (or new). With `check` null,
 * only what costs little whatever the size: SQLite's check is left to the background.
 */
function findDamage(libraryDir: string, check: 'quick' | 'full' | null): string | null {
  const file = path.join(libraryDir, DATABASE_FILE);
  const saved = hasDecisions(libraryDir);
  if (!fs.existsSync(file)) return saved ? `${DATABASE_FILE} is missing` : null;
  // SQLite reads an empty file as a new database: with decisions saved, it was a library once.
  if (fs.statSync(file).size === 0 && saved) return `${DATABASE_FILE} is empty (0 bytes)`;
  let db: SqliteDatabase | null = null;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 5000 });
    // The header and the schema: a file that is not a database, or whose first page is gone.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    const problems = check ? databaseProblems(db, check) : [];
    if (problems.length > 0)
      return `${DATABASE_FILE} failed SQLite's ${check === 'quick' ? 'quick' : 'integrity'} check: ${problemsOnOneLine(problems)}`;
    // A sound but empty database beside saved decisions is not a new library: a restore that failed
    // half-way (before restores went through a temp file) or a copy from elsewhere left it.
    if (saved && holdsNothing(db)) {
      const backup = readDecisions(libraryDir);
      if (backup && holdsDecisions(backup)) return `${DATABASE_FILE} holds none of the decisions saved in decisions.json`;
    }
    return null;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return `${DATABASE_FILE} cannot be read: ${errorMessage(error)}`;
    throw error; // locked, permissions…: not damage, the usual open reports it
  } finally {
    db?.close();
  }
}

/** True when a migration would write into the existing database on this open. */
function migrationPending(libraryDir: string): boolean {
  const file = path.join(libraryDir, DATABASE_FILE);
  if (!fs.existsSync(file)) return false;
  let db: SqliteDatabase | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return (db.pragma('user_version', { simple: true }) as number) < (MIGRATIONS.at(-1)?.version ?? 0);
  } catch {
    return true; // unreadable: checked before answering, which says why
  } finally {
    db?.close();
  }
}

/** SQLite's word for a file that is not a database or whose pages do not hold together, here or in a cause. */
function isDamageError(error: unknown): boolean {
  for (let cause = error; typeof cause === 'object' && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return true;
  }
  return false;
}

/** True when the database holds no folder, clean-up or mark, and was not filled by a restore. */
function holdsNothing(db: SqliteDatabase): boolean {
  try {
    const any = (sql: string): boolean => db.prepare(sql).get() !== undefined;
    return !(
      any('SELECT 1 FROM roots LIMIT 1') ||
      any('SELECT 1 FROM operations LIMIT 1') ||
      any('SELECT 1 FROM not_duplicates LIMIT 1') ||
      any(`SELECT 1 FROM settings WHERE key = '${RESTORED_SETTING}'`)
    );
  } catch {
    return false; // an older schema without these tables: its own migrations come first
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

/** What the user is told after a damaged database was rebuilt: what happened, what came back, what to do. */
export function repairNotice(repair: LibraryRepair, roots: readonly string[]): string {
  const kept = repair.keptAt ? ` A copy of the damaged file is kept at ${repair.keptAt}.` : '';
  const restored = repair.restored
    ? ` Your decisions came back from decisions.json: ${repair.restored.roots} folder(s), ${repair.restored.notDuplicates} "not duplicates" mark(s), ${repair.restored.operations} clean-up(s) you can still undo.${skippedNotice(repair.restored.skipped)}`
    : ' No saved decisions were found to restore.';
  const next = roots.length > 0 ? ` Index again to read your photos back: doppel index ${roots.map(quoteArgument).join(' ')}` : '';
  return `The library database was damaged (${repair.damage}) and has been rebuilt.${kept}${restored}${next}`;
}

/** The saved records a restore skipped, by kind and reason; empty when it brought back every one. */
function skippedNotice(skipped: RestoredDecisions['skipped']): string {
  if (skipped.length === 0) return '';
  const total = skipped.reduce((sum, entry) => sum + entry.count, 0);
  const list = skipped.map((entry) => `${entry.count} ${entry.what} (${entry.reason})`).join('; ');
  return ` ${total} saved record(s) could not be restored: ${list}. The backup as it was is kept in the damaged folder.`;
}

/** A folder as the shell takes it, for the command the notice suggests. */
function quoteArgument(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
