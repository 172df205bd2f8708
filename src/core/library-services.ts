/**
 * The services of one open library, wired once: what the {@link Doppel} facade answers with. The
 * facade reads as the list of what Doppel can do; how its parts fit together is here.
 */
import path from 'node:path';
import sharp from 'sharp';
import type { DuplicatesReport, LibraryStats, NearPairsProgress } from '../shared/types';
import { Cleanup } from './cleanup/cleanup';
import type { LibraryAbout, ReviewedDuplicatesOptions } from './doppel-api';
import { DuplicatesService } from './duplicates/duplicates.service';
import { libraryReview, type GroupReview } from './duplicates/group-review';
import { NearDuplicatesService } from './duplicates/near/near-duplicates.service';
import { nearPairRunner } from './duplicates/near/near-pair-runner';
import { NearVerifier, PICTURE_CHECK_VERSION, withEvidence } from './duplicates/near/near-verifier';
import { DEFAULT_NEAR_COSINE, SHOTS_COSINE } from './duplicates/thresholds';
import { providerFailures } from './embedding/embedding.errors';
import { Embedder } from './embedding/embedder';
import type { ExecutionProviderRequest } from './embedding/execution-providers';
import { ErrorCodes, InvalidArgumentError, errorMessage, hasErrorCode } from './errors';
import { IndexerService } from './indexing/indexer.service';
import { PixelIdentityService } from './indexing/pixel-identity.service';
import { ThumbnailRepairService } from './indexing/thumbnail-repair.service';
import { LibraryCaches } from './library-caches';
import { FoldersService } from './library/folders.service';
import { PhotoListingService } from './library/photo-listing.service';
import { LibraryMedia } from './media/library-media';
import { PreviewService } from './media/preview.service';
import { EmbeddingPipeline } from './similar/embedding-pipeline';
import { FindService } from './similar/find.service';
import { SimilarService } from './similar/similar.service';
import { DuplicateRepository } from './store/duplicate.repository';
import { EmbeddingRepository } from './store/embedding.repository';
import { DAMAGED_ADVICE, damagedMessage } from './store/database-check';
import { repairNotice, type OpenedLibrary } from './store/library-repair';
import { READ_ONLY_ADVICE, type SqliteDatabase } from './store/library.database';
import { removeOrphanTemps } from './store/orphan-temps';
import { PhotoListingRepository } from './store/photo-listing.repository';
import { PhotoRepository } from './store/photo.repository';
import { PreviewStore } from './store/preview.store';
import { RootsRepository } from './store/roots.repository';
import { SettingsRepository } from './store/settings.repository';
import { PictureCheckStore } from './store/picture-check.store';
import { ThumbnailStore } from './store/thumbnail.store';
import type { TrashBin } from './trash/trash-bin';
import { VectorSearchService } from './vectors/vector-search.service';

// Parallelism comes from decoding several photos at once; libvips threads inside one small decode
// only add contention on a 2-core laptop. The operation cache would hold every photo ever opened.
sharp.concurrency(1);
sharp.cache(false);

/** The embedding model as the library opened it: loaded, or why not (similarity search is off then). */
export interface LoadedModel {
  readonly embedder: Embedder | null;
  readonly error: string | null;
  /** Each execution provider tried, with its outcome (empty without a model load). */
  readonly providerNotes: readonly string[];
}

export interface ModelOptions {
  readonly modelId?: string;
  readonly modelsDir?: string;
  readonly executionProviders?: ExecutionProviderRequest;
  readonly withoutSimilarity?: boolean;
}

/**
 * Loads the library's model (or the one asked for by name) once. A model that cannot load turns
 * similarity search off and says why; a model id that does not exist is the caller's typo and throws.
 */
export async function loadModel(library: OpenedLibrary, options: ModelOptions, log: (line: string) => void): Promise<LoadedModel> {
  if (options.withoutSimilarity) return { embedder: null, error: 'similarity search was turned off for this session', providerNotes: [] };
  const settings = new SettingsRepository(library.db);
  try {
    const embedder = await Embedder.load({
      modelId: options.modelId ?? settings.get('model') ?? undefined,
      modelsDir: options.modelsDir,
      executionProviders: options.executionProviders,
      log,
    });
    // Saved by the facade once the database passed its check: nothing is written before.
    return { embedder, error: null, providerNotes: embedder.providerNotes };
  } catch (error) {
    if (options.modelId && hasErrorCode(error, ErrorCodes.invalidInput)) {
      throw new InvalidArgumentError(errorMessage(error)); // asked for by name: a typo, not a broken install
    }
    log(`similarity search unavailable: ${errorMessage(error)}`);
    return { embedder: null, error: errorMessage(error), providerNotes: providerFailures(error) };
  }
}

export interface Similarity {
  readonly embedder: Embedder;
  readonly vectors: VectorSearchService;
  readonly similar: SimilarService;
  readonly pipeline: EmbeddingPipeline;
}

