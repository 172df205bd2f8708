import path from 'node:path';
import type { IndexError, IndexProgress, IndexReport } from '../../shared/types';
import { ErrorCodes, decodeFailureReason, errnoCode, errorMessage, hasErrorCode } from '../errors';
import { contentHashOfAsync } from '../media/content-hash';
import { decodePhoto } from '../media/photo-decoder';
import { scanRoots, type ScannedFile } from '../scan/scanner';
import type { ContentRecord, FileRecord, PhotoRepository, RootRow, StoredFile } from '../store/photo.repository';
import type { SettingsRepository } from '../store/settings.repository';
import type { ThumbnailStore } from '../store/thumbnail.store';
import { PixelIdentityService } from './pixel-identity.service';
import { ProgressReporter } from './progress-reporter';
import { readStableFile } from './read-file';

/** Receives the model input of every newly decoded content, batched (the embedding pipeline). */
export interface DecodedContentConsumer {
  /** Side of the square RGB model input the decoder must produce. */
  readonly modelInputSize: number;
  consume(batch: readonly { readonly contentHash: string; readonly modelInput: Uint8Array }[]): Promise<void>;
  /**
   * Called once after the last batch of a run (e.g. to persist a vector index). `changed` is false
   * when the run found nothing new, changed or removed.
   */
  finish(options: { cancelled: boolean; changed: boolean; onProgress: (done: number, total: number) => void }): Promise<void>;
}

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

type Outcome =
  | { readonly kind: 'indexed'; readonly file: FileRecord; readonly content: ContentRecord | null; readonly modelInput: Uint8Array | null }
  | { readonly kind: 'failed'; readonly file: FileRecord }
  | { readonly kind: 'vanished'; readonly path: string };

/**
 * Indexes root folders into the library: scan (stat only) -> skip unchanged -> read once -> content
 * hash -> known content? (move/rename/copy: no decode) -> one decode -> thumbnail, perceptual hash,
 * model input -> batched writes; then pixel hashes where cheap signatures collide.
 */
export class IndexerService {
  readonly #photos: PhotoRepository;
  readonly #settings: SettingsRepository;
  readonly #thumbnails: ThumbnailStore;
  readonly #libraryDir: string;
  readonly #consumer: DecodedContentConsumer | null;
  readonly #log: (line: string) => void;

  constructor(deps: {
    photos: PhotoRepository;
    settings: SettingsRepository;
    thumbnails: ThumbnailStore;
    libraryDir: string;
    consumer: DecodedContentConsumer | null;
    log: (line: string) => void;
  }) {
    this.#photos = deps.photos;
    this.#settings = deps.settings;
    this.#thumbnails = deps.thumbnails;
    this.#libraryDir = deps.libraryDir;
    this.#consumer = deps.consumer;
    this.#log = deps.log;
  }

