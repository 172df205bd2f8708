import { assertDefined } from '../assert';

/**
 * Unit vectors stored as int8 with one scale each (1 KB a 1024-dim photo; cosine error ~1e-3), for
 * fast dot products between any two of them: re-reading vectors from SQLite to score a pair would
 * cost more than the search that proposed it.
 */
export class QuantizedVectors {
  #data: Int8Array;
  #scales: Float64Array;
  #size = 0;
  readonly #dim: number;

  /** `expected`: how many vectors will be added (room is made for them at once). */
  constructor(dim: number, expected = 1024) {
    this.#dim = dim;
    this.#data = new Int8Array(Math.max(1, expected) * dim);
    this.#scales = new Float64Array(Math.max(1, expected));
  }

  get size(): number {
    return this.#size;
  }

  /** Stores a vector; returns its slot. */
  add(vector: Float32Array): number {
    const slot = this.#size;
    if (slot === this.#scales.length) this.#grow();
    const dim = this.#dim;
    let max = 0;
    for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(vector[i] ?? 0));
    const scale = max > 0 ? 127 / max : 1;
    const offset = slot * dim;
    for (let i = 0; i < dim; i++) this.#data[offset + i] = Math.round((vector[i] ?? 0) * scale);
    this.#scales[slot] = scale;
    this.#size += 1;
    return slot;
  }

  cosine(a: number, b: number): number {
    const data = this.#data;
    const dim = this.#dim;
    const scaleA = assertDefined(this.#scales[a], 'scale of a quantized vector');
    const scaleB = assertDefined(this.#scales[b], 'scale of a quantized vector');
    if (a >= this.#size || b >= this.#size) throw new RangeError(`No quantized vector in slot ${Math.max(a, b)}`);
    let sum = 0;
    for (let i = 0, x = a * dim, y = b * dim; i < dim; i++) sum += (data[x + i] ?? 0) * (data[y + i] ?? 0);
    return sum / (scaleA * scaleB);
  }

  #grow(): void {
    const slots = this.#scales.length * 2;
    const data = new Int8Array(slots * this.#dim);
    data.set(this.#data);
    const scales = new Float64Array(slots);
    scales.set(this.#scales);
    this.#data = data;
    this.#scales = scales;
  }
}
