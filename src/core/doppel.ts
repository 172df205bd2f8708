import path from 'node:path';
import sharp from 'sharp';
import type {
  CleanReport,
  DuplicatesReport,
  FindReport,
  IndexReport,
  LibraryStats,
  NearPairsProgress,
  NotDuplicatePair,
  OperationSummary,
  PhotoDetails,
  PhotoPage,
  PhotoQuery,
  SimilarReport,
  Timeline,
  UndoReport,
} from '../shared/types';
import type { AboutInfo, LibraryRoot } from '../shared/types';
import {
  DoppelError,
  ErrorCodes,
  InvalidArgumentError,
  LibraryUnavailableError,
  assertWithinLimit,
  errnoCode,
  errorMessage,
  hasErrorCode,
} from './errors';
import { limits } from '../shared/limits';
import { DuplicatesService, type DuplicatesOptions } from './duplicates/duplicates.service';
import { NearDuplicatesService } from './duplicates/near/near-duplicates.service';
import { nearPairRunner } from './duplicates/near/near-pair-runner';
import { Embedder } from './embedding/embedder';
import type { ExecutionProviderRequest } from './embedding/execution-providers';
import { EmbeddingPipeline } from './similar/embedding-pipeline';
import { SimilarService } from './similar/similar.service';
import { VectorSearchService } from './vectors/vector-search.service';
import { DuplicateRepository } from './store/duplicate.repository';
import { EmbeddingRepository } from './store/embedding.repository';
import { SettingsRepository } from './store/settings.repository';
import { IndexerService, type IndexOptions } from './indexing/indexer.service';
import { PixelIdentityService } from './indexing/pixel-identity.service';
import { defaultLibraryDir, pathForms } from './library-paths';
import { FoldersService, assertFolder } from './library/folders.service';
import { RootsRepository } from './store/roots.repository';
import { FindService } from './similar/find.service';
import type { SqliteDatabase } from './store/library.database';
import { openCheckedLibrary, type LibraryRepair, type OpenedLibrary } from './store/library-repair';
import type { DecisionsBackup, SkippedDecisions } from './store/decisions-backup';
import type { LibraryPlace } from './store/library-place';
import { removeOrphanTemps } from './store/orphan-temps';
import { ThumbnailRepairService, type ThumbnailRepairReport } from './indexing/thumbnail-repair.service';
import { PhotoRepository } from './store/photo.repository';
import { PhotoListingRepository } from './store/photo-listing.repository';
import { PhotoListingService, type PhotoPageQuery } from './library/photo-listing.service';
import { ThumbnailStore } from './store/thumbnail.store';
import { PreviewService } from './media/preview.service';
import { PreviewStore } from './store/preview.store';
import { Cleanup } from './cleanup/cleanup';
import type { CleanOptions } from './cleanup/clean.service';
import { systemTrashBin, type TrashBin } from './trash/trash-bin';
import { libraryReview, type GroupReview } from './duplicates/group-review';
import type { KeeperChoice } from './cleanup/keeper-rules';
import { DEFAULT_NEAR_COSINE } from './duplicates/thresholds';
import { WriterLock, busyMessage } from './store/writer-lock';
import { hashFile } from './media/content-hash';
import { openRegularFile } from './media/photo-file';
import { IMAGE_HEADER_BYTES, imageFormatOfHeader } from './scan/image-types';

export interface OpenOptions {
  /** Library folder (database, thumbnails, vector index); default: the per-user data folder. */
  readonly libraryDir?: string;
  /** One line per notable event (skipped files, fallbacks); silent by default. */
  readonly log?: (line: string) => void;
  /** Embedding model id from resources/models/manifest.json; default: the library's, else the manifest's default. */
  readonly modelId?: string;
  /** Inference accelerators to try; default 'auto' (the platform's, then CPU). */
  readonly executionProviders?: ExecutionProviderRequest;
  /** Folder holding the model files; default: the project's models/ ($DOPPEL_MODELS_DIR). */
  readonly modelsDir?: string;
  /** Skip loading the model: exact and pixel duplicates only (faster start for scripts). */
  readonly withoutSimilarity?: boolean;
  /** Where clean-up sends files; default: this machine's trash (the desktop app passes Electron's). */
  readonly trashBin?: TrashBin;
  /** Photo files larger than this are refused unread, with a "too large" error (default 1000 MB). */
  readonly maxFileBytes?: number;
  /** How hard to check the database on open: `quick` (default, every open) or `full` (`doppel check`). */
  readonly check?: 'quick' | 'full';
  /** Progress of the near-duplicate comparison (a worker thread) that listing near duplicates waits for. */
  readonly onNearPairsProgress?: (progress: NearPairsProgress) => void;
}

