/**
 * Nearest-neighbour search over photo embeddings (L2-normalized float vectors), backed by faiss.
 *
 * The index deals in POSITIONS: the i-th vector ever added (across `build`/`create` and `add`) is
 * position i, and positions never change, including across save/load. The caller maps positions
 * to photos (in SQLite), masks deleted ones out of results and rebuilds when many are dead; the
 * index itself never removes vectors (faiss's removeIds renumbers flat indexes).
 *
 * Index kinds, chosen by library size (numbers from `npm run bench`, section vectors, 2 cores):
 *  - 'flat' (up to 4,096 vectors): exact inner-product scan. Score = cosine similarity.
 *  - 'pca256,hnsw32' (up to 250k): PCA to 256 dims, then an HNSW graph (M = 32) under L2, ~1.3 KB
 *    per vector. Score = 1 - ‖a-b‖²/2 in the PCA space: the cosine plus the part PCA drops, so it
 *    never underestimates the cosine.
 *  - 'pca128,hnsw32' (larger): the same over 128 dims, ~0.8 KB per vector, so that 1M photos stay
 *    near 1 GB (peak RSS of the 1M bench: 1.06 GB) and build in under 2 minutes on 2 free cores.
 *    PCA128 ranks less exactly (recall@10 0.90 alone against 0.96 for PCA256): VectorSearchService
 *    re-scores the top candidates exactly from the stored vectors (0.97-0.98 at 1M).
 * HNSW was chosen by measurement over inverted lists (IVF4096 over the same PCA128: 7× faster to
 * build at 1M, but it needed 5× the scan for recall ≥ 0.95 and found 82 % of the near neighbours at
 * the breadth grouping affords, against 92 % for HNSW); scalar-quantized lists (SQ8) scan slower
 * still, as Debian's FAISS has no SIMD code for them. The vectorized distance kernels of
 * native/faiss-kernels.cc made HNSW construction and queries 2.5× cheaper in CPU time, flat scans 5×.
 */
import { assertDefined } from '../assert';
import { InvalidArgumentError } from '../errors';
import { faiss, type FaissIndex } from './faiss-binding';
import { readIndexFile, writeIndexFile } from './index-file';

/** See `VectorIndex.searchRaw`. */
export interface RawHits {
  readonly keep: number;
  readonly labels: Int32Array;
  readonly scoreOf: (row: number) => number;
}

export interface VectorHit {
  /** Insertion position of the matched vector (0-based). */
  readonly position: number;
  /** Cosine similarity (exact for 'flat', PCA-estimated for approximate kinds); higher is closer. */
  readonly score: number;
}

export type IndexKindChoice = 'auto' | 'flat' | 'approximate';

export interface CreateOptions {
  /** How many vectors the index will hold; picks the kind when `kind` is 'auto'. */
  readonly expectedSize: number;
  readonly kind?: IndexKindChoice;
  /** Representative vectors (n × dim) for the approximate kind's PCA; at least MIN_TRAINING_VECTORS. */
  readonly trainingVectors?: Float32Array;
}

export interface SearchOptions {
  /**
   * Search breadth of approximate kinds (HNSW efSearch: candidates kept while walking the graph):
   * more is slower and more accurate. Default DEFAULT_CANDIDATES. Ignored by 'flat'.
   */
  readonly candidates?: number;
}

/**
 * Libraries up to this size use the exact flat index. Measured on a 2-core machine: one flat query
 * over 4,096 vectors of 1024 dims costs 0.6 ms of CPU (3.5 ms before native/faiss-kernels.cc),
 * well inside the 5 ms budget for a similar-photos query; beyond that HNSW answers in < 0.5 ms.
 */
export const DEFAULT_FLAT_LIMIT = 4096;
/** PCA needs a sample to learn from; fewer vectors than this give an unstable projection. */
export const MIN_TRAINING_VECTORS = 1000;
/** Training sample cap: 20k × 1024 already pins the covariance; more only costs time and memory. */
export const MAX_TRAINING_VECTORS = 20_000;
/**
 * HNSW search breadth by default. With exact re-scoring of the top 28 candidates, recall@10 at 1M
 * vectors was the same at 48 as at 64 and 256 (the graph and PCA, not the breadth, limit it); 64
 * leaves margin for less regular real libraries at ~0.5 ms a query.
 */
