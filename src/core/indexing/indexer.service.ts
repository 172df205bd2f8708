import path from 'node:path';
import type { IndexError, IndexProgress, IndexReport } from '../../shared/types';
import { scanRoots, type ScanResult, type ScannedFile } from '../scan/scanner';
import type { PhotoRepository, RootRow, StoredFile } from '../store/photo.repository';
import type { SettingsRepository } from '../store/settings.repository';
import type { ThumbnailStore } from '../store/thumbnail.store';
import { BatchWriter } from './batch-writer';
import { decodeAndWrite } from './decode-pipeline';
import type { DecodedContentConsumer } from './decoded-content-consumer';
import { FileIndexer } from './file-indexer';
import { dateUndatedByFileName } from './file-name-dating';
import { planIndex, type IndexPlan } from './index-plan';
import { IndexRun } from './index-run';
import { PixelIdentityService } from './pixel-identity.service';
import { ProgressReporter } from './progress-reporter';
import { ThumbnailRepairService } from './thumbnail-repair.service';
import { fillCentreHashes } from './centre-hash-backfill';
import { forgetNearPairs } from '../store/near-pair.store';
import { LibraryWriteError, isDiskFull } from '../errors';

export type { DecodedContentConsumer } from './decoded-content-consumer';

export interface IndexOptions {
  readonly excludes?: readonly string[];
  readonly onProgress?: (progress: IndexProgress) => void;
  readonly signal?: AbortSignal;
  /** Files decoded at once; two cores decode, a third overlaps the next read. */
  readonly concurrency?: number;
  /** Minimum time between progress events (phase changes always report); default 100 ms. */
  readonly progressIntervalMs?: number;
}

const BATCH_SIZE = 32;

/**
 * Settings flag: the pixel phase is owed. It outlives the run that set it, so work a crashed or
 * cancelled run left undone is finished by the next run, even one that finds nothing changed.
 */
const PIXEL_HASHES_PENDING = 'pixel-hashes-pending';

/**
 * Indexes root folders into the library: scan (stat only) -> plan (skip unchanged) -> decode and
 * write the new and changed files (see {@link FileIndexer}, {@link BatchWriter}) -> the owed
 * whole-library phases (pixel hashes where cheap signatures collide, vectors) -> report.
 */
export class IndexerService {
  readonly #photos: PhotoRepository;
  readonly #settings: SettingsRepository;
  readonly #thumbnails: ThumbnailStore;
  readonly #libraryDir: string;
  readonly #consumer: DecodedContentConsumer | null;
  readonly #log: (line: string) => void;
  readonly #maxFileBytes: number | undefined;

  constructor(deps: {
    photos: PhotoRepository;
    settings: SettingsRepository;
    thumbnails: ThumbnailStore;
    libraryDir: string;
    consumer: DecodedContentConsumer | null;
    log: (line: string) => void;
    /** Photo files larger than this are refused unread (default: src/shared/limits.ts, photoFileMegabytes). */
    maxFileBytes?: number;
  }) {
    this.#maxFileBytes = deps.maxFileBytes;
    this.#photos = deps.photos;
    this.#settings = deps.settings;
    this.#thumbnails = deps.thumbnails;
    this.#libraryDir = deps.libraryDir;
    this.#consumer = deps.consumer;
    this.#log = deps.log;
  }

