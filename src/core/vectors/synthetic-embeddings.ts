/**
 * Seeded synthetic "photo embeddings" for tests and benchmarks of the vector index. Not used by the
 * app itself.
 *
 * Isotropic random vectors are a poor stand-in for image embeddings: they have no neighbourhood
 * structure, every point is nearly equidistant from every other, and approximate indexes look far
 * worse (and PCA far better or worse) than on real data. Real CNN embeddings instead have
 *  - a decaying variance spectrum (a few hundred directions carry most of the energy),
 *  - clusters (subjects, places, events),
 *  - near-duplicate pairs (bursts, edits, re-saves),
 *  - a floor of small, spread-out variation.
 * This generator models exactly that, for item `i` of a library:
 *   shot(i)   = i - 1 when items i-1, i form a near-duplicate pair (a quarter of even/odd pairs), else i
 *   cluster   = hash(shot) mod clusters
 *   latent    = centre[cluster] + offset        (latent space of `latentDim` dims, variance of latent
 *               direction j ∝ (1 + j/8)^-1.5; the offset uses 16 latent directions chosen per cluster)
 *   vector    = normalize(latent · mixing + noise(shot) + jitter(i))
 * where `mixing` is a fixed random latentDim × dim matrix, `noise` is isotropic (≈10 % of the energy)
 * and `jitter` is a small per-item perturbation that makes near-duplicate pairs close but not equal.
 *
 * Every item is a pure function of (seed, i), so callers can regenerate any range on the fly instead
 * of holding a million 1024-dim vectors (4 GB) in memory.
 */

const GAUSSIAN_TABLE_SIZE = 1 << 16;
const OFFSET_DIRECTIONS = 16;

export interface SyntheticEmbeddingOptions {
  readonly dim?: number;
  readonly seed?: number;
  /** Number of clusters; defaults to one per ~40 items of `librarySize`. */
  readonly clusters?: number;
  /** Used only to pick the default number of clusters. */
  readonly librarySize?: number;
  readonly latentDim?: number;
}

export class SyntheticEmbeddings {
  readonly dim: number;
  readonly #seed: number;
  readonly #clusters: number;
  readonly #latentDim: number;
  readonly #gaussians: Float32Array;
  /** latentDim × dim, row-major: row j is the image of latent direction j. */
  readonly #mixing: Float32Array;
  /** clusters × dim: each centre already mapped through `mixing`. */
  readonly #centres: Float32Array;
  /** clusters × OFFSET_DIRECTIONS: the latent directions along which a cluster's members vary. */
  readonly #offsetDirections: Uint16Array;
  readonly #latentScale: Float32Array;

