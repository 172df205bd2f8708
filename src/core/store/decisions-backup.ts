import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { errnoCode, errorMessage } from '../errors';
import type { SqliteDatabase } from './library.database';

/**
 * The copy of the user's decisions beside library.db, which photos alone cannot tell again: the
 * folders chosen, "not duplicates" marks, the clean-up journal (what undo puts back) and the settings
 * a user set. Everything else (files, contents, vectors, thumbnails) is rebuilt by indexing again.
 *
 * Two files: `decisions.json`, a snapshot of those tables, and `decisions.log`, one JSON line per
 * change since. Every change reaches the log as it is committed (temporary triggers on this
 * connection call back into JavaScript, so no writer has to know), so a save costs what changed, not
 * what the library ever decided; the log is folded into a new snapshot once it outgrows it. A
 * clean-up killed mid-way has journaled each file before it moved, so its rows are in the log.
 */
export const DECISIONS_FILE = 'decisions.json';
export const DECISIONS_LOG = 'decisions.log';

/** Where damaged databases and backups that could not be used are kept, in the library folder. */
export const DAMAGED_FOLDER = 'damaged';

const FORMAT = 'doppel-decisions';
const VERSION = 2;

/**
 * The log is folded into the snapshot once it is larger than this and than twice the snapshot:
 * each fold rewrites everything, so folding when the log doubled it keeps the work per change
 * constant (all folds of a 65k-file clean-up add up to about twice the final snapshot) and the
 * two files at most about three times the decisions.
 */
const FOLD_AFTER_BYTES = 256 * 1024;
const FOLD_RATIO = 2;
/** How much this process appends between two looks at whether the log is due for folding. */
const FOLD_CHECK_BYTES = 64 * 1024;

export type DecisionTable = 'roots' | 'operations' | 'operation_files' | 'not_duplicates' | 'settings';

interface TableSpec {
  /** Primary key columns. */
  readonly key: readonly string[];
  /** One record of it, in a sentence ("1 folder"). */
  readonly what: string;
}

/** The decision tables, parents before children (the order a restore inserts them in). */
const TABLES: ReadonlyMap<DecisionTable, TableSpec> = new Map<DecisionTable, TableSpec>([
  ['roots', { key: ['id'], what: 'folder' }],
  ['operations', { key: ['id'], what: 'clean-up or mark' }],
  ['operation_files', { key: ['operation_id', 'seq'], what: 'clean-up file entry' }],
  ['not_duplicates', { key: ['hash_a', 'hash_b'], what: '"not duplicates" mark' }],
  ['settings', { key: ['key'], what: 'settings' }],
]);

/** The settings that are decisions (the others say which background work is owed). */
const DECISION_SETTINGS = ['protected-folders', 'model'];
/** Which backup belongs to this database: a save never writes over another library's backup. */
const BACKUP_ID_SETTING = 'decisions-backup-id';
/** Set, in the same transaction, on a database a restore filled: when, and what it skipped. */
export const RESTORED_SETTING = 'restored-from-backup';

type Row = Record<string, unknown>;

/** One change to a decision table, as the log keeps it. */
export type DecisionChange =
  | { readonly table: DecisionTable; readonly op: 'put'; readonly row: Row }
  | { readonly table: DecisionTable; readonly op: 'set'; readonly key: Row; readonly row: Row }
  | { readonly table: DecisionTable; readonly op: 'del'; readonly key: Row };

/** Saved records a restore could not bring back, by kind and reason. */
export interface SkippedDecisions {
  /** What they are: "clean-up file entry", "folder", "decisions.json"… */
  readonly what: string;
  readonly count: number;
  /** Why, e.g. "its clean-up is not in the backup". */
  readonly reason: string;
}

/** What a restore brought back, for the repair notice. */
export interface RestoredDecisions {
  readonly roots: number;
  readonly notDuplicates: number;
  readonly operations: number;
  /** What could not be restored (damaged, orphaned or wrongly typed records), with the reason. */
  readonly skipped: readonly SkippedDecisions[];
}

