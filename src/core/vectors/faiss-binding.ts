/**
 * Typed access to Doppel's FAISS addon (native/faiss-addon.cc, built by scripts/build-faiss.mjs
 * into the faiss-node package folder). The only module that talks to the addon.
 *
 * The addon reads Float32Array memory in place (faiss-node's own layer copied plain JS arrays one
 * element at a time: ~100 ns per float, 100 s of a 1M-photo build), returns typed arrays, sets
 * search parameters, and links vectorized distance kernels over the system FAISS's scalar ones
 * (see native/faiss-kernels.cc). Calls are synchronous and run FAISS's OpenMP threads.
 */
import { createRequire } from 'node:module';

export interface FaissSearchResult {
  /** nq × k, row-major, best first: inner products or squared L2 distances, by the index's metric. */
  readonly distances: Float32Array;
  /** nq × k insertion positions; -1 where the index holds fewer than k vectors. */
  readonly labels: Int32Array;
}

/** Search and build parameters the addon can set ('efConstruction' only before vectors are added). */
export type FaissParameter = 'nprobe' | 'efSearch' | 'efConstruction';

/** One native index. Wrong-sized arrays and FAISS errors throw JS errors (never abort the process). */
export interface FaissIndex {
  ntotal(): number;
  dimension(): number;
  isTrained(): boolean;
  /** Learns transforms and quantizers from rows of `vectors`; `kmeansIterations` for inverted-file kinds (default 25). */
  train(vectors: Float32Array, kmeansIterations?: number): void;
  /**
   * `train` on a libuv thread, leaving the event loop free. Until it settles every other call on
   * this index throws (a `dispose` waits for it); leave `vectors` unchanged meanwhile.
   */
  trainAsync(vectors: Float32Array): Promise<void>;
  /** Appends rows of `vectors`: positions ntotal..ntotal+n-1. */
  add(vectors: Float32Array): void;
  search(queries: Float32Array, k: number): FaissSearchResult;
  setParameter(name: FaissParameter, value: number): void;
  /** Writes FAISS's own serialization to `file` (natively: no JS buffer). */
  write(file: string): void;
  /** Frees the native index now; any later call throws. */
  dispose(): void;
}

interface FaissAddon {
  /** The class of the indexes below (checked on load: an addon built before `trainAsync` is stale). */
  readonly NativeIndex: { readonly prototype: Partial<FaissIndex> };
  /** An empty index from a FAISS index_factory descriptor such as 'PCA128,HNSW32' or 'Flat'. */
  fromFactory(dim: number, descriptor: string, metric: number): FaissIndex;
  read(file: string): FaissIndex;
  readonly metric: { readonly innerProduct: number; readonly l2: number };
  /** Hash of the addon's source and flags (scripts/build-faiss.mjs rebuilds when it changes). */
  readonly buildId: string;
}

/** Where scripts/build-faiss.mjs writes the addon (a package path, so bundles resolve it too). */
const ADDON = 'faiss-node/build/Release/doppel-faiss.node';

let addon: FaissAddon | undefined;

/** Loads the addon once; throws with the fix when it is missing. */
export function faiss(): FaissAddon {
  if (!addon) {
    // faiss runs OpenMP threads and OpenBLAS runs its own pthreads; both spin while idle by default
    // and starve each other: measured on 2 cores, a single HNSW query went from 0.33 ms (p99 0.44)
    // to 20 ms (p99 184) without these. They are read when the libraries load, so set them first.
    process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
    process.env.OPENBLAS_NUM_THREADS ??= '1';
    try {
      addon = createRequire(import.meta.url)(ADDON) as FaissAddon;
    } catch (error) {
      throw new Error('Cannot load the FAISS native addon: run `node scripts/build-faiss.mjs` (needs g++ and libfaiss-dev)', {
        cause: error,
      });
    }
    if (typeof addon.NativeIndex.prototype.trainAsync !== 'function') {
      addon = undefined;
      throw new Error('The FAISS native addon is out of date (no trainAsync): run `node scripts/build-faiss.mjs`');
    }
  }
  return addon;
}