  constructor(options: SyntheticEmbeddingOptions = {}) {
    this.dim = options.dim ?? 1024;
    this.#seed = options.seed ?? 1;
    this.#latentDim = options.latentDim ?? 256;
    this.#clusters = options.clusters ?? Math.max(8, Math.round((options.librarySize ?? 10_000) / 40));
    const random = mulberry32(hashInts(this.#seed, 0x9e3779b9));
    this.#gaussians = new Float32Array(GAUSSIAN_TABLE_SIZE);
    for (let i = 0; i < GAUSSIAN_TABLE_SIZE; i += 2) {
      const radius = Math.sqrt(-2 * Math.log(1 - random()));
      const angle = 2 * Math.PI * random();
      this.#gaussians[i] = radius * Math.cos(angle);
      this.#gaussians[i + 1] = radius * Math.sin(angle);
    }
    this.#latentScale = new Float32Array(this.#latentDim);
    for (let j = 0; j < this.#latentDim; j++) this.#latentScale[j] = (1 + j / 8) ** -0.75;
    const mixingScale = 1 / Math.sqrt(this.dim);
    this.#mixing = new Float32Array(this.#latentDim * this.dim);
    for (let i = 0; i < this.#mixing.length; i++) this.#mixing[i] = this.#gaussian(random) * mixingScale;
    this.#centres = new Float32Array(this.#clusters * this.dim);
    this.#offsetDirections = new Uint16Array(this.#clusters * OFFSET_DIRECTIONS);
    for (let c = 0; c < this.#clusters; c++) {
      const centre = this.#centres.subarray(c * this.dim, (c + 1) * this.dim);
      for (let j = 0; j < this.#latentDim; j++) {
        this.#addRow(centre, j, this.#gaussian(random) * (this.#latentScale[j] ?? 0));
      }
      for (let o = 0; o < OFFSET_DIRECTIONS; o++) {
        this.#offsetDirections[c * OFFSET_DIRECTIONS + o] = Math.floor(random() * this.#latentDim);
      }
    }
  }

  /** Writes items [start, start + count) into `out` (count × dim floats, row-major, L2-normalized). */
  fill(start: number, count: number, out: Float32Array = new Float32Array(count * this.dim)): Float32Array {
    if (out.length < count * this.dim) throw new RangeError(`fill needs ${count * this.dim} floats, got ${out.length}`);
    for (let n = 0; n < count; n++) this.#item(start + n, out.subarray(n * this.dim, (n + 1) * this.dim));
    return out;
  }

  /** The shot an item belongs to: items with the same shot are near-duplicates of each other. */
  shotOf(item: number): number {
    const pairStart = item & ~1;
    return (hashInts(this.#seed, pairStart, 7) & 3) === 0 ? pairStart : item;
  }

  #item(item: number, out: Float32Array): void {
    const shot = this.shotOf(item);
    const random = mulberry32(hashInts(this.#seed, shot, 1));
    const cluster = Math.floor(random() * this.#clusters);
    out.set(this.#centres.subarray(cluster * this.dim, (cluster + 1) * this.dim));
    for (let o = 0; o < OFFSET_DIRECTIONS; o++) {
      // cluster < #clusters and direction < latentDim: both reads are in range.
      const direction = this.#offsetDirections[cluster * OFFSET_DIRECTIONS + o] ?? 0;
      // Members spread across a cluster about as widely as the cluster centres spread overall.
      this.#addRow(out, direction, 2.5 * this.#gaussian(random) * (this.#latentScale[direction] ?? 0));
    }
    this.#addNoise(out, random, 0.03);
    this.#addNoise(out, mulberry32(hashInts(this.#seed, item, 2)), 0.01);
    normalize(out);
  }

  #addRow(out: Float32Array, row: number, weight: number): void {
    const dim = this.dim;
    const base = row * dim;
    const mixing = this.#mixing;
    for (let d = 0; d < dim; d++) out[d] = (out[d] ?? 0) + weight * (mixing[base + d] ?? 0);
  }

  #addNoise(out: Float32Array, random: () => number, sigma: number): void {
    const table = this.#gaussians;
    // One 32-bit draw picks two 16-bit table entries: noise is most of the generator's cost.
    for (let d = 0; d < out.length; d += 2) {
      const bits = random() * 4294967296;
      // The table has 1 << 16 entries: a 16-bit index is always in range.
      out[d] = (out[d] ?? 0) + sigma * (table[bits & 0xffff] ?? 0);
      if (d + 1 < out.length) out[d + 1] = (out[d + 1] ?? 0) + sigma * (table[bits >>> 16] ?? 0);
    }
  }

  #gaussian(random: () => number): number {
    return this.#gaussians[Math.floor(random() * GAUSSIAN_TABLE_SIZE)] ?? 0; // random() < 1: in range
  }
}

function normalize(vector: Float32Array): void {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let d = 0; d < vector.length; d++) vector[d] = (vector[d] ?? 0) * scale;
}

/** Small, fast, seedable PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashInts(...values: number[]): number {
  let hash = 0x811c9dc5;
  for (const value of values) {
    hash = Math.imul(hash ^ (value >>> 0), 0x01000193);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0x5bd1e995);
    hash ^= hash >>> 15;
  }
  return hash >>> 0;
}