/** The saved decisions: the snapshot with the log applied, and what could not be read. */
export interface SavedDecisions {
  readonly libraryId: string | null;
  readonly rows: ReadonlyMap<DecisionTable, ReadonlyMap<string, Row>>;
  readonly unreadable: readonly SkippedDecisions[];
}

/** True when the library folder holds a backup of decisions (so it once held a library). */
export function hasDecisions(libraryDir: string): boolean {
  return fs.existsSync(path.join(libraryDir, DECISIONS_FILE)) || fs.existsSync(path.join(libraryDir, DECISIONS_LOG));
}

/** True when the saved decisions hold a folder, a clean-up or a mark (settings alone do not count). */
export function holdsDecisions(saved: SavedDecisions): boolean {
  return (['roots', 'operations', 'not_duplicates'] as const).some((table) => (saved.rows.get(table)?.size ?? 0) > 0);
}

/** Counts skipped records by kind and reason, in the order first met. */
class Skipped {
  readonly #counts = new Map<string, { what: string; reason: string; count: number }>();

  add(what: string, reason: string, count = 1): void {
    const key = `${what}\n${reason}`;
    const entry = this.#counts.get(key);
    if (entry) entry.count += count;
    else this.#counts.set(key, { what, reason, count });
  }

  list(): SkippedDecisions[] {
    return [...this.#counts.values()].map(({ what, count, reason }) => ({ what, count, reason }));
  }
}

/**
 * Reads the saved decisions: the snapshot, then each line of the log applied in order. A record that
 * cannot be read is skipped and counted, never fatal. Null when the folder holds neither file.
 */
export function readDecisions(libraryDir: string): SavedDecisions | null {
  if (!hasDecisions(libraryDir)) return null;
  const rows = new Map<DecisionTable, Map<string, Row>>([...TABLES.keys()].map((table) => [table, new Map<string, Row>()]));
  const skipped = new Skipped();
  const libraryId = readSnapshot(path.join(libraryDir, DECISIONS_FILE), rows, skipped);
  replayLog(path.join(libraryDir, DECISIONS_LOG), rows, skipped);
  return { libraryId, rows, unreadable: skipped.list() };
}

function readSnapshot(file: string, rows: Map<DecisionTable, Map<string, Row>>, skipped: Skipped): string | null {
  const source = path.basename(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    if (errnoCode(error) === 'EISDIR') skipped.add(source, 'it is a folder, not a file');
    else
      skipped.add(source, error instanceof SyntaxError ? `not readable JSON (${error.message})` : `not readable (${errorMessage(error)})`);
    return null;
  }
  if (!isObject(parsed) || parsed.format !== FORMAT || !isObject(parsed.tables)) {
    skipped.add(source, 'not a Doppel decisions file');
    return null;
  }
  const version = parsed.version === VERSION ? VERSION : 1;
  for (const [table, spec] of TABLES) {
    const into = rows.get(table) ?? new Map<string, Row>();
    if (table === 'settings' && version === 1) {
      // Version 1 kept the settings as one object of key → value.
      const settings = parsed.settings;
      if (settings === undefined) continue;
      if (!isObject(settings)) {
        skipped.add(spec.what, `not a list of settings (${describe(settings)})`);
        continue;
      }
      for (const [key, value] of Object.entries(settings)) addRow(table, { key, value }, into, skipped);
      continue;
    }
    const saved = parsed.tables[table];
    if (saved === undefined) continue;
    for (const row of tableRows(saved, version)) {
      if (row === null) skipped.add(spec.what, 'not a record');
      else addRow(table, row, into, skipped);
    }
    if (version === 1 ? !Array.isArray(saved) : !isObject(saved) || !Array.isArray(saved.rows))
      skipped.add(spec.what, `not a list of records (${describe(saved)})`);
  }
  return typeof parsed.libraryId === 'string' ? parsed.libraryId : null;
}

/** The rows of one saved table: objects in version 1, `{ columns, rows: [[…]] }` since; null for one that is neither. */
function tableRows(saved: unknown, version: number): (Row | null)[] {
  if (version === 1) return Array.isArray(saved) ? saved.map((row) => (isObject(row) ? row : null)) : [];
  if (!isObject(saved) || !Array.isArray(saved.rows) || !Array.isArray(saved.columns)) return [];
  const columns = saved.columns.filter((column): column is string => typeof column === 'string');
  return saved.rows.map((values) =>
    Array.isArray(values) && values.length === columns.length ? Object.fromEntries(columns.map((column, i) => [column, values[i]])) : null,
  );
}

function addRow(table: DecisionTable, row: Row, into: Map<string, Row>, skipped: Skipped): void {
  const spec = TABLES.get(table);
  if (!spec) return;
  if (table === 'settings' && !DECISION_SETTINGS.includes(String(row.key))) return;
  const key = keyOf(spec, row);
  if (key === null) skipped.add(spec.what, `its ${spec.key.join(' and ')} ${spec.key.length > 1 ? 'are' : 'is'} missing`);
  else into.set(key, row);
}

function replayLog(file: string, rows: Map<DecisionTable, Map<string, Row>>, skipped: Skipped): void {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    skipped.add(DECISIONS_LOG, errnoCode(error) === 'EISDIR' ? 'it is a folder, not a file' : `not readable (${errorMessage(error)})`);
    return;
  }
  // A change to a record the backup does not hold may be followed by the record itself (a log that
  // outlived the snapshot it was folded into): only what is still unexplained at the end is skipped.
  const unexplained = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let change: unknown;
    try {
      change = JSON.parse(line);
    } catch {
      skipped.add('decisions.log line', 'not readable (cut short by a crash?)');
      continue;
    }
    const table = isObject(change) && typeof change.t === 'string' ? (change.t as DecisionTable) : null;
    const spec = table ? TABLES.get(table) : undefined;
    const into = table ? rows.get(table) : undefined;
    if (!isObject(change) || !table || !spec || !into) {
      skipped.add('decisions.log line', 'not a change Doppel knows');
      continue;
    }
    const row = isObject(change.r) ? change.r : null;
    const key = isObject(change.k) ? keyOf(spec, change.k) : row ? keyOf(spec, row) : null;
    if (key === null) {
      skipped.add('decisions.log line', 'a change to no record');
      continue;
    }
    const where = `${table}\n${key}`;
    if (change.o === 'put' && row) {
      unexplained.delete(where);
      if (table === 'settings' && !DECISION_SETTINGS.includes(String(row.key))) continue;
      into.set(key, row);
    } else if (change.o === 'set' && row) {
      const existing = into.get(key);
      if (existing) into.set(key, { ...existing, ...row });
      else unexplained.set(where, spec.what);
    } else if (change.o === 'del') {
      unexplained.delete(where);
      into.delete(key);
    } else {
      skipped.add('decisions.log line', 'not a change Doppel knows');
    }
  }
  for (const what of unexplained.values()) skipped.add(what, 'a change to a record the backup does not hold');
}

