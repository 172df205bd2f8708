import { limits } from '../../../shared/limits';

/**
 * Candidate near-duplicate pairs between CONTENTS at the loosest setting the sliders allow (cosine
 * 0.70, hash distance 10): any stricter setting is a filter over them, so moving a slider never
 * searches again. Pairs link contents, not pictures (pixel-identity classes), because pictures merge
 * when pixel hashes arrive while a content's neighbours stay what they are.
 *
 * Kept as parallel typed arrays (22 bytes a pair): 1.6M pairs at 100k photos are 35 MB, moved between
 * threads and written to disk without a copy per pair.
 */
export interface NearPairSet {
  /** What the pairs were found with (model, search settings, format); another basis means recomputing all. */
  readonly basis: string;
  /** Kind of the vector index searched ('' without a model): a new kind means recomputing all. */
  readonly indexKind: string;
  /** Content hashes; pair ends are positions in this list. */
  readonly contents: readonly string[];
  /** 1 where the content had a stored vector when its pairs were found (a later one means searching again). */
  readonly withVector: Uint8Array;
  readonly count: number;
  readonly a: Uint32Array;
  readonly b: Uint32Array;
  /**
   * Embedding similarity when b is among a's nearest neighbours (or a among b's) at the loosest
   * cosine, else NaN: the lower of the index's score and the re-scored cosine, so that "knn >= t"
   * keeps exactly the pairs a search at threshold t keeps (float64: rounding must not move a pair
   * across a slider value).
   */
  readonly knn: Float64Array;
  /** Cosine of the two contents' vectors (scores a hash match), NaN when either has none. */
  readonly cosine: Float32Array;
  /**
   * Hamming distance of the two perceptual hashes, or of their middles' hashes where those are
   * within MAX_CENTRE_DISTANCE and closer (pairs within it are hash matches).
   */
  readonly direct: Uint8Array;
  /** Least distance through a rotation or the mirror of one of them, NO_DISTANCE when none is within reach. */
  readonly turned: Uint8Array;
}

/** `turned` of a pair not matched through a rotation or the mirror. */
export const NO_DISTANCE = 255;
/** The loosest similarity threshold a slider can ask for: pairs are found at this one. */
export const LOOSEST_COSINE = limits.nearThreshold.min;
/** The loosest hash distance a slider can ask for. */
export const LOOSEST_HASH_DISTANCE = limits.nearHashDistance.max;
/** Largest hash distance for matches through a rotation or the mirror (keeps multi-index probing at radius 1). */
export const MAX_TRANSFORM_DISTANCE = 7;

/**
 * Largest distance between the hashes of two pictures' middles (perceptual-hash.ts, `centreHash`)
 * that makes them a hash match. Copies with a caption band and a logo measured 0 to 2 bits on the
 * eval's photos, two different photos 20 or more; 4 (the default hash distance) leaves room for a
 * heavier re-encode and keeps the join of the middles cheap (multi-index at radius 1 or less).
 */
export const MAX_CENTRE_DISTANCE = 4;

/** Similarity shown for a pair found by perceptual hash: 1 at distance 0, 0.5 at 32 bits. */
export function hashSimilarity(distance: number): number {
  return 1 - distance / 64;
}

/** An empty set for `basis`. */
export function emptyPairSet(basis: string, indexKind: string, contents: readonly string[], withVector: Uint8Array): NearPairSet {
  return {
    basis,
    indexKind,
    contents,
    withVector,
    count: 0,
    a: new Uint32Array(0),
    b: new Uint32Array(0),
    knn: new Float64Array(0),
    cosine: new Float32Array(0),
    direct: new Uint8Array(0),
    turned: new Uint8Array(0),
  };
}

/** The buffers of a set, for `postMessage` transfer lists. */
export function pairSetBuffers(set: Omit<NearPairSet, 'contents'>): ArrayBuffer[] {
  return [set.withVector, set.a, set.b, set.knn, set.cosine, set.direct, set.turned].map((array) => array.buffer as ArrayBuffer);
}

