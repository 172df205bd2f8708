/**
 * The damage check of an open library, off the main thread. SQLite's quick_check reads every page of
 * the file (13 s for the 5.8 GB database of 1M photos), so it runs in a worker thread on a read-only
 * connection of its own while the library already answers reads; writes wait for its verdict (the
 * facade's `#mutate`). A damaged verdict is noted in the library folder: the next open checks before
 * answering and rebuilds the database, as an open always did before the check ran in the background.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { errorMessage } from '../errors';
import { DAMAGED_FOLDER } from './decisions-backup';
import { DATABASE_FILE, databaseProblems } from './library.database';

/** Runs SQLite's quick check of a database file; resolves with the problems found, none when sound. */
export type DatabaseCheckRun = (
  file: string,
  options: { readonly readOnly: boolean; readonly signal: AbortSignal },
) => Promise<readonly string[]>;

export type DatabaseVerdict =
  | { readonly state: 'checking'; readonly since: number }
  | { readonly state: 'sound' }
  | { readonly state: 'damaged'; readonly damage: string };

/** The background check of one open library and its verdict. */
export class DatabaseCheck {
  #verdict: DatabaseVerdict;
  readonly #done: Promise<void>;
  readonly #stopping = new AbortController();

  private constructor(verdict: DatabaseVerdict, work: (check: DatabaseCheck) => Promise<void>) {
    this.#verdict = verdict;
    this.#done = work(this);
  }

  /** A check that already passed (run before answering, as `doppel check` does). */
  static passed(): DatabaseCheck {
    return new DatabaseCheck({ state: 'sound' }, async () => {});
  }

  /** Starts checking `file`; `onDamaged` is told the damage once, when the verdict says so. */
  static start(
    file: string,
    options: { readonly readOnly: boolean; readonly run?: DatabaseCheckRun; readonly onDamaged?: (damage: string) => void },
  ): DatabaseCheck {
    const run = options.run ?? workerQuickCheck;
    return new DatabaseCheck({ state: 'checking', since: Date.now() }, async (check) => {
      let damage: string | null;
      try {
        const problems = await run(file, { readOnly: options.readOnly, signal: check.#stopping.signal });
        damage = problems.length === 0 ? null : `${DATABASE_FILE} failed SQLite's quick check: ${problemsOnOneLine(problems)}`;
      } catch (error) {
        if (check.#stopping.signal.aborted) return; // closed meanwhile: no verdict is wanted
        // Unreadable pages, or a check that could not run: either way nothing vouches for the file.
        damage = `${DATABASE_FILE} could not be checked: ${errorMessage(error)}`;
      }
      if (check.#stopping.signal.aborted) return;
      check.#verdict = damage === null ? { state: 'sound' } : { state: 'damaged', damage };
      if (damage !== null) options.onDamaged?.(damage);
    });
  }

  get verdict(): DatabaseVerdict {
    return this.#verdict;
  }

  /** The verdict once it is in, or as it stands after `waitMs` or when `signal` aborts. Never rejects. */
  async settled(waitMs = Infinity, signal?: AbortSignal): Promise<DatabaseVerdict> {
    if (this.#verdict.state !== 'checking') return this.#verdict;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const wakeUps: Promise<void>[] = [this.#done.catch(() => {})];
    if (Number.isFinite(waitMs)) wakeUps.push(new Promise((resolve) => (timer = setTimeout(resolve, waitMs))));
    if (signal) wakeUps.push(new Promise((resolve) => signal.addEventListener('abort', (onAbort = () => resolve()), { once: true })));
    try {
      await Promise.race(wakeUps);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
    return this.#verdict;
  }

  /** Stops the check (the library is closing); its verdict stays `checking`. */
  stop(): void {
    this.#stopping.abort();
  }
}

/** "The library database is damaged (…)", for a write it refuses and for About. */
export function damagedMessage(damage: string): string {
  return `The library database is damaged (${damage})`;
}

/** What to do about a damaged database the background check found (the next open rebuilds it). */
export const DAMAGED_ADVICE = 'Doppel reads it as it is; open the library again to rebuild it from its backup';

export function damagedRefusal(damage: string, refusal: string): string {
  return `${damagedMessage(damage)}: cannot ${refusal}. ${DAMAGED_ADVICE}`;
}

/** SQLite's problems on one line (it lists a damaged tree over several), the first three. */
export function problemsOnOneLine(problems: readonly string[]): string {
  return problems
    .slice(0, 3)
    .map((problem) => problem.replace(/\s+/g, ' ').trim())
    .join('; ');
}

const DAMAGE_NOTE = 'database-check.json';

/** Remembers a damaged verdict for the next open, which then checks (and rebuilds) before answering. */
export function noteDamage(libraryDir: string, damage: string): void {
  fs.mkdirSync(path.join(libraryDir, DAMAGED_FOLDER), { recursive: true });
  fs.writeFileSync(path.join(libraryDir, DAMAGED_FOLDER, DAMAGE_NOTE), `${JSON.stringify({ damage, at: new Date().toISOString() })}\n`);
}

export function hasDamageNote(libraryDir: string): boolean {
  return fs.existsSync(path.join(libraryDir, DAMAGED_FOLDER, DAMAGE_NOTE));
}

export function clearDamageNote(libraryDir: string): void {
  fs.rmSync(path.join(libraryDir, DAMAGED_FOLDER, DAMAGE_NOTE), { force: true });
}

/**
 * The worker's code, evaluated rather than built: it needs only better-sqlite3, whose path is passed
 * in, so no bundler entry is needed. A read-only library's file opens as the facade's did: through a
 * writer's -shm when there is one, else immutable.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
let db;
try {
  try {
    db = new Database(workerData.file, { readonly: true, fileMustExist: true });
    db.pragma('user_version');
  } catch (first) {
    if (!workerData.immutable) throw first;
    db = new Database(workerData.immutable, { readonly: true, fileMustExist: true });
  }
  db.pragma('busy_timeout = 5000');
  const rows = db.pragma('quick_check(20)');
  parentPort.postMessage({ lines: rows.map((row) => String(Object.values(row)[0])) });
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message), code: error && error.code });
} finally {
  if (db) db.close();
}
`;

/**
 * The quick check in a worker thread. Stopping it terminates the worker, which ends once SQLite's
 * current call returns (a native call cannot be interrupted). When no worker can start, the check
 * runs on this thread, blocking it, rather than not at all.
 */
export const workerQuickCheck: DatabaseCheckRun = (file, { readOnly, signal }) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const immutable = readOnly ? `${pathToFileURL(file).href}?immutable=1` : null;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sqlite, file, immutable } });
    worker.unref(); // a check in progress never keeps the process alive
    let answered = false;
    const stop = (): void => {
      answered = true;
      void worker.terminate().catch(() => {});
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', stop, { once: true });
    worker.on('message', (message: { lines?: string[]; error?: string; code?: string }) => {
      answered = true;
      signal.removeEventListener('abort', stop);
      if (message.lines) resolve(message.lines.length === 1 && message.lines[0] === 'ok' ? [] : message.lines);
      else reject(Object.assign(new Error(message.error ?? 'unknown error'), { code: message.code }));
    });
    worker.on('error', () => {
      if (answered) return;
      answered = true;
      signal.removeEventListener('abort', stop);
      try {
        resolve(inlineQuickCheck(file));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    worker.on('exit', (code) => {
      if (answered) return;
      answered = true;
      signal.removeEventListener('abort', stop);
      reject(new Error(`the checking worker stopped (exit code ${code})`));
    });
  });

function inlineQuickCheck(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return databaseProblems(db, 'quick');
  } finally {
    db.close();
  }
}