function keyOf(spec: TableSpec, row: Row): string | null {
  const values = spec.key.map((column) => row[column]);
  return values.every((value) => typeof value === 'string' || typeof value === 'number') ? JSON.stringify(values) : null;
}

interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  readonly notnull: number;
  readonly dflt_value: unknown;
  readonly pk: number;
  readonly hidden: number;
}

/** The plain columns of a table (generated and BLOB columns left out: neither is a decision). */
function columnsOf(db: SqliteDatabase, table: DecisionTable): ColumnInfo[] {
  return (db.pragma(`main.table_xinfo(${table})`) as ColumnInfo[]).filter(
    (column) => column.hidden === 0 && !column.type.toUpperCase().includes('BLOB'),
  );
}

/**
 * Puts the saved decisions into a new, empty library database, in one transaction, record by
 * record: a record that is damaged, of the wrong type, or that refers to one the backup does not
 * hold (a clean-up file entry without its clean-up) is skipped and counted with the reason; every
 * other comes back. Only the columns both schemas know are copied, so a backup written by an older
 * Doppel still restores. The database is marked as restored (RESTORED_SETTING) in the same transaction.
 */
export function restoreDecisions(db: SqliteDatabase, saved: SavedDecisions): RestoredDecisions {
  const skipped = new Skipped();
  for (const entry of saved.unreadable) skipped.add(entry.what, entry.reason, entry.count);
  const restored = new Map<DecisionTable, number>();
  db.transaction(() => {
    for (const [table, spec] of TABLES) {
      const columns = columnsOf(db, table);
      const inserts = new Map<string, Database.Statement>();
      for (const row of saved.rows.get(table)?.values() ?? []) {
        const problem = typeProblem(columns, row);
        if (problem) {
          skipped.add(spec.what, problem);
          continue;
        }
        const names = columns.map((column) => column.name).filter((name) => row[name] !== undefined);
        const list = names.map((name) => `"${name}"`).join(', ');
        let insert = inserts.get(list);
        if (!insert) {
          insert = db.prepare(`INSERT INTO main.${table} (${list}) VALUES (${names.map(() => '?').join(', ')})`);
          inserts.set(list, insert);
        }
        try {
          insert.run(...names.map((name) => row[name]));
          restored.set(table, (restored.get(table) ?? 0) + 1);
        } catch (error) {
          const reason = constraintReason(table, error);
          if (reason === null) throw error; // not the record: the disk, the database
          skipped.add(spec.what, reason);
        }
      }
    }
    const setting = db.prepare<[string, string]>('INSERT OR REPLACE INTO main.settings (key, value) VALUES (?, ?)');
    setting.run(BACKUP_ID_SETTING, saved.libraryId ?? randomUUID());
    setting.run(RESTORED_SETTING, JSON.stringify({ at: new Date().toISOString(), skipped: skipped.list() }));
  })();
  return {
    roots: restored.get('roots') ?? 0,
    notDuplicates: restored.get('not_duplicates') ?? 0,
    operations: restored.get('operations') ?? 0,
    skipped: skipped.list(),
  };
}