export const DEFAULT_CANDIDATES = 64;
/** Above this many vectors the index keeps 128 PCA dimensions instead of 256 (memory, build time). */
export const LARGE_INDEX = 250_000;
const PCA_DIMS = 256;
const LARGE_PCA_DIMS = 128;
/** How far past its size band an index may grow or shrink before a rebuild changes its kind. */
const KIND_BAND_SLACK = 1.25;
const HNSW_LINKS = 32;
/** HNSW build breadth (FAISS's default). 20-24 built 2× faster but lost 3-4 points of recall. */
const HNSW_BUILD_CANDIDATES = 40;
/**
 * Build breadth above LARGE_INDEX: at 1M, 32 took 30 % less CPU than 40 (168 s against 237-268 s)
 * for one point less recall after re-scoring (0.979 against 0.989), keeping the build well under
 * 4 minutes on 2 cores even when other processes share them.
 */
const LARGE_HNSW_BUILD_CANDIDATES = 32;

export class VectorIndex {
  readonly #index: FaissIndex;
  readonly #dim: number;
  readonly #kind: string;
  /** The search breadth last set on the native index (a setter call per query is wasted work). */
  #breadth = 0;

  private constructor(index: FaissIndex, dim: number, kind: string) {
    this.#index = index;
    this.#dim = dim;
    this.#kind = kind;
  }

  /**
   * Builds an index over all `vectors` (n × dim, row-major) at once: picks the kind (unless given),
   * trains on an evenly spaced sample if needed, then adds everything. Positions are 0..n-1.
   * For libraries too large to hold in one Float32Array, use `create` and `add` in chunks.
   * @example const index = VectorIndex.build(1024, embeddings); index.search(query, 10)[0]
   */
  static build(dim: number, vectors: Float32Array, options: { kind?: IndexKindChoice } = {}): VectorIndex {
    const count = rowCount(vectors, dim);
    const index = VectorIndex.create(dim, {
      expectedSize: count,
      kind: options.kind ?? 'auto',
      trainingVectors: evenSample(vectors, dim, MAX_TRAINING_VECTORS),
    });
    index.add(vectors);
    return index;
  }

  /**
   * Creates an empty index of the kind `chooseKind(expectedSize)` picks (or `options.kind`).
   * The approximate kind needs `trainingVectors`; 'auto' falls back to flat without enough of them.
   */
  static create(dim: number, options: CreateOptions): VectorIndex {
    const { index, kind, training } = prepareIndex(dim, options);
    if (training) {
      try {
        index.train(training);
      } catch (error) {
        index.dispose();
        throw error;
      }
    }
    return new VectorIndex(index, dim, kind);
  }

  /**
   * `create`, training on a libuv thread: learning a PCA costs about a second whatever the sample
   * (its 1024 × 1024 eigendecomposition), which the caller's event loop then spends serving others.
   * Leave `trainingVectors` unchanged until this settles.
   */
  static async createAsync(dim: number, options: CreateOptions): Promise<VectorIndex> {
    const { index, kind, training } = prepareIndex(dim, options);
    if (training) {
      try {
        await index.trainAsync(training);
      } catch (error) {
        index.dispose();
        throw error;
      }
    }
    return new VectorIndex(index, dim, kind);
  }

  /**
   * Reads an index saved by `save`. Returns null when the file is missing, unreadable, truncated,
   * corrupt, not ours or of another dimension: the caller then rebuilds from stored vectors.
   * Never throws for a bad file.
   */
  static load(file: string, dim: number): VectorIndex | null {
    const result = readIndexFile(file, dim);
    return result.status === 'loaded' ? new VectorIndex(result.index, dim, result.info.kind) : null;
  }

