import type { SqliteDatabase } from './store/library.database';

/**
 * What a write changed, so that exactly the caches depending on it are dropped: `files` (photos
 * came, went or changed: groups and near pairs), `folders` (a folder left: the vector index's live
 * set too), `decisions` and `nothing` (the review keys its answers by the decisions it applied).
 */
export type LibraryChange = 'files' | 'folders' | 'decisions' | 'nothing';

interface Invalidated {
  invalidate(): void;
  /** Only these files changed: a cache that keeps something per file drops theirs only. */
  forget?(filePaths: readonly string[]): void;
}

/**
 * What this process keeps in memory about the library (near-duplicate pairs, byte and pixel
 * groups, the reviewed groups, the loaded vector index and its id map) and when it is stale: after
 * a write of its own, by what it changed, and whenever another process committed (SQLite's
 * `data_version` moves then), so a `doppel index` next to `doppel serve` is seen without a restart.
 */
export class LibraryCaches {
  readonly #db: SqliteDatabase;
  readonly #groups: readonly Invalidated[];
  readonly #vectors: { reload(): void } | null;
  #dataVersion: number;
  #version = 0;

  constructor(db: SqliteDatabase, groups: readonly Invalidated[], vectors: { reload(): void } | null) {
    this.#db = db;
    this.#groups = groups;
    this.#vectors = vectors;
    this.#dataVersion = dataVersionOf(db);
  }

  /** Drops everything when another process committed since the caches were filled. */
  refresh(): void {
    const version = dataVersionOf(this.#db);
    if (version === this.#dataVersion) return;
    this.#dataVersion = version;
    this.changed('folders');
  }

  /** Bumped by every change seen (see `Doppel.libraryVersion`). */
  get version(): number {
    return this.#version;
  }

  /** `files`: the files a `files` change touched, when the write knows them (a clean-up, an undo). */
  changed(change: LibraryChange, files?: readonly string[]): void {
    this.#version += 1;
    if (change === 'files' || change === 'folders') {
      for (const cache of this.#groups) {
        if (change === 'files' && files && cache.forget) cache.forget(files);
        else cache.invalidate();
      }
    }
    if (change === 'folders') this.#vectors?.reload();
  }
}

function dataVersionOf(db: SqliteDatabase): number {
  return db.pragma('data_version', { simple: true }) as number;
}
