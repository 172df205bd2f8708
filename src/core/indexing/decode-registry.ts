/**
 * Contents decoded (or being decoded) during one run, whose rows may not be written yet: a second
 * file with the same bytes waits for the first decode and reuses it. The library alone cannot answer
 * this, because a decoded content sits in the batch writer until its batch is saved.
 */
export class DecodeRegistry {
  readonly #running = new Map<string, Promise<void>>();
  readonly #succeeded = new Set<string>();

  async waitFor(contentHash: string): Promise<void> {
    await this.#running.get(contentHash);
  }

  succeeded(contentHash: string): boolean {
    return this.#succeeded.has(contentHash);
  }

  /** Marks a decode as running; call the returned function with the result when it ends. */
  begin(contentHash: string): (ok: boolean) => void {
    let resolve = (): void => {};
    // The executor runs synchronously, so `resolve` is the promise's own before `begin` returns.
    this.#running.set(
      contentHash,
      new Promise<void>((settle) => {
        resolve = settle;
      }),
    );
    return (ok) => {
      if (ok) this.#succeeded.add(contentHash);
      this.#running.delete(contentHash);
      resolve();
    };
  }
}