/** What the About page learns from the library (the engine adds versions and live-update state). */
export type LibraryAbout = Pick<
  AboutInfo,
  'libraryDir' | 'model' | 'executionProvider' | 'providerNotes' | 'modelError' | 'libraryProblems'
> & {
  /** SQLite's own version, as the linked library reports it. */
  readonly sqlite: string;
};

/** What `doppel check` found and did. */
export interface CheckReport {
  readonly libraryDir: string;
  /** `ok`, or `repaired` when the database was damaged and rebuilt (see `repair`). */
  readonly database: 'ok' | 'repaired';
  readonly repair: LibraryRepair | null;
  /** True when the library could only be read: nothing was repaired or rebuilt. */
  readonly readOnly: boolean;
  /** Why the decisions backup (decisions.json) cannot be saved, or null when it can. */
  readonly decisionsProblem: string | null;
  readonly thumbnails: ThumbnailRepairReport;
}

/** Which groups `duplicates` lists, and how it orders them for review. */
export interface ReviewedDuplicatesOptions extends DuplicatesOptions {
  /** Keeper rule that orders each group (default: highest resolution). */
  readonly keep?: KeeperChoice;
  /** Reference folders on top of the library's saved ones: their copies are kept first. */
  readonly protectedFolders?: readonly string[];
}

/**
 * Indexing, clean-up and undo write the library: one process at a time (see {@link WriterLock}).
 * With `onWaitForWriter` a second writer waits for the first (told once why); without it, it fails
 * at once with a "library busy" error.
 */
export interface WriterOptions {
  readonly onWaitForWriter?: (message: string) => void;
}

/** What `clean` acts on (the groups `duplicates` lists with the same options) and how. */
export interface DoppelCleanOptions extends ReviewedDuplicatesOptions, CleanOptions, WriterOptions {}

class ModelUnavailableError extends DoppelError {
  override readonly name = 'ModelUnavailableError' as const;
  constructor(message: string) {
    super(ErrorCodes.modelUnavailable, message);
  }
}

interface Similarity {
  readonly embedder: Embedder;
  readonly vectors: VectorSearchService;
  readonly similar: SimilarService;
  readonly pipeline: EmbeddingPipeline;
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
  readonly #backup: DecisionsBackup | null;
  /** Why nothing may be written ("This library is read-only (…)"), or null. */
  readonly #readOnly: string | null;
  readonly #place: LibraryPlace;
  readonly #photos: PhotoRepository;
  readonly #listing: PhotoListingService;
  readonly #thumbnails: ThumbnailStore;
  readonly #indexer: IndexerService;
  readonly #duplicates: DuplicatesService;
  readonly #near: NearDuplicatesService;
  readonly #finder: FindService;
  readonly #embeddings: EmbeddingRepository;
  readonly #similarity: Similarity | null;
  readonly #similarityError: string | null;
  readonly #cleanup: Cleanup;
  readonly #review: GroupReview;
  readonly #settings: SettingsRepository;
  readonly #folders: FoldersService;
  /** Each execution provider tried when the model loaded, with its outcome (empty without a model load). */
  #providerNotes: readonly string[] = [];
  /** Set when the database was found damaged on open and rebuilt (see {@link openCheckedLibrary}). */
  readonly repair: LibraryRepair | null;
  readonly #log: (line: string) => void;
  readonly #maxFileBytes: number | undefined;
  /** The repair notice asks for an index run; once one finished it has been acted on. */
  #reindexedSinceRepair = false;
  /** SQLite's data_version when the caches were last known fresh: it moves when another process commits. */
  #dataVersion: number;
  #closed = false;

