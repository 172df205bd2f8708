import path from 'node:path';
import type {
  CleanReport,
  DuplicatesReport,
  FindReport,
  IndexReport,
  LibraryRoot,
  LibraryStats,
  NotDuplicatePair,
  OperationSummary,
  PhotoDetails,
  PhotoPage,
  PhotoQuery,
  SimilarReport,
  Timeline,
  UndoReport,
} from '../shared/types';
import { limits } from '../shared/limits';
import { ErrorCodes, InvalidArgumentError, LibraryUnavailableError, assertWithinLimit, errorMessage, hasErrorCode } from './errors';
import { ModelUnavailableError } from './embedding/embedding.errors';
import type { IndexOptions } from './indexing/indexer.service';
import { defaultLibraryDir, pathForms } from './library-paths';
import {
  reviewDuplicates,
  verifyNearCandidates,
  libraryAbout,
  libraryStats,
  loadModel,
  settleInterrupted,
  wireServices,
  type LibraryServices,
  type LoadedModel,
} from './library-services';
import {
  WRITES,
  type CheckReport,
  type DoppelCleanOptions,
  type LibraryAbout,
  type NotDuplicatesOptions,
  type OpenOptions,
  type ReviewedDuplicatesOptions,
  type SimilarOptions,
  type Write,
  type WriterOptions,
} from './doppel-api';

export type * from './doppel-api';
import { assertFolder } from './library/folders.service';
import type { PhotoPageQuery } from './library/photo-listing.service';
import type { OriginalFile } from './media/original-file';
import { openCheckedLibrary, type LibraryRepair, type OpenedLibrary } from './store/library-repair';
import { READ_ONLY_ADVICE } from './store/library.database';
import { LibraryBusyError, LibraryWriter } from './store/writer-lock';
import { damagedRefusal } from './store/database-check';
import { systemTrashBin } from './trash/trash-bin';

/**
 * How long opening waits for the database check before answering: a small library's check ends
 * well within it (its damage is then repaired before the first answer); a large one's goes on in the
 * background (2 s at 100k photos, 13 s at 1M) while reads are answered.
 */
const OPEN_WAIT_MS = 500;
/**
 * How long a write waits for the check's verdict before it is refused as busy: well past the 13 s
 * of a 1M-photo library on a laptop disk; past it, a clear refusal beats an app that seems stuck.
 */
const WRITE_WAIT_MS = 120_000;

/**
 * The Doppel engine: one library folder, its index, and the questions users ask of it.
 * Electron-free; the CLI, the desktop app's engine process and the browser bridge all use this.
 */
export class Doppel {
  readonly libraryDir: string;
  /** Set when the database was found damaged on open and rebuilt (see {@link openCheckedLibrary}). */
  readonly repair: LibraryRepair | null;
  readonly #library: OpenedLibrary;
  readonly #model: LoadedModel;
  readonly #s: LibraryServices;
  readonly #writer: LibraryWriter;
  readonly #writeWaitMs: number;
  /** The opening writer's work, deferred until the check passed; writes that waited for it go after. */
  #settling: Promise<void> | null = null;
  /** The repair notice asks for an index run; once one finished it has been acted on. */
  #reindexedSinceRepair = false;
  #closed = false;
  /** Aborted by `close`: background work (the check after an index) stops between its steps. */
  readonly #closing = new AbortController();
  /** Background work in flight (`prepareNearDuplicates`), awaited by `close`. */
  readonly #background = new Set<Promise<unknown>>();

