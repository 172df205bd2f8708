import fs from 'node:fs';
import path from 'node:path';
import type { SqliteDatabase } from './library.database';

/** The side file beside library.db: what the user decided, which photos alone cannot tell again. */
export const DECISIONS_FILE = 'decisions.json';

/**
 * The tables that hold decisions: the folders chosen, "not duplicates" marks, the clean-up journal
 * (what undo puts back) and the settings a user set. Everything else (files, contents, vectors,
 * thumbnails) is rebuilt from the photos by indexing again.
 */
const DECISION_TABLES = ['roots', 'not_duplicates', 'operations', 'operation_files'] as const;
const DECISION_SETTINGS = ['protected-folders', 'model'];

interface DecisionsFile {
  readonly format: 'doppel-decisions';
  readonly schemaVersion: number;
  readonly savedAt: string;
  readonly tables: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  readonly settings: Readonly<Record<string, string>>;
}

/** What a restore brought back, for the repair notice. */
export interface RestoredDecisions {
  readonly roots: number;
  readonly notDuplicates: number;
  readonly operations: number;
}

/**
 * Writes the decision tables to `decisions.json` in the library folder (a temp file, fsync, then a
 * rename: a crash leaves the previous copy whole). Called after every change to a decision, so a
 * damaged or lost library.db gets them back.
 */
export function saveDecisions(db: SqliteDatabase, libraryDir: string): void {
  const tables: Record<string, Record<string, unknown>[]> = {};
  for (const table of DECISION_TABLES) tables[table] = db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
  const settings: Record<string, string> = {};
  const readSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  for (const key of DECISION_SETTINGS) {
    const value = readSetting.get(key)?.value;
    if (value !== undefined) settings[key] = value;
  }
  const content: DecisionsFile = {
    format: 'doppel-decisions',
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    savedAt: new Date().toISOString(),
    tables,
    settings,
  };
  const file = path.join(libraryDir, DECISIONS_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const descriptor = fs.openSync(temp, 'w');
  try {
    fs.writeFileSync(descriptor, JSON.stringify(content));
    fs.fsyncSync(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
  fs.renameSync(temp, file);
}

/** True when the library folder holds a decisions file (so it once held a library). */
export function hasDecisions(libraryDir: string): boolean {
  return fs.existsSync(path.join(libraryDir, DECISIONS_FILE));
}

/**
 * Puts the saved decisions into a new, empty library database. Only the columns both schemas know
 * are copied, so a file saved by an older Doppel still restores. Null when there is no usable file.
 */
export function restoreDecisions(db: SqliteDatabase, libraryDir: string, log: (line: string) => void): RestoredDecisions | null {
  let saved: DecisionsFile;
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(libraryDir, DECISIONS_FILE), 'utf8')) as Partial<DecisionsFile> | null;
    if (parsed?.format !== 'doppel-decisions' || typeof parsed.tables !== 'object') throw new Error('not a Doppel decisions file');
    saved = parsed as DecisionsFile;
  } catch (error) {
    log(`cannot restore decisions from ${DECISIONS_FILE}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  db.transaction(() => {
    for (const table of DECISION_TABLES) {
      const rows = saved.tables[table] ?? [];
      const known = new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name));
      const columns = Object.keys(rows[0] ?? {}).filter((column) => known.has(column));
      if (columns.length === 0) continue;
      const insert = db.prepare(`INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      for (const row of rows) insert.run(...columns.map((column) => row[column]));
    }
    const writeSetting = db.prepare<[string, string]>('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
    for (const key of DECISION_SETTINGS) {
      const value = saved.settings[key];
      if (typeof value === 'string') writeSetting.run(key, value);
    }
  })();
  return {
    roots: saved.tables.roots?.length ?? 0,
    notDuplicates: saved.tables.not_duplicates?.length ?? 0,
    operations: saved.tables.operations?.length ?? 0,
  };
}
