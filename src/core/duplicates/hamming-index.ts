import { popcount32 } from '../media/perceptual-hash';

/**
 * Multi-index hashing over 64-bit perceptual hashes: each hash is split into four 16-bit chunks and
 * each chunk value is a bucket key. Two hashes within distance d share at least one chunk within
 * floor(d/4) bits (pigeonhole), so probing every chunk value within that radius finds all neighbours
 * without comparing all pairs. Hashes are kept as two 32-bit halves so a distance is two popcounts;
 * this runs ~100k times per grouping, so it avoids strings and per-query allocations.
 */
export class HammingIndex {
  #high: Uint32Array = new Uint32Array(1024);
  #low: Uint32Array = new Uint32Array(1024);
  #size = 0;
  readonly #buckets: Array<Array<number[] | undefined>> = [0, 1, 2, 3].map(() => new Array<number[] | undefined>(65536));
  /** visited[id] === stamp marks ids already examined by the current query. */
  #visited: Uint32Array = new Uint32Array(1024);
  #stamp = 0;

  /** Adds a hash (16 hex digits) and returns its id (insertion order). */
  add(hash: string): number {
    const id = this.#size;
    if (id === this.#high.length) this.#grow();
    const high = parseInt(hash.slice(0, 8), 16) >>> 0;
    const low = parseInt(hash.slice(8, 16), 16) >>> 0;
    this.#high[id] = high;
    this.#low[id] = low;
    this.#size += 1;
    const chunks = [high >>> 16, high & 0xffff, low >>> 16, low & 0xffff];
    for (let c = 0; c < 4; c++) {
      const bucket = this.#buckets[c]!;
      const key = chunks[c]!;
      const list = bucket[key];
      if (list) list.push(id);
      else bucket[key] = [id];
    }
    return id;
  }

  get size(): number {
    return this.#size;
  }

  hashOf(id: number): string {
    if (id < 0 || id >= this.#size) throw new RangeError(`No hash with id ${id}`);
    return this.#high[id]!.toString(16).padStart(8, '0') + this.#low[id]!.toString(16).padStart(8, '0');
  }

  /** Ids of all stored hashes within `maxDistance` bits of `hash`, with their distances. */
  neighbours(hash: string, maxDistance: number): Array<{ id: number; distance: number }> {
    const radius = Math.floor(maxDistance / 4);
    if (radius > 2) throw new RangeError('HammingIndex supports distances up to 11 bits');
    const high = parseInt(hash.slice(0, 8), 16) >>> 0;
    const low = parseInt(hash.slice(8, 16), 16) >>> 0;
    const chunks = [high >>> 16, high & 0xffff, low >>> 16, low & 0xffff];
    const stamp = this.#nextStamp();
    const visited = this.#visited;
    const found: Array<{ id: number; distance: number }> = [];
    for (let c = 0; c < 4; c++) {
      const bucket = this.#buckets[c]!;
      const value = chunks[c]!;
      const probe = (key: number): void => {
        const ids = bucket[key];
        if (!ids) return;
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i]!;
          if (visited[id] === stamp) continue;
          visited[id] = stamp;
          const distance = popcount32(this.#high[id]! ^ high) + popcount32(this.#low[id]! ^ low);
          if (distance <= maxDistance) found.push({ id, distance });
        }
      };
      probe(value);
      if (radius >= 1) for (let i = 0; i < 16; i++) probe(value ^ (1 << i));
      if (radius >= 2) for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) probe(value ^ (1 << i) ^ (1 << j));
    }
    return found;
  }

  /** Every unordered pair (a < b) of stored hashes within `maxDistance` bits. */
  pairs(maxDistance: number): Array<{ a: number; b: number; distance: number }> {
    const pairs: Array<{ a: number; b: number; distance: number }> = [];
    for (let a = 0; a < this.#size; a++) {
      for (const { id: b, distance } of this.neighbours(this.hashOf(a), maxDistance)) {
        if (b > a) pairs.push({ a, b, distance });
      }
    }
    return pairs;
  }

  #nextStamp(): number {
    if (this.#visited.length < this.#high.length) {
      this.#visited = new Uint32Array(this.#high.length);
      this.#stamp = 0;
    }
    this.#stamp += 1;
    if (this.#stamp === 0xffffffff) {
      this.#visited.fill(0);
      this.#stamp = 1;
    }
    return this.#stamp;
  }

  #grow(): void {
    const grow = (array: Uint32Array): Uint32Array => {
      const bigger = new Uint32Array(array.length * 2);
      bigger.set(array);
      return bigger;
    };
    this.#high = grow(this.#high);
    this.#low = grow(this.#low);
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