  private constructor(libraryDir: string, library: OpenedLibrary, model: LoadedModel, options: OpenOptions) {
    this.libraryDir = libraryDir;
    this.repair = library.repair;
    this.#library = library;
    this.#model = model;
    this.#writer = new LibraryWriter(libraryDir);
    this.#writeWaitMs = options.databaseCheck?.writeWaitMs ?? WRITE_WAIT_MS;
    this.#s = wireServices(libraryDir, library, model, {
      log: options.log ?? (() => {}),
      trashBin: options.trashBin ?? systemTrashBin({ log: options.log }),
      maxFileBytes: options.maxFileBytes,
      onNearPairsProgress: options.onNearPairsProgress,
      // Find's pixel hashes are a saving, not a need: skipped while another writer holds the library.
      savePixelHashes: (entries) => this.#mutateIfFree(WRITES.pixelHashes, () => this.#s.photos.setPixelHashes(entries)),
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
    const hooks = options.databaseCheck ?? {};
    const checking = { check: options.check ?? 'quick', log, ...(hooks.run ? { runCheck: hooks.run } : {}) } as const;
    let library = openCheckedLibrary(libraryDir, checking);
    // A small library's check ends at once: damage found now is repaired before answering, as ever.
    const early = await library.check.settled(hooks.openWaitMs ?? OPEN_WAIT_MS);
    if (early.state === 'damaged' && !library.readOnly) {
      library.backup?.close();
      library.db.close();
      library = openCheckedLibrary(libraryDir, checking); // the damage note makes this one repair
    }
    const model = await loadModel(library, options, log).catch((error: unknown) => {
      library.check.stop();
      library.db.close();
      throw error;
    });
    const doppel = new Doppel(libraryDir, library, model, options);
    if (library.check.verdict.state === 'sound') await doppel.#settle(log);
    else doppel.#settling = library.check.settled(Infinity, doppel.#closing.signal).then(() => doppel.#settleInBackground(log));
    return doppel;
  }

  async #settleInBackground(log: (line: string) => void): Promise<void> {
    try {
      await this.#settle(log);
    } catch (error) {
      if (!this.#closed) log(`could not settle the library after its check: ${errorMessage(error)}`);
    }
  }

  /** What a writer does on opening, once the database passed its check (at once, or in the background). */
  async #settle(log: (line: string) => void): Promise<void> {
    if (this.#closed || this.#library.check.verdict.state !== 'sound' || this.#library.readOnly) return;
    // Remember the model: the next session uses the same vectors (switching re-embeds).
    const modelId = this.#s.similarity?.embedder.modelId;
    if (modelId && this.#s.settings.get('model') !== modelId) this.#s.settings.set('model', modelId);
    // A writer's job: while another process writes, the journal may hold its clean-up in progress.
    await this.#mutateIfFree(WRITES.settle, () => settleInterrupted(this.#s, this.libraryDir, log));
    // Changes reach decisions.log as made; a new library's first snapshot, a repaired one's new one.
    if (!this.#closing.signal.aborted) this.#library.backup?.save({ force: this.#library.repair !== null });
  }

  /**
   * `doppel check`: the full SQLite integrity check (a damaged database is kept and rebuilt, as on
   * any open), then every readable photo's thumbnail, rebuilt from the photo where it is missing.
   */
  static async check(options: Omit<OpenOptions, 'check'> = {}): Promise<CheckReport> {
    const doppel = await Doppel.open({ ...options, check: 'full', withoutSimilarity: true });
    try {
      const repairer = doppel.#s.thumbnailRepair;
      // A read-only library is checked, not repaired: missing thumbnails are counted, none is written.
      const readOnly = doppel.#library.readOnly !== null;
      const thumbnails = readOnly
        ? await repairer.repairAll({ signal: AbortSignal.abort() })
        : await doppel.#mutate(WRITES.thumbnails, {}, () => repairer.repairAll());
      const { libraryDir, repair } = doppel;
      return {
        libraryDir,
        database: repair ? 'repaired' : 'ok',
        repair,
        thumbnails,
        readOnly,
        decisionsProblem: doppel.decisionsProblem(),
      };
    } finally {
      await doppel.close();
    }
  }

  /** Indexes (or re-indexes incrementally) the given folders. Bad files are reported, never fatal. */
  async index(roots: readonly string[], options: IndexOptions & WriterOptions = {}): Promise<IndexReport> {
    if (roots.length === 0) throw new InvalidArgumentError('Nothing to index: give at least one folder');
    assertWithinLimit('indexRoots', roots.length);
    for (const root of roots) assertFolder(root);
    return this.#mutate(WRITES.index, options, async () => {
      const watch = this.#library.place.watch(options.signal);
      try {
        const report = await this.#s.indexer.index(roots, { ...options, signal: watch.signal });
        this.#library.place.assertInPlace();
        if (!report.cancelled) this.#reindexedSinceRepair = true;
        return report;
      } finally {
        watch.stop();
      }
    });
  }

