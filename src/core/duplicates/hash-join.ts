import { popcount32 } from '../media/perceptual-hash';
import { hashChunk, probeMasks } from './hamming-index';

/**
 * All pairs of 64-bit perceptual hashes within a Hamming distance, by multi-index hashing turned
 * into a join: every hash is split into m chunks and two hashes within distance d share at least
 * one chunk within r = floor(d / m) bits (pigeonhole). Per chunk, hashes are sorted into buckets by
 * chunk value (compressed rows in typed arrays), and each bucket is compared with the buckets
 * within r bits of it: two short contiguous runs compared in a tight loop, instead of one hash-table
 * probe (a cache miss or three) per query and bucket, which took 45 s for 100k photos at distance 10.
 * A pair that shares a close chunk in several chunks is reported from the first one only.
 */

/** Hashes as two 32-bit halves (high = first 8 hex digits), indexed by id. */
export interface HashColumn {
  readonly high: Uint32Array;
  readonly low: Uint32Array;
}

export function hashColumn(hashes: readonly string[]): HashColumn {
  const high = new Uint32Array(hashes.length);
  const low = new Uint32Array(hashes.length);
  hashes.forEach((hash, i) => {
    high[i] = parseInt(hash.slice(0, 8), 16) >>> 0;
    low[i] = parseInt(hash.slice(8, 16), 16) >>> 0;
  });
  return { high, low };
}

export function hashDistance(a: HashColumn, i: number, b: HashColumn, j: number): number {
  return popcount32((a.high[i] ?? 0) ^ (b.high[j] ?? 0)) + popcount32((a.low[i] ?? 0) ^ (b.low[j] ?? 0));
}

/** Every unordered pair (i < j) of `hashes` within `maxDistance` bits, each once. */
export function selfJoin(hashes: HashColumn, maxDistance: number, visit: (i: number, j: number, distance: number) => void): void {
  join(hashes, hashes, maxDistance, true, visit);
}

/** Every pair (q of `queries`, b of `base`) within `maxDistance` bits, each once. */
export function crossJoin(
  queries: HashColumn,
  base: HashColumn,
  maxDistance: number,
  visit: (q: number, b: number, distance: number) => void,
): void {
  join(queries, base, maxDistance, false, visit);
}

/** Most bits a chunk may have: a bucket table of 2^20 rows is 4 MB. */
const MAX_CHUNK_BITS = 20;
/** Estimated cost of looking at one bucket pair, and of comparing two hashes, in the same unit. */
const BUCKET_COST = 10;
const COMPARE_COST = 1;

/**
 * The number of chunks (4 to 11, up to radius 2) with the least expected work for a join of
 * `queries` × `base` hashes at `maxDistance`: bucket pairs visited plus hashes compared (random
 * hashes fill the 2^b buckets of a b-bit chunk evenly).
 * @example chunkCountFor(100_000, 100_000, 10) // → 6: 11-bit chunks at radius 1
 */
export function chunkCountFor(queries: number, base: number, maxDistance: number): number {
  let best = 4;
  let bestCost = Infinity;
  for (let chunks = 4; chunks <= 11; chunks++) {
    const radius = Math.floor(maxDistance / chunks);
    const layout = chunkLayout(chunks);
    if (radius > 2 || layout.some((bits) => bits > MAX_CHUNK_BITS)) continue;
    const cost = layout.reduce((sum, bits) => {
      const buckets = 2 ** bits;
      const probes = probeMasks(bits, radius).length;
      return sum + Math.min(buckets, queries) * probes * BUCKET_COST + (probes * queries * base * COMPARE_COST) / buckets;
    }, 0);
    if (cost < bestCost) {
      bestCost = cost;
      best = chunks;
    }
  }
  return best;
}