  private constructor(
    libraryDir: string,
    library: OpenedLibrary,
    log: (line: string) => void,
    embedder: Embedder | null,
    similarityError: string | null,
    trashBin: TrashBin,
    maxFileBytes: number | undefined,
    onNearPairsProgress: ((progress: NearPairsProgress) => void) | undefined,
  ) {
    const { db, repair } = library;
    this.libraryDir = libraryDir;
    this.#maxFileBytes = maxFileBytes;
    this.repair = repair;
    this.#backup = library.backup;
    this.#readOnly = library.readOnly;
    this.#place = library.place;
    this.#log = log;
    this.#cleanup = new Cleanup(db, trashBin, log);
    this.#db = db;
    this.#dataVersion = dataVersionOf(db);
    this.#photos = new PhotoRepository(db);
    this.#listing = new PhotoListingService(new PhotoListingRepository(db));
    this.#embeddings = new EmbeddingRepository(db);
    this.#thumbnails = new ThumbnailStore(libraryDir);
    const settings = new SettingsRepository(db);
    this.#settings = settings;
    this.#folders = new FoldersService(new RootsRepository(db));
    this.#similarityError = similarityError;
    this.#similarity = null;
    if (embedder) {
      const vectors = new VectorSearchService({
        embeddings: this.#embeddings,
        modelId: embedder.modelId,
        dim: embedder.dim,
        libraryDir,
        log,
      });
      this.#similarity = {
        embedder,
        vectors,
        similar: new SimilarService({ photos: this.#photos, embeddings: this.#embeddings, embedder, vectors, maxFileBytes }),
        pipeline: new EmbeddingPipeline({
          embedder,
          embeddings: this.#embeddings,
          photos: this.#photos,
          settings,
          vectors,
          log,
          maxFileBytes,
        }),
      };
    }
    const similarity = this.#similarity;
    this.#indexer = new IndexerService({
      photos: this.#photos,
      settings,
      thumbnails: this.#thumbnails,
      libraryDir,
      consumer: similarity?.pipeline ?? null,
      log,
      maxFileBytes,
    });
    const groups = new DuplicateRepository(db);
    const nearSources = {
      groups,
      embeddings: this.#embeddings,
      vectors: similarity?.vectors ?? null,
      modelId: similarity?.embedder.modelId ?? null,
      log,
    };
    this.#near = new NearDuplicatesService({
      libraryDir,
      modelId: nearSources.modelId,
      dim: similarity?.embedder.dim ?? null,
      runner: nearPairRunner(nearSources, log),
      log,
      ...(onNearPairsProgress ? { onProgress: onNearPairsProgress } : {}),
    });
    this.#duplicates = new DuplicatesService(groups, this.#near);
    this.#review = libraryReview(groups, this.#embeddings, nearSources.modelId, () => this.#cleanup.notDuplicatePairs());
    this.#finder = new FindService(this.#photos, new PixelIdentityService(this.#photos, log, maxFileBytes), similarity?.similar ?? null, {
      maxFileBytes,
      savePixelHashes: library.readOnly === null,
      onPixelHashesSaved: () => this.#libraryChanged(),
    });
  }

  /**
   * Opens (or creates) a library. The embedding model is loaded once here; if it cannot be, the
   * library still opens for exact and pixel duplicates and `stats().modelError` says why similarity
   * search is off (e.g. "Model file … is missing: run `npm run setup`").
   */
  static async open(options: OpenOptions = {}): Promise<Doppel> {
    const libraryDir = path.resolve(options.libraryDir ?? defaultLibraryDir());
    const log = options.log ?? (() => {});
    const library = openCheckedLibrary(libraryDir, { check: options.check ?? 'quick', log });
    const { db } = library;
    let embedder: Embedder | null = null;
    let providerNotes: readonly string[] = [];
    let similarityError: string | null = options.withoutSimilarity ? 'similarity search was turned off for this session' : null;
    if (!options.withoutSimilarity) {
      const settings = new SettingsRepository(db);
      try {
        embedder = await Embedder.load({
          modelId: options.modelId ?? settings.get('model') ?? undefined,
          modelsDir: options.modelsDir,
          executionProviders: options.executionProviders,
          log,
        });
        // Remember the model: the next session uses the same vectors (switching re-embeds).
        if (!library.readOnly) settings.set('model', embedder.modelId);
        providerNotes = embedder.providerNotes;
      } catch (error) {
        if (options.modelId && hasErrorCode(error, ErrorCodes.invalidInput)) {
          db.close();
          throw new InvalidArgumentError(errorMessage(error)); // asked for by name: a typo, not a broken install
        }
        similarityError = errorMessage(error);
        providerNotes = providerFailures(error);
        log(`similarity search unavailable: ${similarityError}`);
      }
    }
    const doppel = new Doppel(
      libraryDir,
      library,
      log,
      embedder,
      similarityError,
      options.trashBin ?? systemTrashBin({ log }),
      options.maxFileBytes,
      options.onNearPairsProgress,
    );
    doppel.#providerNotes = providerNotes;
    // Settling a half-done clean-up is a writer's job: while another process writes the library, the
    // journal entries may be its clean-up in progress, not an interrupted one.
    const lock = library.readOnly ? null : WriterLock.tryAcquire(libraryDir, 'opening the library');
    if (lock) {
      try {
        const recovered = await doppel.#cleanup.recover();
        if (recovered > 0) log(`settled ${recovered} file(s) an interrupted clean-up left half done`);
        const orphans = removeOrphanTemps([libraryDir, path.join(libraryDir, 'previews')]);
        if (orphans > 0) log(`removed ${orphans} temp file(s) killed runs left in the library folder`);
      } finally {
        lock.release();
      }
    }
    // Each change reaches decisions.log as it is made; this folds the log when due, writes the first
    // snapshot of a new library, and a whole new one after a repair (from the restored database).
    doppel.#saveDecisions({ force: library.repair !== null });
    return doppel;
  }

  /**
   * `doppel check`: the full SQLite integrity check (a damaged database is kept and rebuilt, as on
   * any open), then every readable photo's thumbnail, rebuilt from the photo where it is missing.
   */
  static async check(options: Omit<OpenOptions, 'check'> = {}): Promise<CheckReport> {
    const doppel = await Doppel.open({ ...options, check: 'full', withoutSimilarity: true });
    try {
      // A read-only library is checked, not repaired: missing thumbnails are counted, none is written.
      const thumbnails = doppel.#readOnly
        ? await doppel.#thumbnailRepair().repairAll({ signal: AbortSignal.abort() })
        : await doppel.#asWriter('checking the library', {}, () => doppel.#thumbnailRepair().repairAll());
      return {
        libraryDir: doppel.libraryDir,
        database: doppel.repair ? 'repaired' : 'ok',
        repair: doppel.repair,
        thumbnails,
        readOnly: doppel.#readOnly !== null,
        decisionsProblem: doppel.#backup?.problem ?? null,
      };
    } finally {
      await doppel.close();
    }
  }

  #thumbnailRepairService: ThumbnailRepairService | undefined;

  #thumbnailRepair(): ThumbnailRepairService {
    this.#thumbnailRepairService ??= new ThumbnailRepairService({
      photos: this.#photos,
      thumbnails: this.#thumbnails,
      log: this.#log,
      maxFileBytes: this.#maxFileBytes,
    });
    return this.#thumbnailRepairService;
  }

  /**
   * After each change to a decision (already in decisions.log, see DecisionsBackup): folds the log
   * into decisions.json when due. A failure is logged and shown (About, `doppel check`, each CLI
   * command), not thrown, as the change itself is saved in the database already.
   */
  #saveDecisions(options: { force?: boolean } = {}): void {
    if (this.#inPlace()) this.#backup?.save(options);
  }

  /** Why the decisions backup cannot be saved (a folder where decisions.json goes…), or null. */
  decisionsProblem(): string | null {
    return this.#backup?.problem ?? null;
  }

  /** Refuses a write to a read-only library, saying so. */
  #assertWritable(task: string): void {
    if (this.#readOnly) throw new LibraryUnavailableError(`${this.#readOnly}: cannot ${task}. ${READ_ONLY_ADVICE}`);
  }

  /** Indexes (or re-indexes incrementally) the given folders. Bad files are reported, never fatal. */
  async index(roots: readonly string[], options: IndexOptions & WriterOptions = {}): Promise<IndexReport> {
    this.#assertOpen();
    if (roots.length === 0) throw new InvalidArgumentError('Nothing to index: give at least one folder');
    assertWithinLimit('indexRoots', roots.length);
    for (const root of roots) assertFolder(root);
    this.#assertWritable('index folders');
    return this.#asWriter('indexing', options, async () => {
      // A library folder moved or deleted mid-run stops the run: its place is checked twice a second.
      const moved = new AbortController();
      const watch = setInterval(() => {
        if (!this.#inPlace()) moved.abort();
      }, 500);
      try {
        const signal = options.signal ? AbortSignal.any([options.signal, moved.signal]) : moved.signal;
        const report = await this.#indexer.index(roots, { ...options, signal });
        this.#place.assertInPlace();
        if (!report.cancelled) this.#reindexedSinceRepair = true;
        return report;
      } finally {
        clearInterval(watch);
        this.#libraryChanged();
        this.#saveDecisions(); // the folders are the user's choice
      }
    });
  }

  /**
   * Runs a writing task holding the library's writer lock, on caches brought up to date with what
   * other processes committed before it (the vector id map above all: appending to a stale one
   * would collide with their positions).
   */
  async #asWriter<T>(task: string, options: WriterOptions & { readonly signal?: AbortSignal }, work: () => Promise<T>): Promise<T> {
    const { onWaitForWriter } = options;
    const lock = await WriterLock.acquire(this.libraryDir, task, {
      ...(onWaitForWriter ? { onWait: (holder) => onWaitForWriter(`${busyMessage(this.libraryDir, holder)}; waiting…`) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    try {
      this.#assertOpen(); // the folder may have gone while this waited
      this.#refresh();
      return await work();
    } finally {
      lock.release();
    }
  }

  /**
   * Drops what this process keeps in memory about the library (duplicate groups, the vector index
   * and its id map) when another process committed since: a `doppel index` next to `doppel serve`
   * is seen by the server's next question, without a restart.
   */
  #refresh(): void {
    const version = dataVersionOf(this.#db);
    if (version === this.#dataVersion) return;
    this.#dataVersion = version;
    this.#libraryChanged();
    this.#similarity?.vectors.reload();
  }

  /** Files, contents or pixel hashes changed: what the near-duplicate pairs and the review keep is stale. */
  #libraryChanged(): void {
    this.#near.invalidate();
    this.#duplicates.invalidate();
    this.#review.invalidate();
  }

  /**
   * Duplicate groups as the user reviews them (see `GroupReview`): each file in one group, keeper
   * first by the keeper rule, every score a similarity to the keeper, biggest savings first.
   */
  async duplicates(options: ReviewedDuplicatesOptions = {}): Promise<DuplicatesReport> {
    this.#assertOpen();
    this.#refresh();
    assertWithinLimit('nearThreshold', options.threshold);
    assertWithinLimit('nearHashDistance', options.hashDistance);
    const candidates = await this.#duplicates.list(options);
    return this.#review.review(candidates, {
      kind: options.kind ?? 'all',
      threshold: options.threshold ?? DEFAULT_NEAR_COSINE,
      ...(options.keep ? { keep: options.keep } : {}),
      protectedFolders: this.#protectedFolders(options.protectedFolders),
    });
  }

  /**
   * Brings the near-duplicate candidate pairs up to date (in a worker thread, reported through
   * `onNearPairsProgress`), so that the next `duplicates` answers at once: the engine calls it after
   * an index run. Listing near duplicates does it anyway when needed.
   */
  async prepareNearDuplicates(): Promise<void> {
    this.#assertOpen();
    this.#refresh();
    await this.#near.prepare();
  }

  /** Stops the near-duplicate comparison with this id (see `onNearPairsProgress`); false when none runs with it. */
  cancelNearDuplicates(id: string): boolean {
    this.#assertOpen();
    return this.#near.cancel(id);
  }

  /**
   * Moves every copy but the one to keep of each listed group to the trash, journaled and checked
   * file by file; `dryRun` changes nothing. The library forgets the moved files at once.
   */
  async clean(options: DoppelCleanOptions = {}): Promise<CleanReport> {
    this.#assertOpen();
    const clean = async (): Promise<CleanReport> => {
      const { groups } = await this.duplicates({ ...options, kind: options.kind ?? 'exact' });
      const report = await this.#cleanup.clean(groups, { ...options, protectedFolders: this.#protectedFolders(options.protectedFolders) });
      if (report.trashed.length > 0 && !report.dryRun) this.#libraryChanged();
      if (!report.dryRun) this.#saveDecisions();
      return report;
    };
    if (!options.dryRun) this.#assertWritable('clean up');
    return options.dryRun ? clean() : this.#asWriter('cleaning up', options, clean);
  }

  /** Reference folders saved with the library: their files are never moved to the trash. */
  protectedFolders(): string[] {
    this.#assertOpen();
    const saved = this.#settings.get('protected-folders');
    return saved ? (JSON.parse(saved) as string[]) : [];
  }

  /** Replaces the saved reference folders (absolute paths; they need not be library roots). */
  setProtectedFolders(folders: readonly string[]): string[] {
    this.#assertOpen();
    this.#assertWritable('save reference folders');
    if (folders.length > limits.indexRoots.max) throw new InvalidArgumentError(`At most ${limits.indexRoots.max} protected folders`);
    const resolved = [...new Set(folders.map((folder) => path.resolve(folder)))].sort();
    this.#settings.set('protected-folders', JSON.stringify(resolved));
    this.#saveDecisions();
    return resolved;
  }

  /** The saved and the extra reference folders, each in every form a library path can reach it by. */
  #protectedFolders(extra: readonly string[] = []): string[] {
    const folders = [...this.protectedFolders(), ...extra];
    if (folders.length === 0) return [];
    const roots = this.#photos.roots().map((root) => root.path);
    return pathForms(folders, roots);
  }

  /** The library's folders, by path, with their counts, exclusions and protection (see {@link FoldersService}). */
  roots(): LibraryRoot[] {
    this.#assertOpen();
    return this.#folders.roots(this.protectedFolders());
  }

  /**
   * Takes a folder out of the library: its photos leave every listing, duplicate group and similar
   * result at once; the files on disk and the decisions kept by content stay. Returns how many
   * files the library forgot. Throws InvalidArgumentError for a folder that is not a library root.
   */
  async removeRoot(folder: string, options: WriterOptions = {}): Promise<number> {
    this.#assertOpen();
    this.#assertWritable('remove a folder');
    return this.#asWriter('removing a folder', options, () => {
      const removed = this.#folders.removeRoot(folder);
      // Contents may have no file left: the near pairs and the vector index's live set are stale.
      this.#libraryChanged();
      this.#similarity?.vectors.reload();
      this.#saveDecisions(); // the folders are the user's choice
      return Promise.resolve(removed);
    });
  }

  /**
   * Replaces a folder's exclusion patterns (globs relative to it, as the scanner matches them) and
   * answers the folder; they apply from its next index, which drops the files they now match.
   * Throws InvalidArgumentError for an unknown folder or a pattern that is not a usable glob.
   */
  setExcludes(folder: string, patterns: readonly string[]): LibraryRoot {
    this.#assertOpen();
    this.#assertWritable('change what a folder excludes');
    this.#folders.setExcludes(folder, patterns);
    this.#saveDecisions();
    const resolved = path.resolve(folder);
    const root = this.roots().find((candidate) => candidate.path === resolved);
    if (!root) throw new InvalidArgumentError(`Cannot change the exclusions of ${resolved}: it is not one of the library's folders`);
    return root;
  }

  /** Puts back what an operation moved (default: the last one), or forgets its "not duplicates" marks. */
  async undo(operationId?: string, options: WriterOptions = {}): Promise<UndoReport> {
    this.#assertOpen();
    this.#assertWritable('undo');
    return this.#asWriter('undoing a clean-up', options, async () => {
      const report = await this.#cleanup.undo(operationId);
      this.#libraryChanged();
      this.#saveDecisions();
      return report;
    });
  }

  /** Marks library files as not duplicates of each other (by content); returns the operation id. */
  markNotDuplicates(filePaths: readonly string[], options?: { readonly against?: readonly string[] }): string {
    this.#assertOpen();
    this.#assertWritable('mark files as not duplicates');
    const operationId = this.#cleanup.markNotDuplicates(filePaths, options);
    this.#saveDecisions();
    return operationId;
  }

  /** Every "not duplicates" decision, newest first. */
  notDuplicates(): NotDuplicatePair[] {
    this.#assertOpen();
    return this.#cleanup.listNotDuplicates();
  }

  /** Forgets every "not duplicates" decision; returns how many pairs were cleared. */
  clearNotDuplicates(): number {
    this.#assertOpen();
    this.#assertWritable('forget "not duplicates" marks');
    const cleared = this.#cleanup.clearNotDuplicates();
    this.#saveDecisions();
    return cleared;
  }

  history(): OperationSummary[] {
    this.#assertOpen();
    return this.#cleanup.history();
  }

  async find(imagePath: string): Promise<FindReport> {
    this.#assertOpen();
    this.#refresh();
    return this.#finder.find(imagePath);
  }

  async similar(paths: readonly string[], options: SimilarOptions = {}): Promise<SimilarReport[]> {
    this.#assertOpen();
    assertWithinLimit('similarQueries', paths.length);
    assertWithinLimit('similarResults', options.limit);
    this.#refresh();
    return this.#requireSimilarity().similar.similar(paths, options.limit);
  }

  #requireSimilarity(): Similarity {
    if (this.#similarity) return this.#similarity;
    throw new ModelUnavailableError(`Similarity search is unavailable: ${this.#similarityError ?? 'no model loaded'}`);
  }

  stats(): LibraryStats {
    this.#assertOpen();
    this.#refresh();
    const counts = this.#photos.counts();
    return {
      libraryDir: this.libraryDir,
      roots: this.#photos.roots().map((root) => root.path),
      files: counts.files,
      errors: counts.errors,
      bytes: counts.bytes,
      model: this.#similarity?.embedder.modelId ?? null,
      executionProvider: this.#similarity?.embedder.provider ?? null,
      modelError: this.#similarityError,
      vectors: this.#similarity ? this.#embeddings.positionCount(this.#similarity.embedder.modelId) : 0,
      notice:
        this.repair && !this.#reindexedSinceRepair
          ? repairNotice(
              this.repair,
              this.#photos.roots().map((root) => root.path),
            )
          : null,
    };
  }

  /** What the About page says of this library: model, execution provider (and why), SQLite's version. */
  about(): LibraryAbout {
    this.#assertOpen();
    return {
      libraryDir: this.libraryDir,
      model: this.#similarity?.embedder.modelId ?? null,
      executionProvider: this.#similarity?.embedder.provider ?? null,
      providerNotes: this.#providerNotes,
      modelError: this.#similarityError,
      libraryProblems: [
        ...(this.#readOnly ? [`${this.#readOnly}: Doppel reads it as it is. ${READ_ONLY_ADVICE}`] : []),
        ...(this.#backup?.problem ? [this.#backup.problem] : []),
      ],
      sqlite: sqliteVersionOf(this.#db),
    };
  }

  /**
   * One page of the Library listing (see {@link PhotoListingService}): the whole listing or one
   * section of it, continued after the previous page's `next`. Newest capture first by default.
   */
  photos(query: PhotoPageQuery = {}): PhotoPage {
    this.#assertOpen();
    return this.#listing.page(query);
  }

  /** The sections of a listing with their counts, in listing order: what a view needs to size a timeline. */
  timeline(query: PhotoQuery = {}): Timeline {
    this.#assertOpen();
    return this.#listing.timeline(query);
  }

  /** The viewer's details of one library file; InvalidArgumentError when the library does not have it. */
  photo(filePath: string): PhotoDetails {
    this.#assertOpen();
    return this.#listing.details(path.resolve(filePath));
  }

  /** Absolute path of the WebP thumbnail of an indexed file, or null when there is none. */
  thumbnailPath(filePath: string): string | null {
    this.#assertOpen();
    const content = this.#photos.contentOfPath(path.resolve(filePath));
    if (!content?.contentHash || content.status !== 'ok') return null;
    return this.#thumbnails.has(content.contentHash) ? this.#thumbnails.pathOf(content.contentHash) : null;
  }

  /**
   * The thumbnail of an indexed file as {@link thumbnailPath}, rebuilt from the photo when its file
   * was lost (a deleted `thumbs/` folder); null when the path is not a readable indexed photo.
   */
  async thumbnail(filePath: string): Promise<string | null> {
    const existing = this.thumbnailPath(filePath);
    if (existing) return existing;
    const content = this.#photos.contentOfPath(path.resolve(filePath));
    if (!content?.contentHash || content.status !== 'ok' || this.#readOnly) return null;
    return (await this.#thumbnailRepair().rebuild(content.contentHash)) ? this.#thumbnails.pathOf(content.contentHash) : null;
  }

  #previews: PreviewService | undefined;

  /**
   * Absolute path of a large JPEG preview of an indexed file for the compare view (upright, long
   * side at most 2048 px), decoded once and cached in the library's `previews/` folder; null when
   * the path is not an indexed photo or the file changed since it was indexed.
   */
  async previewPath(filePath: string): Promise<string | null> {
    this.#assertOpen();
    if (this.#readOnly) return null; // rendered into previews/, which cannot be written
    this.#previews ??= new PreviewService(this.#photos, new PreviewStore(this.libraryDir), { maxFileBytes: this.#maxFileBytes });
    return this.#previews.previewPath(path.resolve(filePath));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#near.close();
    await this.#similarity?.embedder.close();
    this.#backup?.close();
    this.#db.close();
  }

  /** Refuses a call on a closed library, or on one whose folder was moved or deleted since it opened. */
  #assertOpen(): void {
    if (this.#closed) throw new LibraryUnavailableError(`Cannot use the library at ${this.libraryDir}: it is closed`);
    this.#place.assertInPlace();
  }

  #inPlace(): boolean {
    try {
      this.#place.assertInPlace();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The original file of an indexed, readable photo, for a viewer that zooms in: its absolute path
   * and its format as its first bytes announce it. Null when the path is not such a photo, when
   * `acceptFormat` refuses the format (asked before the rest is read: a 300 MB TIFF is never hashed
   * only to be refused), or when the file no longer holds the content that was indexed. The content
   * is hashed again (streamed) because the library keeps no other proof that the file is unchanged,
   * so a URL can only ever reach a file the library knows, as the library knows it.
   * @example await doppel.originalFile('/photos/a.jpg', (format) => format === 'jpeg') // → { path: '/photos/a.jpg', format: 'jpeg' }
   */
  async originalFile(
    filePath: string,
    acceptFormat: (format: string) => boolean,
  ): Promise<{ readonly path: string; readonly format: string } | null> {
    this.#assertOpen();
    const absolute = path.resolve(filePath);
    const content = this.#photos.contentOfPath(absolute);
    if (!content?.contentHash || content.status !== 'ok') return null;
    try {
      const handle = await openRegularFile(absolute);
      let format: string | null;
      try {
        const header = Buffer.alloc(IMAGE_HEADER_BYTES);
        const { bytesRead } = await handle.read(header, 0, header.length, 0);
        format = imageFormatOfHeader(header.subarray(0, bytesRead));
      } finally {
        await handle.close();
      }
      if (format === null || !acceptFormat(format)) return null;
      return (await hashFile(absolute)) === content.contentHash ? { path: absolute, format } : null;
    } catch (error) {
      // Removed, or replaced by a folder, FIFO or device since it was indexed: nothing to serve.
      if (errnoCode(error) === 'ENOENT' || hasErrorCode(error, ErrorCodes.decodeFailed)) return null;
      throw error;
    }
  }
}

/** What a read-only library's user can do about it. */
const READ_ONLY_ADVICE =
  'To change it (index, clean up, save a decision), make the folder writable or copy the library to a writable place';

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
function skippedNotice(skipped: readonly SkippedDecisions[]): string {
  if (skipped.length === 0) return '';
  const total = skipped.reduce((sum, entry) => sum + entry.count, 0);
  const list = skipped.map((entry) => `${entry.count} ${entry.what} (${entry.reason})`).join('; ');
  return ` ${total} saved record(s) could not be restored: ${list}. The backup as it was is kept in the damaged folder.`;
}

function quoteArgument(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function dataVersionOf(db: SqliteDatabase): number {
  return db.pragma('data_version', { simple: true }) as number;
}

function sqliteVersionOf(db: SqliteDatabase): string {
  return db.prepare<[], { version: string }>('SELECT sqlite_version() AS version').get()?.version ?? 'unknown';
}

/**
 * The providers an unusable model load tried, each with its reason, when the error lists them
 * (ExecutionProviderError, checked by name: see src/core/errors.ts); none for other failures.
 */
function providerFailures(error: unknown): readonly string[] {
  if (!(error instanceof Error) || error.name !== 'ExecutionProviderError') return [];
  const reasons = (error as { reasons?: unknown }).reasons;
  return Array.isArray(reasons) ? reasons.filter((reason): reason is string => typeof reason === 'string') : [];
}
