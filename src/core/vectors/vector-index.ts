/**
 * Nearest-neighbour search over photo embeddings (L2-normalized float vectors), backed by faiss.
 *
 * The index deals in POSITIONS: the i-th vector ever added (across `build`/`create` and `add`) is
 * position i, and positions never change, including across save/load. The caller maps positions
 * to photos (in SQLite), masks deleted ones out of results and rebuilds when many are dead; the
 * index itself never removes vectors (faiss's removeIds renumbers flat indexes).
 *
 * Index kinds, chosen by library size (see DEFAULT_FLAT_LIMIT and README numbers in the bench):
 *  - 'flat': exact inner-product scan. Score = cosine similarity.
 *  - 'pca256,hnsw32': PCA to 256 dims, then an HNSW graph (M = 32) under L2. Memory ≈ 1.3 KB per
 *    vector instead of 4 KB. Score = 1 - ‖a-b‖²/2 in the PCA space, i.e. the cosine similarity
 *    minus the small part PCA drops.
 */
import { assertDefined } from '../assert';
import { InvalidArgumentError } from '../errors';
import { faiss, forEachChunk, rowsToArray, type FaissIndex } from './faiss-binding';
import { readIndexFile, writeIndexFile } from './index-file';

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
   * Search breadth of approximate kinds (HNSW efSearch): more is slower and more accurate.
   * Default DEFAULT_CANDIDATES (more above 250k vectors). Ignored by 'flat'.
   */
  readonly candidates?: number;
}

/**
 * Libraries up to this size use the exact flat index. Measured on a 2-core machine: one flat query
 * costs ~1 ms per 1,000 vectors of 1024 dims, so 4,096 vectors stay near 4 ms, well inside the
 * 10 ms budget for a similar-photos query; beyond that HNSW answers in < 1 ms.
 */
export const DEFAULT_FLAT_LIMIT = 4096;
/** PCA needs a sample to learn from; fewer vectors than this give an unstable projection. */
export const MIN_TRAINING_VECTORS = 1000;
/** Training sample cap: 20k × 1024 already pins the covariance; more only costs time. */
export const MAX_TRAINING_VECTORS = 20_000;
/** HNSW search breadth up to LARGE_INDEX vectors (recall@10 0.96 at 10k-100k in the bench). */
export const DEFAULT_CANDIDATES = 64;
/** Above this size the graph is deeper and 64 candidates gave recall@10 0.88 at 1M: search wider. */
const LARGE_INDEX = 250_000;
const LARGE_INDEX_CANDIDATES = 256;
const PCA_DIMS = 256;
const HNSW_LINKS = 32;
/** Queries per N-API call in batch search: bounds the temporary JS arrays. */
const QUERIES_PER_CALL = 500;

