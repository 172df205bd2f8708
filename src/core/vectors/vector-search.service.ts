import fs from 'node:fs';
import path from 'node:path';
import { MAX_TRAINING_VECTORS, VectorIndex, chooseKind, kindFits, type CreateOptions } from './vector-index';
import { assertDefined } from '../assert';
import type { EmbeddingRepository } from '../store/embedding.repository';
import { isLibraryWritable } from '../store/library.database';
import { WriterLock } from '../store/writer-lock';

/** Rebuild instead of appending once this share of the index points at photos that are gone. */
const MAX_DEAD_FRACTION = 0.25;
/**
 * Vectors read from SQLite at a time during a rebuild. A page is read and copied into one array
 * without a pause: 1,000 keep that near 40 ms (5,000 held the event loop 0.2 s, over 1 s on a busy
 * machine) for a few more queries (1,000 at 1M photos, each an index seek).
 */
const REBUILD_PAGE = 1000;
/**
 * Vectors added to FAISS between two turns of the event loop in `updateAsync`: HNSW inserts cost
 * about 0.1 ms each on 2 cores, so a slice holds the loop some 50 ms.
 */
const ADD_SLICE = 512;

/**
 * What an update or rebuild asks of whoever drives it (see `runNow`, `runPaced`): a turn of the event
 * loop (a no-op when run at once), or a new index, trained there, for `create`'s options.
 */
type Step = typeof PAUSE | { readonly create: CreateOptions };
const PAUSE = 'pause';
type Steps<T> = Generator<Step, T, VectorIndex | undefined>;

export interface ContentHit {
  readonly contentHash: string;
  /** Cosine similarity of the stored (L2-normalized) vectors, exact, in [-1, 1]. */
  readonly cosine: number;
}

/**
 * Owns one model's FAISS index file in the library folder (`vectors-<model>.faiss`) and its id map
 * in SQLite. The index is a cache of the vectors stored in SQLite: a missing, corrupt or stale file
 * is rebuilt from them, never an error. Deleted photos are masked at query time and dropped at the
 * next rebuild (faiss-node's removeIds renumbers flat indexes, which would break the id map).
 *
 * Several processes may share the library (`doppel serve` and a CLI `index`): only the writer
 * (who holds the library's {@link WriterLock}) saves the file and the id map, always the file
 * first, so a reader that loads between the two sees a mismatch it repairs in memory, and the id
 * map's commit that follows makes it {@link reload} (the engine reloads on SQLite's data_version).
 */
export class VectorSearchService {
  readonly #embeddings: EmbeddingRepository;
  readonly #modelId: string;
  readonly #dim: number;
  readonly #file: string;
  readonly #log: (line: string) => void;
  #index: VectorIndex | null = null;
  #positions: string[] = [];
  /** False when the loaded index was rebuilt in memory only: its positions are not the stored id map's. */
  #matchesStore = true;
  /** Contents that still have a readable file; cached between index runs (a 1M-photo set is costly to rebuild per query). */
  #live: Set<string> | null = null;
  /** Bumped by `reload`: a paced update or rebuild that sees it change stops. */
  #generation = 0;
  /** True while a rebuild runs; searches then use what it has added so far, or `#empty`. */
  #building = false;
  #empty: VectorIndex | null = null;
  /** The last `updateAsync`, which the next one waits for. */
  #pacedUpdate: Promise<void> = Promise.resolve();
  /** `updateAsync` calls not settled yet: the index is being written to. */
  #updating = 0;

  constructor(deps: { embeddings: EmbeddingRepository; modelId: string; dim: number; libraryDir: string; log: (line: string) => void }) {
    this.#embeddings = deps.embeddings;
    this.#modelId = deps.modelId;
    this.#dim = deps.dim;
    this.#file = path.join(deps.libraryDir, `vectors-${deps.modelId}.faiss`);
    this.#log = deps.log;
  }

  get size(): number {
    return this.#ready().size;
  }

  get kind(): string {
    return this.#ready().kind;
  }