  async index(rootPaths: readonly string[], options: IndexOptions = {}): Promise<IndexReport> {
    const startedAt = performance.now();
    const progress = new ProgressReporter(options.onProgress, options.progressIntervalMs);
    const signal = options.signal;
    const roots = rootPaths.map((rootPath) => this.#photos.upsertRoot(path.resolve(rootPath), options.excludes));

    progress.start('scan', 0);
    let scan;
    try {
      scan = await scanRoots(roots, { skipDirs: [this.#libraryDir], signal, onFound: (n) => progress.setTotal(n) });
    } catch (error) {
      if (signal?.aborted) return emptyReport(startedAt, true);
      throw error;
    }
    const errors: IndexError[] = [...scan.problems];

    const { work, unchanged, removedIds } = this.#plan(roots, scan.files, scan.unreadableDirs);
    const changed = work.length > 0 || removedIds.length > 0;
    // Recorded before anything is written, so a crash or cancel leaves the pixel phase owed.
    if (changed) this.#settings.set('pixel-hashes-pending', '1');
    this.#photos.removeFiles(removedIds);
    // Bad files that did not change are not read again, but they are still bad: report them too.
    if (unchanged.some((stored) => stored.status !== 'ok')) {
      const unchangedPaths = new Set(unchanged.map((stored) => stored.path));
      errors.push(...this.#photos.errors().filter((error) => unchangedPaths.has(error.path)));
    }

    const counters = { indexed: 0, moved: 0, decoded: 0, removed: removedIds.length };
    progress.start('index', work.length);
    const rootIdOf = new Map(roots.map((root) => [root.path, root.id]));
    const decodes = new DecodeRegistry();
    const vanished: string[] = []; // deleted between the scan and the read
    let pending: Exclude<Outcome, { kind: 'vanished' }>[] = [];
    let flushing: Promise<void> = Promise.resolve();
    let queuedFlushes = 0;
    const queueFlush = (): void => {
      queuedFlushes += 1;
      flushing = flushing.then(flush).finally(() => {
        queuedFlushes -= 1;
      });
    };

    const flush = async (): Promise<void> => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      const contents: ContentRecord[] = [];
      const files: FileRecord[] = [];
      const modelInputs: { contentHash: string; modelInput: Uint8Array }[] = [];
      for (const outcome of batch) {
        files.push(outcome.file);
        if (outcome.kind === 'indexed' && outcome.content) {
          contents.push(outcome.content);
          if (outcome.modelInput) modelInputs.push({ contentHash: outcome.content.hash, modelInput: outcome.modelInput });
        }
      }
      this.#photos.saveBatch(contents, files);
      if (this.#consumer && modelInputs.length > 0) await this.#consumer.consume(modelInputs);
    };

    const processFile = async (file: ScannedFile): Promise<void> => {
      const outcome = await this.#processFile(file, rootIdOf.get(file.rootPath) ?? 0, decodes);
      progress.tick(file.path);
      if (outcome.kind === 'vanished') {
        counters.removed += 1;
        vanished.push(outcome.path);
        return;
      }
      counters.indexed += 1;
      if (outcome.kind === 'failed') {
        errors.push({ path: outcome.file.path, reason: outcome.file.error ?? 'unknown error' });
      } else if (outcome.content) {
        counters.decoded += 1;
      } else {
        counters.moved += 1;
      }
      pending.push(outcome);
      if (pending.length >= BATCH_SIZE) queueFlush();
    };

    let cancelled = false;
    let next = 0;
    const concurrency = Math.max(1, options.concurrency ?? 3);
    const worker = async (): Promise<void> => {
      while (next < work.length) {
        if (signal?.aborted) {
          cancelled = true;
          return;
        }
        const file = work[next++]!;
        await processFile(file);
        // Back-pressure: decoding goes on while one batch is embedded and written, but never runs
        // more than one batch ahead of the writer/embedder.
        if (queuedFlushes > 1) await flushing;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    queueFlush();
    await flushing;
    this.#photos.removeFilesByPath(vanished);
    progress.finish();

    // An unchanged library skips both whole-library phases (the re-index then costs stat calls only).
    if (!cancelled && this.#settings.get('pixel-hashes-pending') === '1') {
      const pixel = new PixelIdentityService(this.#photos, this.#log);
      await pixel.computeMissing({ signal, onProgress: (done, total) => reportPhase(progress, 'pixel', done, total) });
      if (!signal?.aborted) this.#settings.delete('pixel-hashes-pending');
    }
    if (this.#consumer) {
      await this.#consumer.finish({ cancelled, changed, onProgress: (done, total) => reportPhase(progress, 'vectors', done, total) });
    }
    progress.start('done', 0);

    return {
      scanned: scan.files.length,
      indexed: counters.indexed,
      unchanged: unchanged.length,
      removed: counters.removed,
      moved: counters.moved,
      decoded: counters.decoded,
      errors,
      cancelled: cancelled || Boolean(signal?.aborted),
      seconds: round((performance.now() - startedAt) / 1000),
    };
  }

  /** Splits what the scan found into work and unchanged files, and finds the files that are gone. */
  #plan(roots: readonly RootRow[], found: readonly ScannedFile[], unreadableDirs: readonly string[]) {
    const stored = new Map<string, StoredFile>();
    for (const root of roots) for (const [filePath, file] of this.#photos.filesOfRoot(root.id)) stored.set(filePath, file);
    const work: ScannedFile[] = [];
    const unchanged: StoredFile[] = [];
    const seen = new Set<string>();
    for (const file of found) {
      seen.add(file.path);
      const known = stored.get(file.path);
      if (known && known.size === file.size && known.mtimeMs === file.mtimeMs) unchanged.push(known);
      else work.push(file);
    }
    const removedIds: number[] = [];
    for (const [filePath, file] of stored) {
      if (seen.has(filePath)) continue;
      // A folder we could not list this time may still hold its files: keep them.
      if (unreadableDirs.some((dir) => filePath.startsWith(dir + path.sep))) continue;
      removedIds.push(file.id);
    }
    return { work, unchanged, removedIds };
  }

  async #processFile(file: ScannedFile, rootId: number, decodes: DecodeRegistry): Promise<Outcome> {
    const base = { rootId, path: file.path, dev: file.dev, ino: file.ino };
    let read;
    try {
      read = await readStableFile(file.path);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return { kind: 'vanished', path: file.path };
      const reason = `Cannot read file: ${errorMessage(error)}`;
      this.#log(`skip ${file.path}: ${reason}`);
      return {
        kind: 'failed',
        file: { ...base, size: file.size, mtimeMs: file.mtimeMs, contentHash: null, status: 'error', error: reason },
      };
    }
    const contentHash = await contentHashOfAsync(read.bytes);
    const record = { ...base, size: read.size, mtimeMs: read.mtimeMs, contentHash };

    // Another file with these bytes is being decoded right now: wait for it instead of decoding twice.
    await decodes.waitFor(contentHash);
    if (decodes.succeeded(contentHash) || this.#photos.hasContent(contentHash)) {
      return { kind: 'indexed', file: { ...record, status: 'ok', error: null }, content: null, modelInput: null };
    }

    const done = decodes.begin(contentHash);
    let ok = false;
    try {
      const decoded = await decodePhoto(file.path, read.bytes, { modelInputSize: this.#consumer?.modelInputSize ?? 0 });
      await this.#thumbnails.write(contentHash, decoded.thumbnailWebp);
      const content: ContentRecord = {
        hash: contentHash,
        size: read.size,
        format: decoded.format,
        width: decoded.width,
        height: decoded.height,
        orientation: decoded.orientation,
        takenAt: decoded.metadata.takenAt,
        cameraMake: decoded.metadata.cameraMake,
        cameraModel: decoded.metadata.cameraModel,
        perceptualHash: decoded.perceptualHash,
        perceptualHashVariants: decoded.perceptualHashVariants,
      };
      ok = true;
      return { kind: 'indexed', file: { ...record, status: 'ok', error: null }, content, modelInput: decoded.modelInput };
    } catch (error) {
      const unsupported = hasErrorCode(error, ErrorCodes.unsupportedFormat);
      const reason = decodeFailureReason(error);
      this.#log(`skip ${file.path}: ${reason}`);
      return { kind: 'failed', file: { ...record, status: unsupported ? 'unsupported' : 'error', error: reason } };
    } finally {
      done(ok);
    }
  }
}

/**
 * Contents decoded (or being decoded) during one run, whose rows may not be written yet: a second
 * file with the same bytes waits for the first decode and reuses it.
 */
class DecodeRegistry {
  readonly #running = new Map<string, Promise<void>>();
  readonly #succeeded = new Set<string>();

  async waitFor(contentHash: string): Promise<void> {
    await this.#running.get(contentHash);
  }

  succeeded(contentHash: string): boolean {
    return this.#succeeded.has(contentHash);
  }

  /** Marks a decode as running; call the returned function with the result when it ends. */
  begin(contentHash: string): (ok: boolean) => void {
    let resolve!: () => void;
    this.#running.set(contentHash, new Promise<void>((r) => (resolve = r)));
    return (ok) => {
      if (ok) this.#succeeded.add(contentHash);
      this.#running.delete(contentHash);
      resolve();
    };
  }
}

function reportPhase(progress: ProgressReporter, phase: 'pixel' | 'vectors', done: number, total: number): void {
  if (done === 0) progress.start(phase, total);
  else progress.tick(undefined, 1);
}

function emptyReport(startedAt: number, cancelled: boolean): IndexReport {
  return {
    scanned: 0,
    indexed: 0,
    unchanged: 0,
    removed: 0,
    moved: 0,
    decoded: 0,
    errors: [],
    cancelled,
    seconds: round((performance.now() - startedAt) / 1000),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