export interface LibraryServices {
  readonly db: SqliteDatabase;
  readonly photos: PhotoRepository;
  readonly listing: PhotoListingService;
  readonly thumbnailRepair: ThumbnailRepairService;
  readonly media: LibraryMedia;
  readonly indexer: IndexerService;
  readonly duplicates: DuplicatesService;
  readonly near: NearDuplicatesService;
  readonly review: GroupReview;
  readonly verifier: NearVerifier;
  readonly finder: FindService;
  readonly embeddings: EmbeddingRepository;
  readonly similarity: Similarity | null;
  readonly cleanup: Cleanup;
  readonly settings: SettingsRepository;
  readonly folders: FoldersService;
  readonly caches: LibraryCaches;
}

export interface WiringOptions {
  readonly log: (line: string) => void;
  readonly trashBin: TrashBin;
  readonly maxFileBytes: number | undefined;
  readonly onNearPairsProgress: ((progress: NearPairsProgress) => void) | undefined;
  /** Where Find saves the pixel hashes it computed of library contents (a write: the facade's). */
  readonly savePixelHashes: (entries: readonly (readonly [string, string])[]) => Promise<void>;
}

/** Wires every service of an open library. */
export function wireServices(libraryDir: string, library: OpenedLibrary, model: LoadedModel, options: WiringOptions): LibraryServices {
  const { db } = library;
  const { log, maxFileBytes } = options;
  const photos = new PhotoRepository(db);
  const embeddings = new EmbeddingRepository(db);
  const thumbnails = new ThumbnailStore(libraryDir);
  const settings = new SettingsRepository(db);
  const similarity = model.embedder
    ? wireSimilarity(model.embedder, { libraryDir, photos, embeddings, settings, log, maxFileBytes })
    : null;
  const groups = new DuplicateRepository(db);
  const modelId = similarity?.embedder.modelId ?? null;
  const near = new NearDuplicatesService({
    libraryDir,
    modelId,
    dim: similarity?.embedder.dim ?? null,
    runner: nearPairRunner({ groups, embeddings, vectors: similarity?.vectors ?? null, modelId, log }, log),
    log,
    ...(options.onNearPairsProgress ? { onProgress: options.onNearPairsProgress } : {}),
  });
  const duplicates = new DuplicatesService(groups, near);
  const cleanup = new Cleanup(db, options.trashBin, log);
  const verifier = new NearVerifier({
    details: (files) => groups.copyDetailsOf(files),
    thumbnails,
    store: new PictureCheckStore(libraryDir, PICTURE_CHECK_VERSION, log),
  });
  const review = libraryReview(groups, embeddings, modelId, () => cleanup.notDuplicatePairs(), verifier.derivedFrom);
  const thumbnailRepair = new ThumbnailRepairService({ photos, thumbnails, log, maxFileBytes });
  return {
    db,
    photos,
    listing: new PhotoListingService(new PhotoListingRepository(db)),
    thumbnailRepair,
    media: new LibraryMedia({
      photos,
      thumbnails,
      thumbnailRepair,
      previews: new PreviewService(photos, new PreviewStore(libraryDir), { maxFileBytes }),
      readOnly: library.readOnly !== null,
    }),
    indexer: new IndexerService({ photos, settings, thumbnails, libraryDir, consumer: similarity?.pipeline ?? null, log, maxFileBytes }),
    duplicates,
    near,
    review,
    verifier,
    finder: new FindService(photos, new PixelIdentityService(photos, log, maxFileBytes), similarity?.similar ?? null, {
      maxFileBytes,
      savePixelHashes: options.savePixelHashes,
    }),
    embeddings,
    similarity,
    cleanup,
    settings,
    folders: new FoldersService(new RootsRepository(db)),
    caches: new LibraryCaches(db, [near, duplicates, review], similarity?.vectors ?? null),
  };
}

function wireSimilarity(
  embedder: Embedder,
  parts: {
    readonly libraryDir: string;
    readonly photos: PhotoRepository;
    readonly embeddings: EmbeddingRepository;
    readonly settings: SettingsRepository;
    readonly log: (line: string) => void;
    readonly maxFileBytes: number | undefined;
  },
): Similarity {
  const { libraryDir, photos, embeddings, settings, log, maxFileBytes } = parts;
  const vectors = new VectorSearchService({ embeddings, modelId: embedder.modelId, dim: embedder.dim, libraryDir, log });
  return {
    embedder,
    vectors,
    similar: new SimilarService({ photos, embeddings, embedder, vectors, maxFileBytes }),
    pipeline: new EmbeddingPipeline({ embedder, embeddings, photos, settings, vectors, log, maxFileBytes }),
  };
}

/** What a writer settles on opening: a clean-up a crash left half done, temp files of killed runs. */
export async function settleInterrupted(services: LibraryServices, libraryDir: string, log: (line: string) => void): Promise<void> {
  const recovered = await services.cleanup.recover();
  if (recovered > 0) log(`settled ${recovered} file(s) an interrupted clean-up left half done`);
  const orphans = removeOrphanTemps([libraryDir, path.join(libraryDir, 'previews')]);
  if (orphans > 0) log(`removed ${orphans} temp file(s) killed runs left in the library folder`);
}

