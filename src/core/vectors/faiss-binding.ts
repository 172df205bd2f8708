/**
 * Typed access to the faiss-node addon (built by scripts/build-faiss.mjs) and the marshalling it
 * needs. faiss-node only accepts plain JS number arrays, and reads them element by element through
 * N-API (~100 ns per float, the dominant cost of adding vectors), so callers pass Float32Arrays
 * and we convert in bounded chunks: a 500 × 1024 chunk keeps each call's temporary handles and the
 * JS array small (big chunks were measured 2.5× slower per element).
 */
import { createRequire } from 'node:module';
import { assertMinLength } from '../assert';

export interface FaissSearchResult {
  readonly distances: number[];
  readonly labels: number[];
}

/** The subset of faiss-node's `Index` we use. faiss exceptions in these calls are C++ aborts
 * unless faiss-node catches them, so callers validate arguments before calling. */
export interface FaissIndex {
  ntotal(): number;
  getDimension(): number;
  isTrained(): boolean;
  add(x: number[]): void;
  train(x: number[]): void;
  search(x: number[], k: number): FaissSearchResult;
  write(fname: string): void;
}

interface FaissModule {
  Index: { fromFactory(dim: number, descriptor: string, metric: number): FaissIndex; read(fname: string): FaissIndex };
  IndexFlatIP: new (dim: number) => FaissIndex;
  MetricType: { METRIC_INNER_PRODUCT: number; METRIC_L2: number };
}

let faissModule: FaissModule | undefined;

/** Loads faiss-node once; throws with the fix when the native addon is missing. */
export function faiss(): FaissModule {
  if (!faissModule) {
    // faiss runs OpenMP threads and OpenBLAS runs its own pthreads; both spin while idle by default
    // and starve each other: measured on 2 cores, a single HNSW query went from 0.33 ms (p99 0.44)
    // to 20 ms (p99 184) without these. They are read when the libraries load, so set them first.
    process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
    process.env.OPENBLAS_NUM_THREADS ??= '1';
    try {
      faissModule = createRequire(import.meta.url)('faiss-node') as FaissModule;
    } catch (error) {
      throw new Error('Cannot load the faiss-node native addon: run `node scripts/build-faiss.mjs` (needs libfaiss-dev)', {
        cause: error,
      });
    }
  }
  return faissModule;
}

/** Vectors per N-API call when feeding faiss. */
export const VECTORS_PER_CALL = 500;

/** Copies rows [start, end) of a row-major `dim`-wide matrix into a plain array. */
export function rowsToArray(vectors: Float32Array, dim: number, start: number, end: number): number[] {
  const from = start * dim;
  const length = (end - start) * dim;
  assertMinLength(vectors, from + length, 'vector rows to copy');
  const array = new Array<number>(length);
  for (let i = 0; i < length; i++) array[i] = vectors[from + i] ?? 0;
  return array;
}

/** Calls `consume` with successive chunks of at most VECTORS_PER_CALL rows. */
export function forEachChunk(vectors: Float32Array, dim: number, consume: (chunk: number[], firstRow: number) => void): void {
  const rows = vectors.length / dim;
  for (let start = 0; start < rows; start += VECTORS_PER_CALL) {
    consume(rowsToArray(vectors, dim, start, Math.min(rows, start + VECTORS_PER_CALL)), start);
  }
}
