import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../errors';
import { QuantizedVectors } from '../quantized-vectors';

/** Vectors quantized a page at a time before the page is written out (2 MB of 1024-dim vectors). */
const PAGE = 2048;
/** At most this many bytes per read: one read call cannot fill more than 2 GB. */
const READ_CHUNK = 1 << 30;

/** Where a search puts the quantized vectors of every photo until it scores its pairs. */
export interface QuantizedSink {
  /** Quantizes and keeps `vector`; returns its slot (0, 1, 2, … in the order added). */
  add(vector: Float32Array): number;
  /** Every vector added, in memory. The sink is spent. */
  finish(): QuantizedVectors;
  /** Drops what was added (a search that failed or was cancelled). Safe to call after `finish`. */
  discard(): void;
}

/**
 * A sink that writes the quantized vectors to a temporary file in `dir` as they come and reads
 * them back at `finish`: the 1 GB of int8 vectors of 1M photos then waits on disk while the vector
 * index (another 0.8 GB) is loaded for the k-NN, instead of both being in memory together. The
 * file is unlinked as soon as it is opened where the system allows it (a crash leaves nothing
 * behind), else when the sink is finished or discarded. Falls back to keeping the vectors in
 * memory when the folder cannot take the file (a read-only library), saying so in `log`.
 */
export function quantizedSink(dir: string | undefined, dim: number, expected: number, log: (line: string) => void): QuantizedSink {
  if (dir !== undefined) {
    try {
      return new SpillingSink(dir, dim, expected);
    } catch (error) {
      log(`near duplicates: cannot keep the quantized vectors in a file in ${dir} (${errorMessage(error)}): they stay in memory`);
    }
  }
  const vectors = new QuantizedVectors(dim, expected);
  return { add: (vector) => vectors.add(vector), finish: () => vectors, discard: () => vectors.clear() };
}

class SpillingSink implements QuantizedSink {
  readonly #dim: number;
  readonly #file: string;
  #fd: number | null;
  /** The file is still named in the folder (it could not be unlinked while open). */
  #named: boolean;
  readonly #page: QuantizedVectors;
  #scales: Float64Array;
  #written = 0;

  constructor(dir: string, dim: number, expected: number) {
    this.#dim = dim;
    this.#file = path.join(dir, `.near-pairs-vectors.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    this.#fd = fs.openSync(this.#file, 'wx+');
    try {
      fs.unlinkSync(this.#file);
      this.#named = false;
    } catch {
      this.#named = true; // Windows: removed once closed
    }
    this.#page = new QuantizedVectors(dim, PAGE);
    this.#scales = new Float64Array(Math.max(1, expected));
  }

  add(vector: Float32Array): number {
    const slot = this.#written + this.#page.size;
    this.#page.add(vector);
    if (this.#page.size === PAGE) this.#flush();
    return slot;
  }

  finish(): QuantizedVectors {
    this.#flush();
    const fd = this.#open();
    const data = new Int8Array(this.#written * this.#dim);
    for (let offset = 0; offset < data.length;) {
      const read = fs.readSync(fd, data, offset, Math.min(READ_CHUNK, data.length - offset), offset);
      if (read === 0) throw new Error(`Cannot read back the quantized vectors from ${this.#file}: it ended after ${offset} bytes`);
      offset += read;
    }
    const scales = this.#scales.subarray(0, this.#written);
    this.discard();
    return QuantizedVectors.fromSlots(this.#dim, data, scales);
  }

  discard(): void {
    if (this.#fd !== null) fs.closeSync(this.#fd);
    this.#fd = null;
    if (this.#named) fs.rmSync(this.#file, { force: true });
    this.#named = false;
  }

  #flush(): void {
    const { data, scales } = this.#page.slots();
    if (scales.length === 0) return;
    const fd = this.#open();
    for (let offset = 0; offset < data.length;) offset += fs.writeSync(fd, data, offset, data.length - offset);
    if (this.#written + scales.length > this.#scales.length) {
      const grown = new Float64Array(Math.max(this.#scales.length * 2, this.#written + scales.length));
      grown.set(this.#scales);
      this.#scales = grown;
    }
    this.#scales.set(scales, this.#written);
    this.#written += scales.length;
    this.#page.clear();
  }

  #open(): number {
    if (this.#fd === null) throw new Error(`The quantized vectors in ${this.#file} were already read or dropped`);
    return this.#fd;
  }
}