/**
 * Collects what the searches find about pairs, each finding on its own (a hash distance, a
 * rotation's distance, a neighbour's score), and merges them into one entry per pair.
 */
export class PairBuilder {
  #a = new Uint32Array(1024);
  #b = new Uint32Array(1024);
  #what = new Uint8Array(1024);
  #value = new Float64Array(1024);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Perceptual hashes `distance` bits apart. */
  direct(x: number, y: number, distance: number): void {
    this.#push(x, y, DIRECT, distance);
  }

  /** A rotation or the mirror of one within `distance` bits of the other's hash. */
  turned(x: number, y: number, distance: number): void {
    this.#push(x, y, TURNED, distance);
  }

  /** One is the other's near neighbour with this similarity (see NearPairSet.knn). */
  neighbour(x: number, y: number, score: number): void {
    this.#push(x, y, NEIGHBOUR, score);
  }

  /**
   * One entry per pair, ends ordered (a < b): distances keep their least, scores their highest;
   * `direct` of a pair no hash search reported comes from `directDistance`. Cosines are left NaN.
   * Empties the builder: its entries (17 bytes each, tens of millions at 1M photos) are freed
   * before the caller goes on.
   */
  build(directDistance: (a: number, b: number) => number): PairColumns {
    const order = this.#sorted();
    let unique = 0;
    for (let i = 0; i < order.length; i++) {
      const e = order[i] ?? 0;
      const previous = i > 0 ? (order[i - 1] ?? 0) : -1;
      if (previous < 0 || this.#a[previous] !== this.#a[e] || this.#b[previous] !== this.#b[e]) unique += 1;
    }
    const columns = allocateColumns(unique);
    let out = -1;
    for (let i = 0; i < order.length; i++) {
      const e = order[i] ?? 0;
      const previous = i > 0 ? (order[i - 1] ?? 0) : -1;
      if (previous < 0 || this.#a[previous] !== this.#a[e] || this.#b[previous] !== this.#b[e]) {
        out += 1;
        columns.a[out] = this.#a[e] ?? 0;
        columns.b[out] = this.#b[e] ?? 0;
        columns.direct[out] = NO_DISTANCE;
      }
      const value = this.#value[e] ?? 0;
      switch (this.#what[e]) {
        case DIRECT:
          columns.direct[out] = Math.min(columns.direct[out] ?? NO_DISTANCE, value);
          break;
        case TURNED:
          columns.turned[out] = Math.min(columns.turned[out] ?? NO_DISTANCE, value);
          break;
        default: {
          const known = columns.knn[out] ?? NaN;
          columns.knn[out] = Number.isNaN(known) ? value : Math.max(known, value);
        }
      }
    }
    this.#a = new Uint32Array(0);
    this.#b = new Uint32Array(0);
    this.#what = new Uint8Array(0);
    this.#value = new Float64Array(0);
    this.#size = 0;
    for (let i = 0; i < unique; i++) {
      if (columns.direct[i] === NO_DISTANCE) columns.direct[i] = directDistance(columns.a[i] ?? 0, columns.b[i] ?? 0);
    }
    return columns;
  }

  #push(x: number, y: number, what: number, value: number): void {
    if (x === y) return;
    if (this.#size === this.#a.length) this.#grow();
    const i = this.#size++;
    this.#a[i] = Math.min(x, y);
    this.#b[i] = Math.max(x, y);
    this.#what[i] = what;
    this.#value[i] = value;
  }

  /** Entry positions ordered by (a, b): two stable counting sorts, by b then by a (no comparison sort). */
  #sorted(): Uint32Array {
    let max = 0;
    for (let i = 0; i < this.#size; i++) max = Math.max(max, this.#b[i] ?? 0);
    const byB = countingSort(
      Uint32Array.from({ length: this.#size }, (_, i) => i),
      this.#b,
      max,
    );
    return countingSort(byB, this.#a, max);
  }

  #grow(): void {
    const length = Math.max(1024, this.#a.length * 2);
    const a = new Uint32Array(length);
    const b = new Uint32Array(length);
    const what = new Uint8Array(length);
    const value = new Float64Array(length);
    a.set(this.#a);
    b.set(this.#b);
    what.set(this.#what);
    value.set(this.#value);
    this.#a = a;
    this.#b = b;
    this.#what = what;
    this.#value = value;
  }
}

/** The per-pair columns of a NearPairSet. */
export type PairColumns = Pick<NearPairSet, 'count' | 'a' | 'b' | 'knn' | 'cosine' | 'direct' | 'turned'>;

export function allocateColumns(count: number): PairColumns {
  return {
    count,
    a: new Uint32Array(count),
    b: new Uint32Array(count),
    knn: new Float64Array(count).fill(NaN),
    cosine: new Float32Array(count).fill(NaN),
    direct: new Uint8Array(count).fill(NO_DISTANCE),
    turned: new Uint8Array(count).fill(NO_DISTANCE),
  };
}

/**
 * The pairs of `set` whose ends both survive, renumbered by `renumber` (new position, or -1 for a
 * content that is gone or searched again), followed by `added` (already numbered the new way).
 */
export function carryPairs(set: PairColumns, renumber: Int32Array, added: PairColumns): PairColumns {
  let kept = 0;
  for (let i = 0; i < set.count; i++) {
    if ((renumber[set.a[i] ?? 0] ?? -1) >= 0 && (renumber[set.b[i] ?? 0] ?? -1) >= 0) kept += 1;
  }
  const out = allocateColumns(kept + added.count);
  let o = 0;
  for (let i = 0; i < set.count; i++) {
    const a = renumber[set.a[i] ?? 0] ?? -1;
    const b = renumber[set.b[i] ?? 0] ?? -1;
    if (a < 0 || b < 0) continue;
    out.a[o] = Math.min(a, b);
    out.b[o] = Math.max(a, b);
    out.knn[o] = set.knn[i] ?? NaN;
    out.cosine[o] = set.cosine[i] ?? NaN;
    out.direct[o] = set.direct[i] ?? NO_DISTANCE;
    out.turned[o] = set.turned[i] ?? NO_DISTANCE;
    o += 1;
  }
  out.a.set(added.a, o);
  out.b.set(added.b, o);
  out.knn.set(added.knn, o);
  out.cosine.set(added.cosine, o);
  out.direct.set(added.direct, o);
  out.turned.set(added.turned, o);
  return out;
}

const DIRECT = 0;
const TURNED = 1;
const NEIGHBOUR = 2;

/** `order` stably sorted by `keys[order[i]]` (keys from 0 to max). */
function countingSort(order: Uint32Array, keys: Uint32Array, max: number): Uint32Array {
  const starts = new Uint32Array(max + 2);
  for (const e of order) {
    const slot = (keys[e] ?? 0) + 1;
    starts[slot] = (starts[slot] ?? 0) + 1;
  }
  for (let k = 1; k < starts.length; k++) starts[k] = (starts[k] ?? 0) + (starts[k - 1] ?? 0);
  const sorted = new Uint32Array(order.length);
  for (const e of order) {
    const key = keys[e] ?? 0;
    const at = starts[key] ?? 0;
    sorted[at] = e;
    starts[key] = at + 1;
  }
  return sorted;
}

/** A pair set as it crosses threads: the content hashes in one string, so a million of them are one copy. */
export type PackedPairSet = Omit<NearPairSet, 'contents'> & { readonly contents: string };

export function packPairSet(set: NearPairSet): PackedPairSet {
  return { ...set, contents: set.contents.join('\n') };
}

export function unpackPairSet(packed: PackedPairSet): NearPairSet {
  return { ...packed, contents: packed.contents === '' ? [] : packed.contents.split('\n') };
}