  /**
   * Duplicate groups as the user reviews them (see `GroupReview`): each file in one group, keeper
   * first by the keeper rule, every score a similarity to the keeper, biggest savings first.
   */
  async duplicates(options: ReviewedDuplicatesOptions = {}, signal?: AbortSignal): Promise<DuplicatesReport> {
    this.#read();
    assertWithinLimit('nearThreshold', options.threshold);
    assertWithinLimit('nearHashDistance', options.hashDistance);
    return reviewDuplicates(this.#s, options, this.#protectedFolders(options.protectedFolders), signal);
  }

  /**
   * A number that changes whenever this library changes (a write of this process, or another
   * process's commit): an answer kept from before (the engine's reviewed pages) is stale then.
   */
  libraryVersion(): number {
    this.#read();
    return this.#s.caches.version;
  }

  /**
   * Brings the near-duplicate pairs (a cache file of their own) up to date in a worker thread and
   * checks the candidates the review shows first (picture-checks.json), so the next `duplicates`
   * answers at once: the engine calls it after an index run. Says how long each part took.
   */
  async prepareNearDuplicates(): Promise<{ readonly pairsSeconds: number; readonly compared: number; readonly checkSeconds: number }> {
    this.#read();
    const work = this.#prepare();
    this.#background.add(work);
    try {
      return await work;
    } finally {
      this.#background.delete(work);
    }
  }

  async #prepare(): Promise<{ readonly pairsSeconds: number; readonly compared: number; readonly checkSeconds: number }> {
    const started = performance.now();
    await this.#s.near.prepare();
    const pairsSeconds = (performance.now() - started) / 1000;
    // The picture check of the candidates the review shows first, kept for every later review.
    const signal = this.#closing.signal;
    try {
      const check = await verifyNearCandidates(this.#s, signal);
      return { pairsSeconds, compared: check.compared, checkSeconds: check.seconds };
    } catch (error) {
      if (!signal.aborted) throw error;
      return { pairsSeconds, compared: 0, checkSeconds: 0 };
    }
  }

  /** Stops the near-duplicate comparison with this id (see `onNearPairsProgress`); false when none runs with it. */
  cancelNearDuplicates(id: string): boolean {
    this.#assertOpen();
    return this.#s.near.cancel(id);
  }

  /**
   * Moves every copy but the one to keep of each listed group to the trash, journaled and checked
   * file by file; `dryRun` changes nothing. The library forgets the moved files at once.
   */
  async clean(options: DoppelCleanOptions = {}): Promise<CleanReport> {
    const clean = async (): Promise<CleanReport> => {
      const { groups } = await this.duplicates({ ...options, kind: options.kind ?? 'exact' });
      return this.#s.cleanup.clean(groups, { ...options, protectedFolders: this.#protectedFolders(options.protectedFolders) });
    };
    // Similar shots are other pictures: each is the user's own choice, never a bulk rule's.
    if (options.kind === 'shots' && !options.selection) {
      throw new InvalidArgumentError(
        'Similar shots are reviewed one group at a time: choose what to keep in each group, nothing is moved in bulk',
      );
    }
    return options.dryRun ? clean() : this.#mutate(WRITES.clean, options, clean, (report) => report.trashed.map((copy) => copy.path));
  }

  /** Puts back what an operation moved (default: the last one), or forgets its "not duplicates" marks. */
  async undo(operationId?: string, options: WriterOptions = {}): Promise<UndoReport> {
    return this.#mutate(
      WRITES.undo,
      options,
      () => this.#s.cleanup.undo(operationId),
      (report) => report.restored.map((file) => file.path),
    );
  }

  history(): OperationSummary[] {
    this.#assertOpen();
    return this.#s.cleanup.history();
  }

  /** Marks library files as not duplicates of each other (by content); returns the operation id. */
  async markNotDuplicates(filePaths: readonly string[], options: NotDuplicatesOptions = {}): Promise<string> {
    return this.#mutate(WRITES.notDuplicates, options, () => this.#s.cleanup.markNotDuplicates(filePaths, options));
  }

  /** Every "not duplicates" decision, newest first. */
  notDuplicates(): NotDuplicatePair[] {
    this.#assertOpen();
    return this.#s.cleanup.listNotDuplicates();
  }

  /** Forgets every "not duplicates" decision; returns how many pairs were cleared. */
  async clearNotDuplicates(options: WriterOptions = {}): Promise<number> {
    return this.#mutate(WRITES.notDuplicates, options, () => this.#s.cleanup.clearNotDuplicates());
  }

  /** Reference folders saved with the library: their files are never moved to the trash. */
  protectedFolders(): string[] {
    this.#assertOpen();
    const saved = this.#s.settings.get('protected-folders');
    return saved ? (JSON.parse(saved) as string[]) : [];
  }