/** The sidebar's figures; `repairPending`: the rebuilt database's notice still asks for an index run. */
export function libraryStats(
  libraryDir: string,
  services: LibraryServices,
  library: OpenedLibrary,
  model: LoadedModel,
  repairPending: boolean,
): LibraryStats {
  const { photos, similarity, embeddings } = services;
  const { files, errors, bytes } = photos.counts();
  const roots = photos.roots().map((root) => root.path);
  return {
    libraryDir,
    roots,
    files,
    errors,
    bytes,
    model: similarity?.embedder.modelId ?? null,
    executionProvider: similarity?.embedder.provider ?? null,
    modelError: model.error,
    vectors: similarity ? embeddings.positionCount(similarity.embedder.modelId) : 0,
    notice: library.repair && repairPending ? repairNotice(library.repair, roots) : damageNotice(library),
  };
}

/** What the background check found wrong with the database, for the sidebar and About; null when nothing. */
function damageNotice(library: OpenedLibrary): string | null {
  const verdict = library.check.verdict;
  if (verdict.state !== 'damaged') return null;
  return `${damagedMessage(verdict.damage)}: no change can be saved. ${library.readOnly ? 'Doppel reads it as it is' : DAMAGED_ADVICE}.`;
}

/** What the About page says of a library: model, execution provider (and why), problems, SQLite's version. */
export function libraryAbout(libraryDir: string, services: LibraryServices, library: OpenedLibrary, model: LoadedModel): LibraryAbout {
  const { readOnly } = library;
  const decisionsProblem = library.backup?.problem ?? null;
  return {
    libraryDir,
    model: services.similarity?.embedder.modelId ?? null,
    executionProvider: services.similarity?.embedder.provider ?? null,
    providerNotes: model.providerNotes,
    modelError: model.error,
    libraryProblems: [
      ...[damageNotice(library)].filter((problem) => problem !== null),
      ...(readOnly ? [`${readOnly}: Doppel reads it as it is. ${READ_ONLY_ADVICE}`] : []),
      ...(decisionsProblem ? [decisionsProblem] : []),
    ],
    sqlite: services.db.prepare<[], { version: string }>('SELECT sqlite_version() AS version').get()?.version ?? 'unknown',
  };
}

/**
 * Duplicate groups as the user reviews them (see `GroupReview`), in the tier asked for: the near
 * candidates the picture check verified are duplicates; those it found to be other pictures are
 * similar shots (`kind: 'shots'`), never mixed with duplicates. With `signal`, the review stops
 * between its steps once the signal is aborted (a newer request replaced this one), with its reason.
 */
export async function reviewDuplicates(
  services: LibraryServices,
  options: ReviewedDuplicatesOptions,
  protectedFolders: string[],
  signal?: AbortSignal,
): Promise<DuplicatesReport> {
  const shots = options.kind === 'shots';
  // Similar shots are looked for among looser look-alikes than duplicates (see SHOTS_COSINE).
  const candidates = await services.duplicates.list(
    shots ? { ...options, kind: 'near', threshold: SHOTS_COSINE } : { ...options, kind: options.kind ?? 'all' },
  );
  signal?.throwIfAborted();
  const setting = shots ? { ...options, threshold: SHOTS_COSINE } : options;
  const verified = await services.verifier.split(candidates, {
    measureShots: shots,
    links: (groups) => services.duplicates.crossLinks(groups, setting),
  });
  signal?.throwIfAborted();
  const report = await services.review.reviewInSteps(
    shots ? services.duplicates.regroupShots(verified.shots, setting) : verified.duplicates,
    {
      kind: shots ? 'all' : (options.kind ?? 'all'),
      threshold: shots ? SHOTS_COSINE : (options.threshold ?? DEFAULT_NEAR_COSINE),
      ...(options.keep ? { keep: options.keep } : {}),
      protectedFolders,
    },
    signal,
  );
  signal?.throwIfAborted();
  return withEvidence(report, verified, services.verifier, shots);
}

/**
 * Checks the near candidates the review will show first — duplicates at the default setting and
 * similar shots — so that their verdicts are kept (picture-checks.json) before anyone asks: the
 * engine runs it after each index, beside the near-pair search, and the Duplicates view then opens
 * without checking a pair. Pairs already checked cost nothing.
 */
export async function verifyNearCandidates(
  services: LibraryServices,
  signal?: AbortSignal,
): Promise<{ readonly compared: number; readonly seconds: number }> {
  const started = performance.now();
  const before = services.verifier.compared;
  for (const threshold of [DEFAULT_NEAR_COSINE, SHOTS_COSINE]) {
    signal?.throwIfAborted();
    const candidates = await services.duplicates.list({ kind: 'near', threshold });
    signal?.throwIfAborted();
    await services.verifier.split(candidates, {
      signal,
      measureShots: false,
      links: (groups) => services.duplicates.crossLinks(groups, { threshold }),
    });
  }
  return { compared: services.verifier.compared - before, seconds: (performance.now() - started) / 1000 };
}