export class VectorIndex {
  readonly #index: FaissIndex;
  readonly #dim: number;
  readonly #kind: string;

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
    if (!Number.isInteger(dim) || dim < 1)
      throw new InvalidArgumentError(`Cannot create a vector index: dimension ${dim} is not a positive integer`);
    const training = options.trainingVectors;
    const trainingCount = training ? rowCount(training, dim) : 0;
    let choice = options.kind ?? 'auto';
    if (choice === 'auto') {
      choice = options.expectedSize > DEFAULT_FLAT_LIMIT && trainingCount >= MIN_TRAINING_VECTORS ? 'approximate' : 'flat';
    }
    if (choice === 'flat') return new VectorIndex(new (faiss().IndexFlatIP)(dim), dim, 'flat');
    const descriptor = approximateDescriptor(dim);
    const index = faiss().Index.fromFactory(dim, descriptor, faiss().MetricType.METRIC_L2);
    if (!index.isTrained()) {
      if (!training || trainingCount < MIN_TRAINING_VECTORS) {
        throw new InvalidArgumentError(
          `Cannot create a ${descriptor} index: it needs at least ${MIN_TRAINING_VECTORS} training vectors, got ${trainingCount}`,
        );
      }
      index.train(rowsToArray(training, dim, 0, trainingCount));
    }
    return new VectorIndex(index, dim, descriptor.toLowerCase());
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
    return result.status === 'loaded' ? null : result.reason;
  }

  /**
   * Atomically replaces `file`: writes a temp file in the same folder, fsyncs, renames. On failure
   * throws VectorIndexSaveError and leaves any previous `file` untouched and no temp file behind.
   */
  save(file: string): void {
    const perVector = this.#kind === 'flat' ? this.#dim * 4 : Math.min(PCA_DIMS, this.#dim) * 4 + HNSW_LINKS * 2 * 4 * 1.2 + 16;
    const fixed = this.#kind === 'flat' ? 0 : this.#dim * PCA_DIMS * 4 * 2;
    writeIndexFile(file, this.#index, { dim: this.#dim, size: this.size, kind: this.#kind }, this.size * perVector + fixed);
  }

  /** Appends vectors (n × dim, row-major); they get positions size..size+n-1. */
  add(vectors: Float32Array): void {
    rowCount(vectors, this.#dim);
    forEachChunk(vectors, this.#dim, (chunk) => this.#index.add(chunk));
  }

  /**
   * k nearest neighbours of each query (nq × dim, row-major): one list per query, best first.
   * `k` is clamped to `size`; an empty index gives empty lists. Batches are searched in parallel
   * by faiss (OpenMP), so pass many queries at once for k-NN over the whole library.
   */
  search(queries: Float32Array, k: number, options: SearchOptions = {}): VectorHit[][] {
    const queryCount = rowCount(queries, this.#dim);
    if (!Number.isInteger(k) || k < 1)
      throw new InvalidArgumentError(`Cannot search the vector index: k must be a positive integer, got ${k}`);
    const size = this.size;
    const hits: VectorHit[][] = [];
    if (size === 0) return Array.from({ length: queryCount }, () => []);
    const keep = Math.min(k, size);
    const exact = this.#kind === 'flat';
    // faiss's HNSW search explores max(efSearch, k) candidates, and faiss-node has no efSearch
    // setter: asking for more results than we keep is how we set the search breadth.
    const candidates = options.candidates ?? (size > LARGE_INDEX ? LARGE_INDEX_CANDIDATES : DEFAULT_CANDIDATES);
    const fetch = exact ? keep : Math.min(size, Math.max(keep, candidates));
    for (let start = 0; start < queryCount; start += QUERIES_PER_CALL) {
      const end = Math.min(queryCount, start + QUERIES_PER_CALL);
      const { distances, labels } = this.#index.search(rowsToArray(queries, this.#dim, start, end), fetch);
      for (let q = 0; q < end - start; q++) {
        const list: VectorHit[] = [];
        for (let r = q * fetch; r < q * fetch + fetch && list.length < keep; r++) {
          const position = assertDefined(labels[r], 'faiss search label');
          if (position < 0) continue; // faiss pads with -1 when it finds fewer than asked
          const distance = assertDefined(distances[r], 'faiss search distance');
          list.push({ position, score: exact ? distance : 1 - distance / 2 });
        }
        hits.push(list);
      }
    }
    return hits;
  }

  /** Number of vectors added so far (dead positions included). */
  get size(): number {
    return this.#index.ntotal();
  }

  get dim(): number {
    return this.#dim;
  }

  /** 'flat', 'pca256,hnsw32' or 'hnsw32' (vectors of ≤ 256 dims skip PCA). */
  get kind(): string {
    return this.#kind;
  }
}

/** The kind `create` picks for a library of `size` vectors (when given enough training vectors). */
export function chooseKind(size: number, dim: number): string {
  return size > DEFAULT_FLAT_LIMIT ? approximateDescriptor(dim).toLowerCase() : 'flat';
}

function approximateDescriptor(dim: number): string {
  // Vectors are unit length, so L2 ranks like cosine; L2 (not inner product) is what stays
  // meaningful after PCA, which centres the data.
  return dim > PCA_DIMS ? `PCA${PCA_DIMS},HNSW${HNSW_LINKS}` : `HNSW${HNSW_LINKS}`;
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
