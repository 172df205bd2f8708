import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { DuplicatesReport, FindReport, IndexReport, LibraryStats, SimilarReport } from '../shared/types';
import { InvalidArgumentError } from './errors';
import { DuplicatesService, type DuplicatesOptions } from './duplicates/duplicates.service';
import { IndexerService, type IndexOptions } from './indexing/indexer.service';
import { PixelIdentityService } from './indexing/pixel-identity.service';
import { defaultLibraryDir } from './library-paths';
import { FindService } from './similar/find.service';
import { openLibraryDatabase, type SqliteDatabase } from './store/library.database';
import { PhotoRepository } from './store/photo.repository';
import { ThumbnailStore } from './store/thumbnail.store';

export interface OpenOptions {
  /** Library folder (database, thumbnails, vector index); default: the per-user data folder. */
  readonly libraryDir?: string;
  /** One line per notable event (skipped files, fallbacks); silent by default. */
  readonly log?: (line: string) => void;
}

export interface SimilarOptions {
  readonly limit?: number;
}

// Parallelism comes from decoding several photos at once; libvips threads inside one small decode
// only add contention on a 2-core laptop. The operation cache would hold every photo ever opened.
sharp.concurrency(1);
sharp.cache(false);

/**
 * The Doppel engine: one library folder, its index, and the questions users ask of it.
 * Electron-free; the CLI, the desktop app's engine process and the browser bridge all use this.
 */
export class Doppel {
  readonly libraryDir: string;
  readonly #db: SqliteDatabase;
  readonly #photos: PhotoRepository;
  readonly #thumbnails: ThumbnailStore;
  readonly #indexer: IndexerService;
  readonly #duplicates: DuplicatesService;
  readonly #finder: FindService;
  #closed = false;

  private constructor(libraryDir: string, db: SqliteDatabase, log: (line: string) => void) {
    this.libraryDir = libraryDir;
    this.#db = db;
    this.#photos = new PhotoRepository(db);
    this.#thumbnails = new ThumbnailStore(libraryDir);
    this.#indexer = new IndexerService({ photos: this.#photos, thumbnails: this.#thumbnails, libraryDir, consumer: null, log });
    this.#duplicates = new DuplicatesService(this.#photos, null);
    this.#finder = new FindService(this.#photos, new PixelIdentityService(this.#photos, log), null);
  }

  static async open(options: OpenOptions = {}): Promise<Doppel> {
    const libraryDir = path.resolve(options.libraryDir ?? defaultLibraryDir());
    const db = openLibraryDatabase(libraryDir);
    return new Doppel(libraryDir, db, options.log ?? (() => {}));
  }

  /** Indexes (or re-indexes incrementally) the given folders. Bad files are reported, never fatal. */
  async index(roots: readonly string[], options: IndexOptions = {}): Promise<IndexReport> {
    this.#assertOpen();
    if (roots.length === 0) throw new InvalidArgumentError('Nothing to index: give at least one folder');
    for (const root of roots) assertFolder(root);
    return this.#indexer.index(roots, options);
  }

  async duplicates(options: DuplicatesOptions = {}): Promise<DuplicatesReport> {
    this.#assertOpen();
    return this.#duplicates.list(options);
  }

  async find(imagePath: string): Promise<FindReport> {
    this.#assertOpen();
    return this.#finder.find(imagePath);
  }

  async similar(paths: readonly string[], _options: SimilarOptions = {}): Promise<SimilarReport[]> {
    this.#assertOpen();
    return paths.map((query) => ({ query: path.resolve(query), results: [] }));
  }

  stats(): LibraryStats {
    this.#assertOpen();
    const counts = this.#photos.counts();
    return {
      libraryDir: this.libraryDir,
      roots: this.#photos.roots().map((root) => root.path),
      files: counts.files,
      errors: counts.errors,
      bytes: counts.bytes,
      model: null,
      vectors: 0,
    };
  }

  /** Absolute path of the WebP thumbnail of an indexed file, or null when there is none. */
  thumbnailPath(filePath: string): string | null {
    this.#assertOpen();
    const content = this.#photos.contentOfPath(path.resolve(filePath));
    if (!content?.contentHash || content.status !== 'ok') return null;
    return this.#thumbnails.has(content.contentHash) ? this.#thumbnails.pathOf(content.contentHash) : null;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidArgumentError('This library is closed');
  }
}

function assertFolder(root: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new InvalidArgumentError(`Cannot index ${path.resolve(root)}: no such folder`);
  }
  if (!stat.isDirectory()) throw new InvalidArgumentError(`Cannot index ${path.resolve(root)}: not a folder`);
}