  async index(rootPaths: readonly string[], options: IndexOptions = {}): Promise<IndexReport> {
    try {
      return await this.#index(rootPaths, options);
    } catch (error) {
      // SQLite's "database or disk is full" and ENOSPC from any write: the library's disk, said so.
      if (isDiskFull(error)) throw new LibraryWriteError(this.#libraryDir, 'to the library', error);
      throw error;
    }
  }

  async #index(rootPaths: readonly string[], options: IndexOptions): Promise<IndexReport> {
    const run = new IndexRun();
    const progress = new ProgressReporter(options.onProgress, options.progressIntervalMs);
    const { signal } = options;
    const roots = rootPaths.map((rootPath) => this.#photos.upsertRoot(path.resolve(rootPath), options.excludes));

    const scan = await this.#scan(roots, progress, signal);
    if (!scan) return run.report({ scanned: 0, unchanged: 0, signal });
    run.addErrors(scan.problems);

    const plan = this.#plan(roots, scan);
    const changed = plan.work.length > 0 || plan.removedIds.length > 0;
    // Owed before anything is written: a run that dies after saving new contents but before the
    // pixel phase leaves files the next run sees as unchanged, and only this flag brings it back.
    if (changed) this.#settings.set(PIXEL_HASHES_PENDING, '1');
    this.#photos.removeFiles(plan.removedIds);
    run.countRemoved(plan.removedIds.length);
    run.expectMovesFrom(plan.removedContents);
    run.addErrors(this.#unchangedBadFileErrors(plan.unchanged));

    await this.#decodeAndWrite(plan.work, roots, run, progress, options);
    if (!run.cancelled) dateUndatedByFileName(this.#photos, this.#settings, this.#log);
    await this.#runOwedPhases(run, changed, progress, signal);
    progress.start('done', 0);
    return run.report({ scanned: scan.files.length, unchanged: plan.unchanged.length, signal });
  }

  /** Lists the roots (stat only); null when cancelled during the scan. */
  async #scan(roots: readonly RootRow[], progress: ProgressReporter, signal: AbortSignal | undefined): Promise<ScanResult | null> {
    progress.start('scan', 0);
    try {
      return await scanRoots(roots, { skipDirs: [this.#libraryDir], signal, onFound: (n) => progress.setTotal(n) });
    } catch (error) {
      if (signal?.aborted) return null;
      throw error;
    }
  }

  #plan(roots: readonly RootRow[], scan: ScanResult): IndexPlan {
    const stored = new Map<string, StoredFile>();
    for (const root of roots) for (const [filePath, file] of this.#photos.filesOfRoot(root.id)) stored.set(filePath, file);
    return planIndex(stored, scan.files, scan.unreadableDirs);
  }

  /** Bad files that did not change are not read again, but they are still bad: report them too. */
  #unchangedBadFileErrors(unchanged: readonly StoredFile[]): IndexError[] {
    if (!unchanged.some((stored) => stored.status !== 'ok')) return [];
    const unchangedPaths = new Set(unchanged.map((stored) => stored.path));
    return this.#photos.errors().filter((error) => unchangedPaths.has(error.path));
  }

  /** Decodes and writes the new and changed files (see {@link decodeAndWrite}), then drops the vanished ones. */
  async #decodeAndWrite(
    work: readonly ScannedFile[],
    roots: readonly RootRow[],
    run: IndexRun,
    progress: ProgressReporter,
    options: IndexOptions,
  ): Promise<void> {
    progress.start('index', work.length);
    await decodeAndWrite(work, {
      files: new FileIndexer({
        photos: this.#photos,
        thumbnails: this.#thumbnails,
        modelInputSize: this.#consumer?.modelInputSize ?? 0,
        log: this.#log,
        maxFileBytes: this.#maxFileBytes,
      }),
      writer: new BatchWriter({ photos: this.#photos, consumer: this.#consumer, batchSize: BATCH_SIZE }),
      run,
      progress,
      rootIdOf: new Map(roots.map((root) => [root.path, root.id])),
      signal: options.signal,
      concurrency: Math.max(1, options.concurrency ?? 3),
    });
    this.#photos.removeFilesByPath(run.vanishedPaths);
    progress.finish();
  }

  /** The whole-library phases, each run only when owed (an unchanged re-index then costs stat calls only). */
  async #runOwedPhases(run: IndexRun, changed: boolean, progress: ProgressReporter, signal: AbortSignal | undefined): Promise<void> {
    if (!run.cancelled) {
      const thumbnails = new ThumbnailRepairService({
        photos: this.#photos,
        thumbnails: this.#thumbnails,
        log: this.#log,
        maxFileBytes: this.#maxFileBytes,
      });
      await thumbnails.repairAll({ signal, onProgress: (done, total) => reportPhase(progress, 'thumbnails', done, total) });
      // Pictures indexed before the library kept their middles' hashes get them from their thumbnails,
      // once; the saved near pairs were found without them, so the next search finds every pair.
      const filled = await fillCentreHashes({
        photos: this.#photos,
        thumbnails: this.#thumbnails,
        log: this.#log,
        signal,
        onProgress: (done, total) => reportPhase(progress, 'thumbnails', done, total),
      });
      if (filled > 0) forgetNearPairs(this.#libraryDir, this.#log);
    }
    // Owed by this run or by an earlier one that stopped early. A cancelled run leaves it owed.
    if (!run.cancelled && this.#settings.get(PIXEL_HASHES_PENDING) === '1') {
      const pixel = new PixelIdentityService(this.#photos, this.#log, this.#maxFileBytes);
      await pixel.computeMissing({ signal, onProgress: (done, total) => reportPhase(progress, 'pixel', done, total) });
      // computeMissing stops between contents when cancelled, so only a full pass pays the debt.
      if (!signal?.aborted) this.#settings.delete(PIXEL_HASHES_PENDING);
    }
    // The consumer keeps its own record of owed embeddings; it needs to know what this run did.
    if (this.#consumer) {
      const { cancelled } = run;
      await this.#consumer.finish({ cancelled, changed, onProgress: (done, total) => reportPhase(progress, 'vectors', done, total) });
    }
  }
}

function reportPhase(progress: ProgressReporter, phase: 'thumbnails' | 'pixel' | 'vectors', done: number, total: number): void {
  if (done === 0) progress.start(phase, total);
  else progress.tick(undefined, 1);
}