  /** Why `load` would return null for this file (for logs), or null if it is loadable. */
  static diagnose(file: string, dim: number): string | null {
    const result = readIndexFile(file, dim);
    if (result.status !== 'loaded') return result.reason;
    result.index.dispose();
    return null;
  }

  /**
   * Atomically replaces `file`: writes a temp file in the same folder, fsyncs, renames. On failure
   * throws VectorIndexSaveError and leaves any previous `file` untouched and no temp file behind.
   */
  save(file: string): void {
    const reduced = Math.min(pcaDimsOf(this.#kind) ?? this.#dim, this.#dim);
    const perVector = this.#kind === 'flat' ? this.#dim * 4 : reduced * 4 + HNSW_LINKS * 2 * 4 * 1.2 + 16;
    const fixed = this.#kind === 'flat' ? 0 : this.#dim * reduced * 4 * 2;
    writeIndexFile(file, this.#index, { dim: this.#dim, size: this.size, kind: this.#kind }, this.size * perVector + fixed);
  }

  /** Appends vectors (n × dim, row-major); they get positions size..size+n-1. */
  add(vectors: Float32Array): void {
    if (rowCount(vectors, this.#dim) > 0) this.#index.add(vectors);
  }

  /**
   * k nearest neighbours of each query (nq × dim, row-major): one list per query, best first.
   * `k` is clamped to `size`; an empty index gives empty lists. Batches are searched in parallel
   * by faiss (OpenMP), so pass many queries at once for k-NN over the whole library.
   */
  search(queries: Float32Array, k: number, options: SearchOptions = {}): VectorHit[][] {
    const queryCount = rowCount(queries, this.#dim);
    const raw = this.searchRaw(queries, k, options);
    const hits: VectorHit[][] = [];
    for (let q = 0; q < queryCount; q++) {
      const list: VectorHit[] = [];
      for (let r = q * raw.keep; r < (q + 1) * raw.keep; r++) {
        const position = assertDefined(raw.labels[r], 'faiss search label');
        if (position >= 0) list.push({ position, score: raw.scoreOf(r) });
      }
      hits.push(list);
    }
    return hits;
  }

  /**
   * `search` without an object per hit, for k-NN over a whole library: `keep` results per query
   * (query q's are rows q × keep … (q + 1) × keep - 1, best first), `labels[r]` the position
   * (-1 where faiss found fewer than asked), `scoreOf(r)` the score.
   */
  searchRaw(queries: Float32Array, k: number, options: SearchOptions = {}): RawHits {
    const queryCount = rowCount(queries, this.#dim);
    if (!Number.isInteger(k) || k < 1)
      throw new InvalidArgumentError(`Cannot search the vector index: k must be a positive integer, got ${k}`);
    const size = this.size;
    const keep = Math.min(k, size);
    if (size === 0 || queryCount === 0) return { keep: 0, labels: new Int32Array(0), scoreOf: () => 0 };
    const exact = this.#kind === 'flat';
    if (!exact) this.#setBreadth(options.candidates ?? DEFAULT_CANDIDATES);
    const { distances, labels } = this.#index.search(queries, keep);
    return {
      keep,
      labels,
      scoreOf: exact ? (r) => distances[r] ?? 0 : (r) => 1 - (distances[r] ?? 0) / 2,
    };
  }

  /**
   * Frees the native index now (FAISS memory is invisible to V8's garbage collector, so a dropped
   * 1M-vector index would otherwise linger). Any later call on this object throws.
   */
  dispose(): void {
    this.#index.dispose();
  }

  /** Number of vectors added so far (dead positions included). */
  get size(): number {
    return this.#index.ntotal();
  }

  get dim(): number {
    return this.#dim;
  }

  /** 'flat', 'pca256,hnsw32', 'pca128,hnsw32' or 'hnsw32' (small vectors skip PCA). */
  get kind(): string {
    return this.#kind;
  }

  #setBreadth(candidates: number): void {
    if (!Number.isInteger(candidates) || candidates < 1) {
      throw new InvalidArgumentError(`Cannot search the vector index: candidates must be a positive integer, got ${candidates}`);
    }
    if (candidates === this.#breadth) return;
    this.#index.setParameter('efSearch', candidates);
    this.#breadth = candidates;
  }
}

/** The native index `create` makes, its kind, and the vectors it must be trained on (null: none needed). */
function prepareIndex(dim: number, options: CreateOptions): { index: FaissIndex; kind: string; training: Float32Array | null } {
  if (!Number.isInteger(dim) || dim < 1)
    throw new InvalidArgumentError(`Cannot create a vector index: dimension ${dim} is not a positive integer`);
  const training = options.trainingVectors;
  const trainingCount = training ? rowCount(training, dim) : 0;
  let choice = options.kind ?? 'auto';
  if (choice === 'auto') {
    choice = options.expectedSize > DEFAULT_FLAT_LIMIT && trainingCount >= MIN_TRAINING_VECTORS ? 'approximate' : 'flat';
  }
  if (choice === 'flat') return { index: faiss().fromFactory(dim, 'Flat', faiss().metric.innerProduct), kind: 'flat', training: null };
  const descriptor = approximateDescriptor(options.expectedSize, dim);
  const index = faiss().fromFactory(dim, descriptor, faiss().metric.l2);
  index.setParameter('efConstruction', options.expectedSize > LARGE_INDEX ? LARGE_HNSW_BUILD_CANDIDATES : HNSW_BUILD_CANDIDATES);
  if (index.isTrained()) return { index, kind: descriptor.toLowerCase(), training: null };
  if (!training || trainingCount < MIN_TRAINING_VECTORS) {
    index.dispose();
    throw new InvalidArgumentError(
      `Cannot create a ${descriptor} index: it needs at least ${MIN_TRAINING_VECTORS} training vectors, got ${trainingCount}`,
    );
  }
  return { index, kind: descriptor.toLowerCase(), training };
}

/** The kind `create` picks for a library of `size` vectors (when given enough training vectors). */
export function chooseKind(size: number, dim: number): string {
  return size > DEFAULT_FLAT_LIMIT ? approximateDescriptor(size, dim).toLowerCase() : 'flat';
}

/**
 * Whether an index of `kind` may keep serving `size` vectors: the kind `chooseKind` picks, or the
 * kind of a size within KIND_BAND_SLACK of it, so that a library hovering at a band's edge is not
 * rebuilt back and forth. Other kinds (from older versions) never fit.
 */
export function kindFits(kind: string, size: number, dim: number): boolean {
  return [size, size * KIND_BAND_SLACK, size / KIND_BAND_SLACK].some((near) => chooseKind(Math.round(near), dim) === kind);
}

function approximateDescriptor(size: number, dim: number): string {
  // Vectors are unit length, so L2 ranks like cosine; L2 (not inner product) is what stays
  // meaningful after PCA, which centres the data.
  const reduced = size > LARGE_INDEX ? LARGE_PCA_DIMS : PCA_DIMS;
  return dim > reduced ? `PCA${reduced},HNSW${HNSW_LINKS}` : `HNSW${HNSW_LINKS}`;
}

/** The PCA output size a kind names ('pca128,hnsw32' → 128), or null without PCA. */
function pcaDimsOf(kind: string): number | null {
  const match = /^pca(\d+),/.exec(kind);
  return match ? Number(match[1]) : null;
}

function rowCount(vectors: Float32Array, dim: number): number {
  if (vectors.length % dim !== 0) {
    throw new InvalidArgumentError(`Vector data has ${vectors.length} floats, not a multiple of the dimension ${dim}`);
  }
  return vectors.length / dim;
}

function evenSample(vectors: Float32Array, dim: number, maxRows: number): Float32Array {
  const rows = vectors.length / dim;
  if (rows <= maxRows) return vectors;
  const sample = new Float32Array(maxRows * dim);
  for (let i = 0; i < maxRows; i++) {
    const row = Math.floor((i * rows) / maxRows);
    sample.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim);
  }
  return sample;
}