function join(
  queries: HashColumn,
  base: HashColumn,
  maxDistance: number,
  self: boolean,
  visit: (q: number, b: number, distance: number) => void,
): void {
  const chunks = chunkCountFor(queries.high.length, base.high.length, maxDistance);
  const layout = chunkLayout(chunks);
  const radius = Math.floor(maxDistance / chunks);
  let start = 0;
  const starts: number[] = [];
  for (const bits of layout) {
    starts.push(start);
    start += bits;
  }
  const chunkOf = (high: number, low: number, c: number): number => hashChunk(high, low, starts[c] ?? 0, layout[c] ?? 1);
  /** True when the pair is close in a chunk before `c`: it was reported there. */
  const seenBefore = (qHigh: number, qLow: number, bHigh: number, bLow: number, c: number): boolean => {
    for (let earlier = 0; earlier < c; earlier++) {
      if (popcount32(chunkOf(qHigh, qLow, earlier) ^ chunkOf(bHigh, bLow, earlier)) <= radius) return true;
    }
    return false;
  };
  layout.forEach((bits, c) => {
    const chunkStart = starts[c] ?? 0;
    const baseRows = bucketRows(base, chunkStart, bits);
    const queryRows = self ? baseRows : bucketRows(queries, chunkStart, bits);
    const masks = probeMasks(bits, radius);
    const { start: qStart, id: qId, high: qHigh, low: qLow } = queryRows;
    const { start: bStart, id: bId, high: bHigh, low: bLow } = baseRows;
    const buckets = 1 << bits;
    for (let v = 0; v < buckets; v++) {
      const qFrom = qStart[v] ?? 0;
      const qTo = qStart[v + 1] ?? 0;
      if (qFrom === qTo) continue;
      for (const mask of masks) {
        const w = v ^ mask;
        if (self && w < v) continue; // each unordered pair of buckets once
        const bFrom = bStart[w] ?? 0;
        const bTo = bStart[w + 1] ?? 0;
        for (let x = qFrom; x < qTo; x++) {
          const h = qHigh[x] ?? 0;
          const l = qLow[x] ?? 0;
          // Within one bucket of a self-join, each pair once: only the entries after this one.
          for (let y = self && w === v ? x + 1 : bFrom; y < bTo; y++) {
            // Unrelated hashes differ in ~16 bits of each half: most are out after the first.
            const highDistance = popcount32(h ^ (bHigh[y] ?? 0));
            if (highDistance > maxDistance) continue;
            const distance = highDistance + popcount32(l ^ (bLow[y] ?? 0));
            if (distance > maxDistance) continue;
            if (c > 0 && seenBefore(h, l, bHigh[y] ?? 0, bLow[y] ?? 0, c)) continue;
            const q = qId[x] ?? 0;
            const b = bId[y] ?? 0;
            if (self) visit(Math.min(q, b), Math.max(q, b), distance);
            else visit(q, b, distance);
          }
        }
      }
    }
  });
}

/** One chunk's buckets: the hashes sorted by chunk value, copied in that order for contiguous scans. */
function bucketRows(
  hashes: HashColumn,
  chunkStart: number,
  bits: number,
): { start: Uint32Array; id: Uint32Array; high: Uint32Array; low: Uint32Array } {
  const count = hashes.high.length;
  const start = new Uint32Array((1 << bits) + 1);
  const values = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const value = hashChunk(hashes.high[i] ?? 0, hashes.low[i] ?? 0, chunkStart, bits);
    values[i] = value;
    start[value + 1] = (start[value + 1] ?? 0) + 1;
  }
  for (let v = 0; v < 1 << bits; v++) start[v + 1] = (start[v + 1] ?? 0) + (start[v] ?? 0);
  const next = start.slice(0, 1 << bits);
  const id = new Uint32Array(count);
  const high = new Uint32Array(count);
  const low = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const value = values[i] ?? 0;
    const at = next[value] ?? 0;
    next[value] = at + 1;
    id[at] = i;
    high[at] = hashes.high[i] ?? 0;
    low[at] = hashes.low[i] ?? 0;
  }
  return { start, id, high, low };
}

/** `chunks` chunk widths adding up to 64, the wider ones first. */
function chunkLayout(chunks: number): number[] {
  return Array.from({ length: chunks }, (_, c) => Math.floor(64 / chunks) + (c < 64 % chunks ? 1 : 0));
}