  /** Replaces the saved reference folders (absolute paths; they need not be library roots). */
  async setProtectedFolders(folders: readonly string[], options: WriterOptions = {}): Promise<string[]> {
    if (folders.length > limits.indexRoots.max) throw new InvalidArgumentError(`At most ${limits.indexRoots.max} protected folders`);
    const resolved = [...new Set(folders.map((folder) => path.resolve(folder)))].sort();
    await this.#mutate(WRITES.reference, options, () => this.#s.settings.set('protected-folders', JSON.stringify(resolved)));
    return resolved;
  }

  /** The library's folders, by path, with their counts, exclusions and protection (see {@link FoldersService}). */
  roots(): LibraryRoot[] {
    return this.#s.folders.roots(this.protectedFolders());
  }

  /**
   * Takes a folder out of the library: its photos leave every listing, duplicate group and similar
   * result at once; the files on disk and the decisions kept by content stay. Returns how many
   * files the library forgot. Throws InvalidArgumentError for a folder that is not a library root.
   */
  async removeRoot(folder: string, options: WriterOptions = {}): Promise<number> {
    return this.#mutate(WRITES.removeRoot, options, () => this.#s.folders.removeRoot(folder));
  }

  /**
   * Replaces a folder's exclusion patterns (globs relative to it, as the scanner matches them) and
   * answers the folder; they apply from its next index, which drops the files they now match.
   * Throws InvalidArgumentError for an unknown folder or a pattern that is not a usable glob.
   */
  async setExcludes(folder: string, patterns: readonly string[], options: WriterOptions = {}): Promise<LibraryRoot> {
    await this.#mutate(WRITES.excludes, options, () => this.#s.folders.setExcludes(folder, patterns));
    const resolved = path.resolve(folder);
    const root = this.roots().find((candidate) => candidate.path === resolved);
    if (!root) throw new InvalidArgumentError(`Cannot change the exclusions of ${resolved}: it is not one of the library's folders`);
    return root;
  }

  async find(imagePath: string): Promise<FindReport> {
    this.#read();
    return this.#s.finder.find(imagePath);
  }

  async similar(paths: readonly string[], options: SimilarOptions = {}): Promise<SimilarReport[]> {
    assertWithinLimit('similarQueries', paths.length);
    assertWithinLimit('similarResults', options.limit);
    this.#read();
    const similarity = this.#s.similarity;
    if (!similarity) throw new ModelUnavailableError(`Similarity search is unavailable: ${this.#model.error ?? 'no model loaded'}`);
    return similarity.similar.similar(paths, options.limit);
  }