/** Why a saved value does not fit its column, or null when every one does. */
function typeProblem(columns: readonly ColumnInfo[], row: Row): string | null {
  for (const column of columns) {
    const value = row[column.name];
    if (value === undefined || value === null) {
      const required = column.notnull === 1 && (value === null || column.dflt_value === null);
      if (required || (column.pk > 0 && column.type.toUpperCase() !== 'INTEGER')) return `its ${column.name} is missing`;
      continue;
    }
    const type = column.type.toUpperCase();
    if (type.includes('INT')) {
      if (typeof value !== 'number' || !Number.isInteger(value)) return `its ${column.name} is not a whole number`;
    } else if (type.includes('REAL') || type.includes('FLOA') || type.includes('DOUB')) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `its ${column.name} is not a number`;
    } else if (type.includes('TEXT') || type.includes('CHAR') || type.includes('CLOB')) {
      if (typeof value !== 'string') return `its ${column.name} is not text`;
    } else if (typeof value !== 'string' && typeof value !== 'number') {
      return `its ${column.name} is not a plain value`;
    }
  }
  return null;
}

/** What a refused insert says of the record, or null when the refusal is not about the record. */
function constraintReason(table: DecisionTable, error: unknown): string | null {
  const code = errnoCode(error) ?? '';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    return table === 'operation_files' ? 'its clean-up is not in the backup' : 'a record it refers to is not in the backup';
  if (code === 'SQLITE_CONSTRAINT_CHECK') return `a value is out of range (${errorMessage(error)})`;
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') return `a required value is missing (${errorMessage(error)})`;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'it repeats another record';
  if (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH') return `it does not fit the database (${errorMessage(error)})`;
  return null;
}

/**
 * The backup of one writable connection: installs the triggers that log each change as it is
 * committed, folds the log into a new snapshot when due, and says why when it cannot save (a folder
 * where decisions.json goes, a full disk): never silently.
 */
export class DecisionsBackup {
  readonly #db: SqliteDatabase;
  readonly #libraryDir: string;
  readonly #log: (line: string) => void;
  /** Throws when the library is no longer where it was opened: no change is made then. */
  readonly #guard: () => void;
  readonly #columns = new Map<DecisionTable, string[]>();
  /** Lines of changes made inside the open transaction: written when it commits, dropped when it rolls back. */
  readonly #pending: string[] = [];
  /** A decision setting about to be replaced (key and old value), to log only a real change. */
  #replacing: { key: unknown; value: unknown } | null = null;
  #problem: string | null = null;
  /** A change did not reach the log: the next save writes a whole snapshot. */
  #incomplete = false;
  /** Bytes appended since the last look at whether the log is due for folding. */
  #appendedSinceCheck = 0;
  #libraryId: string;

  private constructor(db: SqliteDatabase, libraryDir: string, log: (line: string) => void, guard: () => void) {
    this.#db = db;
    this.#libraryDir = libraryDir;
    this.#log = log;
    this.#guard = guard;
    this.#libraryId = this.#ownId();
  }

  /**
   * Starts backing up the decisions of a writable connection. `guard` runs before each change is
   * logged and may throw to refuse it (a library folder moved away while open).
   */
  static attach(db: SqliteDatabase, libraryDir: string, options: { log: (line: string) => void; guard?: () => void }): DecisionsBackup {
    const backup = new DecisionsBackup(db, libraryDir, options.log, options.guard ?? (() => {}));
    backup.#install();
    backup.#checkPlace();
    return backup;
  }

  get #snapshotFile(): string {
    return path.join(this.#libraryDir, DECISIONS_FILE);
  }

  get #logFile(): string {
    return path.join(this.#libraryDir, DECISIONS_LOG);
  }

  /** Why decisions cannot be saved right now (said in the log, About and `doppel check`), or null. */
  get problem(): string | null {
    return this.#problem;
  }

  /**
   * Logs changes to decisions: at once outside a transaction, at its commit inside one (and never
   * when it rolls back). The triggers call it for every change; a writer may call it directly.
   */
  append(changes: readonly DecisionChange[]): void {
    const lines = changes.map((change) => `${JSON.stringify(encode(change))}\n`);
    if (this.#db.inTransaction) this.#pending.push(...lines);
    else this.#write(lines.join(''));
  }

  /**
   * Called after each change to a decision: folds the log into a new snapshot when it outgrew it,
   * when a change could not be logged, when saving failed before (trying again, and saying so again
   * if it fails again), or always with `force`. Never throws: the decisions are in the database.
   */
  save(options: { force?: boolean } = {}): void {
    if (!this.#db.inTransaction) this.#flush();
    if (!options.force && this.#problem === null && !this.#incomplete && !this.#due()) return;
    try {
      this.#fold();
      this.#problem = null;
      this.#incomplete = false;
    } catch (error) {
      if (errnoCode(error) === 'SQLITE_BUSY') {
        this.#log('decisions.json: not folded this time, another process is writing the library');
        return;
      }
      this.#fail(`Cannot save your decisions: ${errorMessage(error)}`, { always: true });
    }
  }

  /** Makes the log durable (fsync) before the connection closes. */
  close(): void {
    if (!this.#db.inTransaction) this.#flush();
    try {
      const descriptor = fs.openSync(this.#logFile, 'r');
      try {
        fs.fsyncSync(descriptor);
      } finally {
        fs.closeSync(descriptor);
      }
    } catch {
      // no log yet, or already reported
    }
  }

  #ownId(): string {
    const read = this.#db.prepare<[string], { value: string }>('SELECT value FROM main.settings WHERE key = ?');
    const saved = read.get(BACKUP_ID_SETTING)?.value;
    if (saved) return saved;
    const id = randomUUID();
    try {
      this.#db.prepare('INSERT OR IGNORE INTO main.settings (key, value) VALUES (?, ?)').run(BACKUP_ID_SETTING, id);
    } catch (error) {
      // Another process holds the write lock past the busy timeout: the next session names it.
      this.#log(`decisions backup: cannot name this library's backup yet: ${errorMessage(error)}`);
      return id;
    }
    return read.get(BACKUP_ID_SETTING)?.value ?? id;
  }

  /** Says at once when something stands where the backup files go. */
  #checkPlace(): void {
    try {
      this.#assertFileOrAbsent(this.#snapshotFile);
      this.#assertFileOrAbsent(this.#logFile);
    } catch (error) {
      this.#fail(`Cannot save your decisions: ${errorMessage(error)}`, { always: true });
    }
  }

  #assertFileOrAbsent(file: string): void {
    const stats = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!stats || stats.isFile()) return;
    const kind = stats.isDirectory() ? 'a folder' : 'not a regular file';
    throw new Error(`${file} is ${kind}, not a file: move it out of the library folder so Doppel can save your decisions there`);
  }

  #fail(message: string, options: { always: boolean }): void {
    if (!options.always && message === this.#problem) return;
    this.#problem = message;
    this.#log(message);
  }

  #install(): void {
    const db = this.#db;
    db.function('doppel_decision_changed', { varargs: true, deterministic: false }, (...args: unknown[]) => {
      this.#changed(args);
      return null;
    });
    for (const table of TABLES.keys()) {
      const columns = columnsOf(db, table).map((column) => column.name);
      this.#columns.set(table, columns);
      const values = (row: 'NEW' | 'OLD'): string => columns.map((column) => `${row}."${column}"`).join(', ');
      const only = (row: 'NEW' | 'OLD'): string =>
        table === 'settings' ? ` WHEN ${row}.key IN (${DECISION_SETTINGS.map((key) => `'${key}'`).join(', ')})` : '';
      const trigger = (name: string, when: string, body: string): void => {
        db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS doppel_decisions_${table}_${name} ${when} BEGIN SELECT ${body}; END`);
      };
      if (table === 'settings') {
        // Settings are replaced (INSERT OR REPLACE): the value before says whether anything changed.
        trigger(
          'before_insert',
          `BEFORE INSERT ON main.${table}${only('NEW')}`,
          `doppel_decision_changed('${table}', 'before', NEW.key, (SELECT value FROM main.settings WHERE key = NEW.key))`,
        );
      }
      trigger('insert', `AFTER INSERT ON main.${table}${only('NEW')}`, `doppel_decision_changed('${table}', 'insert', ${values('NEW')})`);
      trigger(
        'update',
        `AFTER UPDATE ON main.${table}${table === 'settings' ? `${only('NEW')} OR OLD.key IN (${DECISION_SETTINGS.map((key) => `'${key}'`).join(', ')})` : ''}`,
        `doppel_decision_changed('${table}', 'update', ${values('OLD')}, ${values('NEW')})`,
      );
      trigger('delete', `AFTER DELETE ON main.${table}${only('OLD')}`, `doppel_decision_changed('${table}', 'delete', ${values('OLD')})`);
    }
    this.#hookTransactions();
  }

  /** One row changed in a decision table (called by the triggers, inside the statement). */
  #changed(args: readonly unknown[]): void {
    this.#guard();
    const [table, kind, ...values] = args as [DecisionTable, string, ...unknown[]];
    const columns = this.#columns.get(table) ?? [];
    const spec = TABLES.get(table);
    if (!spec) return;
    const rowAt = (offset: number): Row => Object.fromEntries(columns.map((column, i) => [column, values[offset + i]]));
    const keyAt = (row: Row): Row => Object.fromEntries(spec.key.map((column) => [column, row[column]]));
    if (kind === 'before') {
      this.#replacing = { key: values[0], value: values[1] };
      return;
    }
    if (kind === 'insert') {
      const row = rowAt(0);
      const replaced = this.#replacing;
      this.#replacing = null;
      if (table === 'settings' && replaced !== null && replaced.key === row.key && replaced.value === row.value) return; // the same value again
      this.append([{ table, op: 'put', row }]);
    } else if (kind === 'update') {
      const before = rowAt(0);
      const after = rowAt(columns.length);
      if (spec.key.some((column) => before[column] !== after[column])) {
        this.append([
          { table, op: 'del', key: keyAt(before) },
          { table, op: 'put', row: after },
        ]);
        return;
      }
      const changed = Object.fromEntries(
        columns.filter((column) => before[column] !== after[column]).map((column) => [column, after[column]]),
      );
      if (Object.keys(changed).length > 0) this.append([{ table, op: 'set', key: keyAt(after), row: changed }]);
    } else if (kind === 'delete') {
      const row = rowAt(0);
      // A REPLACE deletes the row it replaces (when recursive triggers are on): the insert that follows says it.
      if (table === 'settings' && this.#replacing?.key === row.key) return;
      this.append([{ table, op: 'del', key: keyAt(row) }]);
    }
  }

  /**
   * Wraps this connection's `transaction` so that changes logged inside one are written when the
   * outermost commits, and dropped with a rollback (of the transaction, or of a nested savepoint).
   */
  #hookTransactions(): void {
    const db = this.#db;
    const pending = this.#pending;
    const flush = (): void => this.#flush();
    const original = Object.getPrototypeOf(db) as { transaction: SqliteDatabase['transaction'] };
    type Body = (...args: unknown[]) => unknown;
    const hooked = (fn: Body): Database.Transaction<Body> => {
      const inner = original.transaction.call(db, function (this: unknown, ...args: unknown[]) {
        const mark = pending.length;
        try {
          return fn.apply(this, args);
        } catch (error) {
          pending.length = mark;
          throw error;
        }
      });
      const finishing = (run: Body): Body =>
        function (this: unknown, ...args: unknown[]) {
          try {
            const result = run.apply(this, args);
            if (!db.inTransaction) flush();
            return result;
          } catch (error) {
            if (!db.inTransaction) pending.length = 0; // the commit itself failed: nothing was saved
            throw error;
          }
        };
      return Object.assign(finishing(inner), {
        default: finishing(inner.default.bind(inner)),
        deferred: finishing(inner.deferred.bind(inner)),
        immediate: finishing(inner.immediate.bind(inner)),
        exclusive: finishing(inner.exclusive.bind(inner)),
      });
    };
    (db as unknown as { transaction: unknown }).transaction = hooked;
  }

  /**
   * Writes what the committed transaction changed; folds the log into a new snapshot when it has
   * outgrown it, so a long clean-up keeps decisions.log at most about the size of decisions.json.
   */
  #flush(): void {
    if (this.#pending.length === 0) return;
    const text = this.#pending.join('');
    this.#pending.length = 0;
    this.#write(text);
    this.#appendedSinceCheck += text.length;
    if (this.#appendedSinceCheck < FOLD_CHECK_BYTES) return;
    this.#appendedSinceCheck = 0;
    if (this.#due()) this.save();
  }

  /** Appends to the log: one write, opened and closed each time so a log folded by another process is never written past. */
  #write(text: string): void {
    try {
      const descriptor = fs.openSync(this.#logFile, 'a');
      try {
        const bytes = Buffer.from(text);
        let written = 0;
        while (written < bytes.length) written += fs.writeSync(descriptor, bytes, written, bytes.length - written);
      } finally {
        fs.closeSync(descriptor);
      }
    } catch (error) {
      this.#incomplete = true;
      const reason =
        errnoCode(error) === 'EISDIR' ? `${this.#logFile} is a folder, not a file` : `${this.#logFile}: ${errorMessage(error)}`;
      this.#fail(`Cannot save your decisions: ${reason}`, { always: false });
    }
  }

  /** True when the log has grown past FOLD_RATIO times the snapshot (and past FOLD_AFTER_BYTES). */
  #due(): boolean {
    const size = (file: string): number => fs.statSync(file, { throwIfNoEntry: false })?.size ?? -1;
    const snapshot = size(this.#snapshotFile);
    if (snapshot < 0) return true;
    const log = size(this.#logFile);
    return log > FOLD_AFTER_BYTES && log > FOLD_RATIO * snapshot;
  }

  /**
   * Writes a new snapshot of every decision table and empties the log, holding SQLite's write lock
   * meanwhile (BEGIN IMMEDIATE): every table is read at one moment, and no other process can commit,
   * and log, a change the snapshot would miss. A snapshot that is not this database's (unreadable,
   * or another library's) is moved to damaged/, never written over.
   */
  #fold(): void {
    this.#assertFileOrAbsent(this.#snapshotFile);
    this.#assertFileOrAbsent(this.#logFile);
    const db = this.#db;
    const original = Object.getPrototypeOf(db) as { transaction: SqliteDatabase['transaction'] };
    original.transaction
      .call(db, () => {
        const tables: Record<string, { columns: string[]; rows: unknown[][] }> = {};
        for (const table of TABLES.keys()) {
          const columns = this.#columns.get(table) ?? [];
          const where = table === 'settings' ? ` WHERE key IN (${DECISION_SETTINGS.map(() => '?').join(', ')})` : '';
          const select = db.prepare(`SELECT ${columns.map((column) => `"${column}"`).join(', ')} FROM main.${table}${where}`).raw();
          tables[table] = { columns, rows: (table === 'settings' ? select.all(...DECISION_SETTINGS) : select.all()) as unknown[][] };
        }
        const content = JSON.stringify({
          format: FORMAT,
          version: VERSION,
          libraryId: this.#libraryId,
          schemaVersion: db.pragma('user_version', { simple: true }) as number,
          savedAt: new Date().toISOString(),
          tables,
        });
        if (!this.#ownsSnapshot()) this.#keepAside('it is not a backup of this library database');
        writeAtomically(this.#snapshotFile, content);
        if (fs.existsSync(this.#logFile)) fs.truncateSync(this.#logFile, 0);
      })
      .immediate();
  }

  /** True when decisions.json is absent, or a backup this database wrote (or an older Doppel, which named none). */
  #ownsSnapshot(): boolean {
    let head: string;
    try {
      const descriptor = fs.openSync(this.#snapshotFile, 'r');
      try {
        const buffer = Buffer.alloc(512);
        head = buffer.subarray(0, fs.readSync(descriptor, buffer, 0, buffer.length, 0)).toString('utf8');
      } finally {
        fs.closeSync(descriptor);
      }
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return true;
      throw error;
    }
    if (!head.startsWith(`{"format":"${FORMAT}"`)) return false;
    const id = /"libraryId":"([^"]*)"/.exec(head)?.[1];
    return id === undefined ? !head.includes(`"version":${VERSION}`) : id === this.#libraryId;
  }

  /** Moves the backup files to damaged/ before a save replaces them. */
  #keepAside(why: string): void {
    const kept = keepBackupAside(this.#libraryDir);
    if (kept.length > 0) this.#log(`kept the previous decisions backup at ${kept.join(' and ')}: ${why}`);
  }
}

/** Moves decisions.json and decisions.log to damaged/decisions-<time>.*; returns where they went. */
export function keepBackupAside(libraryDir: string): string[] {
  const folder = path.join(libraryDir, DAMAGED_FOLDER);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const kept: string[] = [];
  for (const [name, extension] of [
    [DECISIONS_FILE, 'json'],
    [DECISIONS_LOG, 'log'],
  ] as const) {
    const file = path.join(libraryDir, name);
    if (!fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) continue;
    fs.mkdirSync(folder, { recursive: true });
    const target = path.join(folder, `decisions-${stamp}.${extension}`);
    fs.renameSync(file, target);
    kept.push(target);
  }
  return kept;
}

/** Writes `file` whole or not at all: a temp file, fsync, rename, then the folder fsynced. */
function writeAtomically(file: string, content: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  const descriptor = fs.openSync(temp, 'w');
  try {
    fs.writeFileSync(descriptor, content);
    fs.fsyncSync(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  try {
    const folder = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(folder);
    } finally {
      fs.closeSync(folder);
    }
  } catch {
    // Windows cannot open a folder to fsync it; NTFS orders the rename itself.
  }
}

/**
 * Writes a whole new snapshot of `db`'s decisions now and empties the log (what a backup's save does
 * when due). For tools and tests; an open library saves through its {@link DecisionsBackup}.
 */
export function saveDecisions(db: SqliteDatabase, libraryDir: string): void {
  const backup = DecisionsBackup.attach(db, libraryDir, { log: () => {} });
  backup.save({ force: true });
  if (backup.problem) throw new Error(backup.problem);
}

function encode(change: DecisionChange): Row {
  if (change.op === 'put') return { t: change.table, o: 'put', r: change.row };
  if (change.op === 'set') return { t: change.table, o: 'set', k: change.key, r: change.row };
  return { t: change.table, o: 'del', k: change.key };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
