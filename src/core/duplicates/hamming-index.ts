import { hammingDistance, hashChunks } from '../media/perceptual-hash';

/**
 * Multi-index hashing over 64-bit perceptual hashes: each hash is split into four 16-bit chunks and
 * each chunk value is a bucket key. Two hashes within distance d share at least one chunk within
 * floor(d/4) bits (pigeonhole), so probing every chunk value within that radius finds all neighbours
 * without comparing all pairs.
 */
export class HammingIndex {
  readonly #hashes: string[] = [];
  readonly #buckets: Array<Map<number, number[]>> = [new Map(), new Map(), new Map(), new Map()];

  /** Adds a hash and returns its id (insertion order). */
  add(hash: string): number {
    const id = this.#hashes.length;
    this.#hashes.push(hash);
    const chunks = hashChunks(hash);
    for (let c = 0; c < 4; c++) {
      const bucket = this.#buckets[c]!;
      const key = chunks[c]!;
      const list = bucket.get(key);
      if (list) list.push(id);
      else bucket.set(key, [id]);
    }
    return id;
  }

  get size(): number {
    return this.#hashes.length;
  }

  hashOf(id: number): string {
    const hash = this.#hashes[id];
    if (hash === undefined) throw new RangeError(`No hash with id ${id}`);
    return hash;
  }

  /** Ids of all stored hashes within `maxDistance` bits of `hash`, with their distances. */
  neighbours(hash: string, maxDistance: number): Array<{ id: number; distance: number }> {
    const radius = Math.floor(maxDistance / 4);
    const chunks = hashChunks(hash);
    const seen = new Set<number>();
    const found: Array<{ id: number; distance: number }> = [];
    for (let c = 0; c < 4; c++) {
      const bucket = this.#buckets[c]!;
      for (const key of chunkValuesWithin(chunks[c]!, radius)) {
        const ids = bucket.get(key);
        if (!ids) continue;
        for (const id of ids) {
          if (seen.has(id)) continue;
          seen.add(id);
          const distance = hammingDistance(hash, this.#hashes[id]!);
          if (distance <= maxDistance) found.push({ id, distance });
        }
      }
    }
    return found;
  }

  /** Every unordered pair (a < b) of stored hashes within `maxDistance` bits. */
  pairs(maxDistance: number): Array<{ a: number; b: number; distance: number }> {
    const pairs: Array<{ a: number; b: number; distance: number }> = [];
    for (let a = 0; a < this.#hashes.length; a++) {
      for (const { id: b, distance } of this.neighbours(this.#hashes[a]!, maxDistance)) {
        if (b > a) pairs.push({ a, b, distance });
      }
    }
    return pairs;
  }
}

/** All 16-bit values within `radius` bits of `value` (radius 0: 1 value, 1: 17, 2: 137). */
export function chunkValuesWithin(value: number, radius: number): number[] {
  const values = [value];
  if (radius >= 1) for (let i = 0; i < 16; i++) values.push(value ^ (1 << i));
  if (radius >= 2) for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) values.push(value ^ (1 << i) ^ (1 << j));
  if (radius >= 3) throw new RangeError('HammingIndex supports distances up to 11 bits');
  return values;
}
