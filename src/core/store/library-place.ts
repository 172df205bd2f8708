import fs from 'node:fs';
import path from 'node:path';
import { LibraryUnavailableError } from '../errors';
import { DATABASE_FILE } from './library.database';

/**
 * Where an open library lies: its folder and its database file, by device and inode. An open SQLite
 * connection follows its file wherever it is moved, and the thumbnails and vector index are written
 * by path: a library folder moved, deleted or replaced under a running process would split in two.
 * Each call into the library asks {@link assertInPlace} first; once it failed, it fails for good.
 */
export class LibraryPlace {
  readonly #folder: string;
  readonly #file: string;
  readonly #folderId: string | null;
  readonly #fileId: string | null;
  #gone: string | null = null;
  #checkedAt = 0;

  constructor(libraryDir: string) {
    this.#folder = libraryDir;
    this.#file = path.join(libraryDir, DATABASE_FILE);
    this.#folderId = identity(this.#folder);
    this.#fileId = identity(this.#file);
  }

  /**
   * Throws a library_unavailable error when the folder or its database is no longer the one opened.
   * `unlessCheckedWithinMs`: trust a check that passed this recently (the per-row check of a long
   * clean-up, where two stat calls per row would cost more than the row).
   */
  assertInPlace(options: { unlessCheckedWithinMs?: number } = {}): void {
    const now = Date.now();
    if (this.#gone === null && options.unlessCheckedWithinMs !== undefined && now - this.#checkedAt < options.unlessCheckedWithinMs) return;
    this.#gone ??= this.#change();
    if (this.#gone !== null) throw new LibraryUnavailableError(this.#gone);
    this.#checkedAt = now;
  }

  /** True while the folder and its database are the ones opened (checked now). */
  isInPlace(): boolean {
    this.#gone ??= this.#change();
    return this.#gone === null;
  }

  /**
   * A signal that aborts when the library is found moved or deleted (looked at twice a second), or
   * when `signal` does: a long run stops instead of writing into a folder that is not there. `stop`
   * ends the looking.
   */
  watch(signal?: AbortSignal): { readonly signal: AbortSignal; stop(): void } {
    const moved = new AbortController();
    const timer = setInterval(() => this.isInPlace() || moved.abort(), 500);
    return { signal: signal ? AbortSignal.any([signal, moved.signal]) : moved.signal, stop: () => clearInterval(timer) };
  }

  /** True once the library was found moved or deleted. */
  get gone(): boolean {
    return this.#gone !== null;
  }

  #change(): string | null {
    const stop = 'nothing more is read from it or written to it. Open the library where it is now (or put it back) to go on';
    if (identity(this.#folder) !== this.#folderId) {
      return `The library folder ${this.#folder} was moved or deleted while Doppel had it open: ${stop}`;
    }
    if (identity(this.#file) !== this.#fileId) {
      return `The library database ${this.#file} was replaced or deleted while Doppel had it open: ${stop}`;
    }
    return null;
  }
}

function identity(file: string): string | null {
  const stats = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  return stats ? `${stats.dev}:${stats.ino}` : null;
}