  stats(): LibraryStats {
    this.#read();
    return libraryStats(this.libraryDir, this.#s, this.#library, this.#model, !this.#reindexedSinceRepair);
  }

  /** What the About page says of this library: model, execution provider (and why), SQLite's version. */
  about(): LibraryAbout {
    this.#assertOpen();
    return libraryAbout(this.libraryDir, this.#s, this.#library, this.#model);
  }

  /** Why the decisions backup cannot be saved (a folder where decisions.json goes…), or null. */
  decisionsProblem(): string | null {
    return this.#library.backup?.problem ?? null;
  }

  /**
   * One page of the Library listing (see {@link PhotoListingService}): the whole listing or one
   * section of it, continued after the previous page's `next`. Newest capture first by default.
   */
  photos(query: PhotoPageQuery = {}): PhotoPage {
    this.#assertOpen();
    return this.#s.listing.page(query);
  }

  /** The sections of a listing with their counts, in listing order: what a view needs to size a timeline. */
  timeline(query: PhotoQuery = {}): Timeline {
    this.#assertOpen();
    return this.#s.listing.timeline(query);
  }

  /** The viewer's details of one library file; InvalidArgumentError when the library does not have it. */
  photo(filePath: string): PhotoDetails {
    this.#assertOpen();
    return this.#s.listing.details(path.resolve(filePath));
  }

  /** The WebP thumbnail of an indexed file, or null (see LibraryMedia). */
  thumbnailPath(filePath: string): string | null {
    this.#assertOpen();
    return this.#s.media.thumbnailPath(filePath);
  }

  /** As `thumbnailPath`, rebuilt from the photo when its file was lost. */
  async thumbnail(filePath: string): Promise<string | null> {
    this.#assertOpen();
    return this.#s.media.thumbnail(filePath);
  }

  /** The compare view's large JPEG preview of an indexed file, rendered once, or null. */
  async previewPath(filePath: string): Promise<string | null> {
    this.#assertOpen();
    return this.#s.media.previewPath(filePath);
  }

  /** The original file of an indexed photo, for a viewer that zooms in, or null. */
  async originalFile(filePath: string, acceptFormat: (format: string) => boolean): Promise<OriginalFile | null> {
    this.#assertOpen();
    return this.#s.media.originalFile(filePath, acceptFormat);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    this.#library.check.stop();
    this.#s.near.close();
    // Work started in the background (the check after an index) ends once aborted, its verdicts
    // saved: nothing writes into the library folder once close has returned.
    await Promise.allSettled(this.#background);
    await this.#s.similarity?.embedder.close();
    this.#library.backup?.close();
    this.#s.db.close();
  }

  /**
   * The one way into a write: the library is open, in place and writable; this process holds the
   * writer lock (or joins its own, for a short write); the caches are brought up to date with other
   * processes' commits first and dropped after, by what the write changes; the decisions backup
   * folds its log when due. test/core/doppel-writes.test.ts checks that every write comes here.
   */
  async #mutate<T>(
    write: Write,
    options: WriterOptions & { readonly signal?: AbortSignal },
    work: () => T | Promise<T>,
    touched?: (result: T) => readonly string[],
  ): Promise<T> {
    this.#assertOpen();
    const { readOnly } = this.#library;
    if (readOnly) throw new LibraryUnavailableError(`${readOnly}: cannot ${write.refusal}. ${READ_ONLY_ADVICE}`);
    await this.#checkedForWrites(write, options);
    return this.#writer.hold(write, options, async () => {
      this.#assertOpen(); // the folder may have gone while this waited
      this.#s.caches.refresh();
      // The files the write says it touched (all of them, when it failed half way).
      let files: readonly string[] | undefined;
      try {
        const result = await work();
        files = touched?.(result);
        return result;
      } finally {
        this.#s.caches.changed(write.changes, files);
        if (this.#library.place.isInPlace()) this.#library.backup?.save();
      }
    });
  }

  /**
   * Nothing is written into a database before its check passed: a write waits for the verdict (up
   * to a deadline, past which the library is "busy"), and a damaged one refuses every write.
   */
  async #checkedForWrites(write: Write, options: WriterOptions): Promise<void> {
    const { check } = this.#library;
    const started = check.verdict;
    if (started.state === 'checking') {
      options.onWaitForWriter?.('Waiting for the check of the library database to finish');
      await check.settled(this.#writeWaitMs, this.#closing.signal);
      this.#assertOpen();
    }
    const verdict = check.verdict;
    if (verdict.state === 'checking') {
      const seconds = Math.round((Date.now() - verdict.since) / 1000);
      throw new LibraryBusyError(
        `The library database at ${this.libraryDir} is still being checked for damage (for ${seconds} s): cannot ${write.refusal} yet, try again when the check finishes`,
      );
    }
    if (verdict.state === 'damaged') throw new LibraryUnavailableError(damagedRefusal(verdict.damage, write.refusal));
    if (write !== WRITES.settle && this.#settling) {
      await this.#settling;
      this.#assertOpen();
    }
  }

  /** `#mutate` for a write that may be skipped: done now if the library is free and writable, else not at all. */
  async #mutateIfFree(write: Write, work: () => void | Promise<void>): Promise<void> {
    if (this.#library.readOnly || this.#library.check.verdict.state !== 'sound') return;
    await this.#mutate(write, {}, work).catch((error: unknown) => {
      if (!hasErrorCode(error, ErrorCodes.jobRunning)) throw error;
    });
  }

  /** Before a read of what other processes may have written: open, in place, caches up to date. */
  #read(): void {
    this.#assertOpen();
    this.#s.caches.refresh();
  }

  /** Refuses a call on a closed library, or on one whose folder was moved or deleted since it opened. */
  #assertOpen(): void {
    if (this.#closed) throw new LibraryUnavailableError(`Cannot use the library at ${this.libraryDir}: it is closed`);
    this.#library.place.assertInPlace();
  }

  /** The saved and the extra reference folders, each in every form a library path can reach it by. */
  #protectedFolders(extra: readonly string[] = []): string[] {
    const folders = [...this.protectedFolders(), ...extra];
    if (folders.length === 0) return [];
    const roots = this.#s.photos.roots().map((root) => root.path);
    return pathForms(folders, roots);
  }
}