  /** Forgets the loaded index and id map: the next use reads them again (another process changed them). */
  reload(): void {
    this.#index?.dispose();
    this.#index = null;
    this.#positions = [];
    this.#live = null;
    this.#generation += 1; // an update or rebuild under way stops at its next turn
  }

  /**
   * Puts vectors stored since the last call into the index (or rebuilds it) and saves it atomically.
   * Only the library's writer calls this (an index run). All at once: see `updateAsync`.
   */
  update(): void {
    runNow(this.#updateSteps(), this.#dim);
  }

  /**
   * `update`, giving the event loop a turn between slices of vectors and pages of the rebuild, and
   * training FAISS on a libuv thread: the engine calls this at the end of an index run, on the
   * thread that also answers the bridge's requests (a rebuild of 5,000 vectors held it 1.7 s, a
   * million for minutes). Meanwhile searches see the vectors added so far. One runs at a time.
   */
  updateAsync(): Promise<void> {
    this.#updating += 1;
    const run = this.#pacedUpdate
      .then(() => runPaced(this.#updateSteps(), this.#dim))
      .finally(() => {
        this.#updating -= 1;
      });
    this.#pacedUpdate = run.catch(() => {}); // the caller sees the failure; the next update still runs
    return run;
  }

  /**
   * Frees the loaded index until the next search loads it again from its file, while another thread
   * searches the library with an index of its own (the near-pair worker): at 1M photos each copy is
   * most of a gigabyte. Keeps the index, returning false, while an update or rebuild writes to it
   * or when it was rebuilt in memory only (loading it again would mean rebuilding it).
   */
  releaseIndex(): boolean {
    if (!this.#index || this.#building || this.#updating > 0 || !this.#matchesStore) return false;
    this.reload();
    return true;
  }

  *#updateSteps(): Steps<void> {
    // The id map may have moved under a loaded index (another writer ran since it was loaded):
    // appending at the old end would collide with that writer's positions.
    // A reader's in-memory rebuild numbers positions its own way: never append to that either.
    if (this.#index && (!this.#matchesStore || this.#embeddings.positionCount(this.#modelId) !== this.#positions.length)) this.reload();
    const index = this.#loadSaved() ?? (yield* this.#rebuildSteps({ persist: true }));
    if (!index) return; // reloaded meanwhile: the vectors stay owed (needsUpdate) to the next run
    this.#live = null; // files may have come and gone during the run
    const live = this.liveContents();
    const dead = this.#positions.reduce((n, hash) => n + (live.has(hash) ? 0 : 1), 0);
    const fresh = this.#embeddings.unpositionedEmbeddings(this.#modelId).filter((item) => live.has(item.contentHash));
    const total = this.#positions.length + fresh.length;
    const wantsOtherKind = total > 0 && !kindFits(index.kind, total - dead, this.#dim);
    if (dead > total * MAX_DEAD_FRACTION || wantsOtherKind) {
      yield* this.#rebuildSteps({ persist: true });
      return;
    }
    if (fresh.length === 0) {
      if (!fs.existsSync(this.#file)) index.save(this.#file);
      return;
    }
    const first = this.#positions.length;
    const hashes = fresh.map((item) => item.contentHash);
    try {
      const added = yield* this.#addSteps(
        index,
        concat(
          fresh.map((item) => item.vector),
          this.#dim,
        ),
        hashes,
      );
      if (!added) return;
      index.save(this.#file);
      this.#embeddings.appendPositions(this.#modelId, first, hashes);
    } catch (error) {
      this.reload(); // the index holds vectors the id map does not: never append to it again
      throw error;
    }
  }

  /** True when stored vectors of live photos are missing from the index (a run died between the two). */
  needsUpdate(): boolean {
    return this.#embeddings.unpositionedLiveCount(this.#modelId) > 0;
  }

  /**
   * Rebuilds the index from the stored vectors of every photo still in the library, streaming them
   * from SQLite page by page (a million 1024-dim vectors are 4 GB: never all in memory), in one
   * pass: the approximate kind trains on the first MAX_TRAINING_VECTORS of the stream, which come
   * in content-hash order and so are a uniform random sample of the library. `persist` saves the
   * file, then the id map (the writer); otherwise the index lives in this process's memory only.
   */
  rebuild(options: { persist: boolean }): VectorIndex {
    return assertDefined(runNow(this.#rebuildSteps(options), this.#dim), 'the rebuilt vector index');
  }

  /** `rebuild`'s work; null when `reload` was called during a pause (the index is then not saved). */
  *#rebuildSteps(options: { persist: boolean }): Steps<VectorIndex | null> {
    // Free the old index first: at 1M photos it is most of a gigabyte.
    this.#index?.dispose();
    this.#index = null;
    this.#positions = [];
    const generation = ++this.#generation; // a paced rebuild or update already under way stops
    this.#building = true;
    this.#matchesStore = false;
    try {
      const count = this.#embeddings.liveEmbeddingCount(this.#modelId);
      const approximate = chooseKind(count, this.#dim) !== 'flat';
      const sampleSize = approximate ? Math.min(count, MAX_TRAINING_VECTORS) : 0;
      let index: VectorIndex | null = null;
      let pending: Float32Array[] = []; // pages read before the index could be trained
      let pendingHashes: string[] = [];
      for (const page of this.#embeddings.liveEmbeddingPages(this.#modelId, REBUILD_PAGE)) {
        const vectors = concat(
          page.map((item) => item.vector),
          this.#dim,
        );
        const hashes = page.map((item) => item.contentHash);
        if (index) {
          if (!(yield* this.#addSteps(index, vectors, hashes))) return null;
          continue;
        }
        pending.push(vectors);
        pendingHashes.push(...hashes);
        if (pendingHashes.length < sampleSize) {
          yield PAUSE;
          if (this.#generation !== generation) return null;
          continue;
        }
        index = yield* this.#createSteps(count, pending, pendingHashes, generation);
        if (!index) return null;
        pending = [];
        pendingHashes = [];
      }
      // Fewer rows than counted (photos removed meanwhile), or a flat index that needs no sample.
      index ??= yield* this.#createSteps(count, pending, pendingHashes, generation);
      if (!index) return null;
      if (options.persist) {
        index.save(this.#file);
        this.#embeddings.replacePositions(this.#modelId, this.#positions);
      }
      this.#matchesStore = options.persist;
      this.#log(`vector index for ${this.#modelId} rebuilt${options.persist ? '' : ' in memory'}: ${index.size} vectors, ${index.kind}`);
      return index;
    } finally {
      this.#building = false;
    }
  }

  /**
   * An index for `count` vectors, trained on the first rows (up to the sample size), holding all of
   * `pages`; it serves searches from the moment it is trained. Null when reloaded during training.
   */
  *#createSteps(count: number, pages: readonly Float32Array[], hashes: readonly string[], generation: number): Steps<VectorIndex | null> {
    const rows = concatRows(pages);
    const trainingRows = Math.min(rows.length / this.#dim, MAX_TRAINING_VECTORS);
    const index = assertDefined(
      yield {
        create: {
          expectedSize: count,
          ...(trainingRows > 0 ? { trainingVectors: rows.subarray(0, trainingRows * this.#dim) } : {}),
        },
      },
      'the created vector index',
    );
    if (this.#generation !== generation) {
      index.dispose();
      return null;
    }
    this.#index = index;
    return (yield* this.#addSteps(index, rows, hashes)) ? index : null;
  }

  /**
   * Adds the rows of `vectors` (the contents `hashes`) to the index in slices, a turn of the event
   * loop after each; false when `reload` was called meanwhile (and the index disposed).
   */
  *#addSteps(index: VectorIndex, vectors: Float32Array, hashes: readonly string[]): Steps<boolean> {
    const generation = this.#generation;
    for (let start = 0; start < hashes.length; start += ADD_SLICE) {
      const end = Math.min(hashes.length, start + ADD_SLICE);
      index.add(vectors.subarray(start * this.#dim, end * this.#dim));
      for (let i = start; i < end; i++) this.#positions.push(assertDefined(hashes[i], 'an added content'));
      yield PAUSE;
      if (this.#generation !== generation) return false;
    }
    return true;
  }

  /**
   * The `k` nearest live contents of each query vector, best first, with exact cosines (the
   * approximate index proposes candidates; stored vectors re-rank them).
   */
  search(queries: Float32Array, k: number, live: ReadonlySet<string> = this.liveContents()): ContentHit[][] {
    const index = this.#ready();
    const queryCount = queries.length / this.#dim;
    if (index.size === 0 || k <= 0) return Array.from({ length: queryCount }, () => []);
    const exact = index.kind === 'flat'; // flat scores are exact cosines already
    const hits = index.search(queries, this.#fetchFor(k, index, live));
    // Keep live, distinct candidates.
    const candidates = hits.map((list) => {
      const seen = new Set<string>();
      const kept: { contentHash: string; score: number }[] = [];
      for (const hit of list) {
        const contentHash = this.#positions[hit.position];
        if (contentHash === undefined || seen.has(contentHash) || !live.has(contentHash)) continue;
        seen.add(contentHash);
        kept.push({ contentHash, score: hit.score });
      }
      return kept;
    });
    // Exact re-scoring from the stored vectors, read in one query for the whole batch.
    const stored = exact ? new Map<string, Float32Array>() : this.#embeddings.embeddingsOf(uniqueHashes(candidates), this.#modelId);
    return candidates.map((list, q) => {
      const query = queries.subarray(q * this.#dim, (q + 1) * this.#dim);
      return list
        .map(({ contentHash, score }) => {
          const vector = stored.get(contentHash);
          return { contentHash, cosine: vector ? dot(query, vector) : score };
        })
        .sort((a, b) => b.cosine - a.cosine)
        .slice(0, k);
    });
  }

  /**
   * Candidates to ask the index for, to answer k: room for the exact re-scoring to reorder
   * (approximate scores blur near the cut) and for masked (deleted) positions; more than a quarter
   * dead triggers a rebuild anyway.
   */
  #fetchFor(k: number, index: VectorIndex, live: ReadonlySet<string>): number {
    const dead = Math.max(0, this.#positions.length - live.size);
    return Math.min(index.size, (index.kind === 'flat' ? k : 2 * k) + Math.min(dead, 2 * k) + 8);
  }

  /**
   * The caller's number for each index position, for `neighbours`: `numberOf(contentHash)` for a
   * live content, -1 for a dead one or one the caller has no number for.
   */
  positionNumbers(numberOf: (contentHash: string) => number | undefined): Int32Array {
    this.#ready();
    const live = this.liveContents();
    return Int32Array.from(this.#positions, (contentHash) => (live.has(contentHash) ? (numberOf(contentHash) ?? -1) : -1));
  }

  /**
   * `search` for a k-NN of many contents at once (near-duplicate pairs), on the caller's numbers
   * (`positionNumbers`) instead of content hashes and without re-scoring: for each query, in score
   * order, `visit(query, number, approximateScore)` for the first `k` distinct numbered contents
   * that score at least `minApproximateScore` and that `accept` lets through (it is asked about all
   * of them): the same candidates, in the same order, as `search` with `rescore: false` keeps.
   */
  neighbours(
    queries: Float32Array,
    k: number,
    numbers: Int32Array,
    options: {
      readonly minApproximateScore: number;
      readonly candidates?: number;
      readonly accept: (queryIndex: number, number: number) => boolean;
      readonly visit: (queryIndex: number, number: number, score: number) => void;
    },
  ): void {
    const index = this.#ready();
    const queryCount = queries.length / this.#dim;
    if (index.size === 0 || k <= 0) return;
    const fetch = this.#fetchFor(k, index, this.liveContents());
    const { keep, labels, scoreOf } = index.searchRaw(
      queries,
      fetch,
      options.candidates === undefined ? {} : { candidates: options.candidates },
    );
    // Approximate scores never underestimate (PCA shortens distances), so a candidate scoring below
    // the floor is below it exactly too.
    const kept: number[] = [];
    for (let q = 0; q < queryCount; q++) {
      kept.length = 0;
      for (let r = q * keep; r < (q + 1) * keep; r++) {
        const number = numbers[labels[r] ?? -1] ?? -1;
        if (number < 0 || kept.includes(number)) continue;
        const score = scoreOf(r);
        if (score < options.minApproximateScore) break; // best first: the rest score lower still
        // As `search`: every candidate is offered to `accept`, the best k are kept.
        if (!options.accept(q, number)) continue;
        kept.push(number);
        if (kept.length <= k) options.visit(q, number, score);
      }
    }
  }

  /** Contents with at least one readable file (the mask applied to search results). */
  liveContents(): ReadonlySet<string> {
    this.#live ??= this.#embeddings.liveContentHashes();
    return this.#live;
  }

  /**
   * Loads the index file, or rebuilds it when it is missing, unreadable or out of step with the id
   * map. A reader saves what it rebuilt only when no writer is at work (it takes the lock to do so).
   * While `updateAsync` rebuilds, an empty index answers until the new one is trained.
   */
  #ready(): VectorIndex {
    if (this.#index) return this.#index;
    if (this.#building) return (this.#empty ??= VectorIndex.create(this.#dim, { expectedSize: 0, kind: 'flat' }));
    const loaded = this.#loadSaved();
    if (loaded) return loaded;
    const lock = tryLock(path.dirname(this.#file));
    try {
      return this.rebuild({ persist: lock !== null });
    } finally {
      lock?.release();
    }
  }

  /** The loaded index, or the saved one when it matches the id map (else null, said in the log). */
  #loadSaved(): VectorIndex | null {
    if (this.#index) return this.#index;
    this.#positions = this.#embeddings.positions(this.#modelId);
    const loaded = VectorIndex.load(this.#file, this.#dim);
    if (loaded?.size === this.#positions.length) {
      this.#index = loaded;
      this.#matchesStore = true;
      return loaded;
    }
    const quiet = !loaded && this.#positions.length === 0 && !fs.existsSync(this.#file); // a new library: nothing to say
    if (!quiet) {
      this.#log(
        loaded
          ? `vector index ${this.#file} holds ${loaded.size} vectors but the id map has ${this.#positions.length}: rebuilding`
          : `vector index ${this.#file} is missing or unreadable: rebuilding from stored vectors`,
      );
    }
    loaded?.dispose();
    return null;
  }
}

/** The writer lock to save a rebuilt index with; null when another process writes or the folder cannot be written (a read-only library). */
function tryLock(libraryDir: string): WriterLock | null {
  if (!isLibraryWritable(libraryDir)) return null;
  return WriterLock.tryAcquire(libraryDir, 'saving the vector index');
}

export function dot(a: Float32Array, b: Float32Array): number {
  // A shorter b (a corrupt stored vector) has no dot product: NaN, as reading past its end always
  // gave. Past this check every index read below is in range.
  if (b.length < a.length) return NaN;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

function uniqueHashes(lists: readonly (readonly { contentHash: string }[])[]): string[] {
  const hashes = new Set<string>();
  for (const list of lists) for (const item of list) hashes.add(item.contentHash);
  return [...hashes];
}

function concatRows(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0] ?? new Float32Array(0);
  const out = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function concat(vectors: readonly Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(vectors.length * dim);
  vectors.forEach((vector, i) => out.set(vector, i * dim));
  return out;
}

/** Runs update or rebuild steps at once: pauses are skipped, indexes trained on this thread. */
function runNow<T>(steps: Steps<T>, dim: number): T {
  let next = steps.next();
  while (!next.done) {
    const step = next.value;
    let created: VectorIndex | undefined;
    try {
      created = step === PAUSE ? undefined : VectorIndex.create(dim, step.create);
    } catch (error) {
      next = steps.throw(error); // the steps' own clean-up runs, then this rethrows
      continue;
    }
    next = steps.next(created);
  }
  return next.value;
}

/** Runs update or rebuild steps with a turn of the event loop at each pause and training on a libuv thread. */
async function runPaced<T>(steps: Steps<T>, dim: number): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    const step = next.value;
    let created: VectorIndex | undefined;
    try {
      if (step === PAUSE) await turn();
      else created = await VectorIndex.createAsync(dim, step.create);
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(created);
  }
  return next.value;
}

/** Lets the event loop run its timers and I/O (setImmediate runs after the poll phase). */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
