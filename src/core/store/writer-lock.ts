import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DoppelError, ErrorCodes } from '../errors';

/** The lock file in the library folder, and the note beside it saying who holds it. */
export const WRITER_LOCK_FILE = 'writer.lock';
const HOLDER_FILE = 'writer.lock.json';
/** How often a waiting writer tries again. */
const RETRY_MS = 250;

/** Who holds the lock, as its holder wrote it down (best effort: it may be missing or old). */
export interface WriterHolder {
  readonly pid: number;
  readonly host: string;
  /** What the holder is doing, e.g. "indexing". */
  readonly task: string;
  /** ISO time the holder took the lock. */
  readonly since: string;
}

/** Another process is writing the library (indexing, cleaning up): try again when it finishes. */
export class LibraryBusyError extends DoppelError {
  override readonly name = 'LibraryBusyError' as const;
  constructor(message: string) {
    // job_running: to every door it is "a job is running on this library", whoever runs it.
    super(ErrorCodes.jobRunning, message);
  }
}

/**
 * One writer per library folder, across processes: the holder keeps an exclusive SQLite transaction
 * open on `writer.lock`. SQLite's file locks (fcntl on Unix, LockFileEx on Windows) belong to the
 * process, so the operating system releases them when the holder exits or is killed: a crashed
 * indexer never leaves the library stuck, and there is no timeout to tune (a lock refreshed by a
 * timer, as lock-file libraries do, would look stale while a long synchronous step such as a FAISS
 * rebuild holds the event loop). A second connection in the same process is refused as well.
 *
 * Readers never take it: SQLite's WAL lets them read committed data while the writer works.
 */
export class WriterLock {
  readonly #connection: Database.Database;
  readonly #holderFile: string;
  #released = false;

  private constructor(connection: Database.Database, holderFile: string) {
    this.#connection = connection;
    this.#holderFile = holderFile;
  }

  /** Takes the lock, or returns null at once when another writer holds it. */
  static tryAcquire(libraryDir: string, task: string): WriterLock | null {
    const connection = new Database(path.join(libraryDir, WRITER_LOCK_FILE), { timeout: 0 });
    try {
      connection.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      connection.close();
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') return null;
      throw error;
    }
    const lock = new WriterLock(connection, path.join(libraryDir, HOLDER_FILE));
    lock.#writeHolder(task);
    return lock;
  }

  /**
   * Takes the lock, waiting while another writer holds it when `onWait` is given (called once, with
   * the holder, before the first wait); without it, a busy library is a {@link LibraryBusyError}.
   */
  static async acquire(
    libraryDir: string,
    task: string,
    options: { onWait?: (holder: WriterHolder | null) => void; signal?: AbortSignal } = {},
  ): Promise<WriterLock> {
    let announced = false;
    for (;;) {
      const lock = WriterLock.tryAcquire(libraryDir, task);
      if (lock) return lock;
      const holder = WriterLock.holder(libraryDir);
      if (!options.onWait) throw new LibraryBusyError(busyMessage(libraryDir, holder));
      if (!announced) options.onWait(holder);
      announced = true;
      options.signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  /** The holder's note; null when there is none or it cannot be read. */
  static holder(libraryDir: string): WriterHolder | null {
    try {
      return JSON.parse(fs.readFileSync(path.join(libraryDir, HOLDER_FILE), 'utf8')) as WriterHolder;
    } catch {
      return null;
    }
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#connection.exec('ROLLBACK');
    this.#connection.close();
  }

  #writeHolder(task: string): void {
    const holder: WriterHolder = { pid: process.pid, host: os.hostname(), task, since: new Date().toISOString() };
    try {
      fs.writeFileSync(this.#holderFile, `${JSON.stringify(holder)}\n`);
    } catch {
      // Only the busy message of a second writer reads it; the lock itself holds without it.
    }
  }
}

/** "Another Doppel (process 4242, indexing since 10:31) is writing this library: …". */
export function busyMessage(libraryDir: string, holder: WriterHolder | null): string {
  const who = holder
    ? `Another Doppel (process ${holder.pid}${holder.host === os.hostname() ? '' : ` on ${holder.host}`}, ${holder.task} since ${clock(holder.since)})`
    : 'Another Doppel';
  return `${who} is writing the library at ${libraryDir}: try again when it finishes`;
}

function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

/** A write as the writer lock and its messages know it. */
export interface LibraryWrite {
  /** What the holder is doing, for "Another Doppel (…, indexing since 10:31)": e.g. "indexing". */
  readonly doing: string;
  /** A short write (a decision) that may run inside this process's own longer write (an index job). */
  readonly joins?: boolean;
}

/**
 * This process's side of the writer lock: takes it for a write and gives it back, and lets a short
 * write join a longer one this process already holds it for (the user marks "not duplicates"
 * while the app indexes), since SQLite serializes their commits; any other write waits or is
 * refused as when another process holds it.
 */
export class LibraryWriter {
  readonly #libraryDir: string;
  #held = 0;

  constructor(libraryDir: string) {
    this.#libraryDir = libraryDir;
  }

  async hold<T>(
    write: LibraryWrite,
    options: { readonly onWaitForWriter?: (message: string) => void; readonly signal?: AbortSignal },
    work: () => Promise<T>,
  ): Promise<T> {
    if (write.joins && this.#held > 0) return work();
    const { onWaitForWriter } = options;
    // Taken at once when free, so a short write made right after this one started can join it.
    const lock =
      WriterLock.tryAcquire(this.#libraryDir, write.doing) ??
      (await WriterLock.acquire(this.#libraryDir, write.doing, {
        ...(onWaitForWriter ? { onWait: (holder) => onWaitForWriter(`${busyMessage(this.#libraryDir, holder)}; waiting…`) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }));
    this.#held += 1;
    try {
      return await work();
    } finally {
      this.#held -= 1;
      lock.release();
    }
  }
}
