/**
 * Buffers for the bytes of the photos being indexed, reused from one photo to the next. A 12 MP
 * JPEG is 2-4 MB; allocating that per photo counts as external memory to V8, which then runs a full
 * garbage collection every few dozen photos (measured: about 2 ms per photo on the bench's photos).
 * At most one buffer per file in flight is kept, and none over KEPT_MAX_BYTES (a 200 MB RAW is
 * read into its own buffer and freed with it).
 */
const KEPT_MAX_BYTES = 64 * 1024 * 1024;

export class ReadBuffers {
  readonly #free: ArrayBuffer[] = [];
  readonly #maxKept: number;

  /** `maxKept`: buffers kept for reuse (the files in flight at once). */
  constructor(maxKept: number) {
    this.#maxKept = maxKept;
  }

  /** A buffer of exactly `size` bytes, backed by a free one when one is large enough. */
  take(size: number): Buffer {
    const index = this.#free.findIndex((buffer) => buffer.byteLength >= size);
    if (index >= 0) {
      const [backing] = this.#free.splice(index, 1);
      if (backing) return Buffer.from(backing, 0, size);
    }
    // Room to grow: the next photo is often a little larger than this one.
    const capacity = size > KEPT_MAX_BYTES ? size : Math.min(KEPT_MAX_BYTES, Math.ceil(size * 1.25));
    return Buffer.from(new ArrayBuffer(capacity), 0, size);
  }

  /** Gives a buffer from {@link take} back. Nothing may read it afterwards. */
  give(buffer: Buffer): void {
    const backing = buffer.buffer;
    if (!(backing instanceof ArrayBuffer) || backing.byteLength > KEPT_MAX_BYTES) return;
    if (this.#free.length >= this.#maxKept) {
      // Keep the largest ones: they fit every smaller photo.
      this.#free.sort((a, b) => a.byteLength - b.byteLength);
      if ((this.#free[0]?.byteLength ?? 0) >= backing.byteLength) return;
      this.#free.shift();
    }
    this.#free.push(backing);
  }
}
