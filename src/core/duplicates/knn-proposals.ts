/**
 * Which pairs a batched k-NN search already proposed, so that each pair is proposed once and a
 * query's slots go to other candidates: the rule grouping from scratch always followed. A Set of
 * pair keys would top out at 2^24 entries (a 1M-photo library proposes ~40M), so proposals towards
 * contents not queried yet wait in linked lists in typed arrays, and only the current page's pairs
 * sit in a Set.
 */
export class KnnProposals {
  readonly #size: number;
  /** heads[y]: the latest proposal towards y (a content queried later), next[entry]: the one before. */
  readonly #heads: Int32Array;
  #next = new Int32Array(1024);
  #from = new Int32Array(1024);
  #entries = 0;
  #page = new Set<number>();

  constructor(size: number) {
    this.#size = size;
    this.#heads = new Int32Array(size).fill(-1);
  }

  /** Before a batch: the pairs its queries were already proposed in. */
  startPage(positions: readonly number[]): void {
    this.#page = new Set<number>();
    for (const y of positions) {
      for (let entry = this.#heads[y] ?? -1; entry >= 0; entry = this.#next[entry] ?? -1)
        this.#page.add(this.#key(y, this.#from[entry] ?? 0));
    }
  }

  /** True the first time the pair (x, y) comes up; `later`: y is queried in a later batch. */
  propose(x: number, y: number, later: boolean): boolean {
    const key = this.#key(x, y);
    if (this.#page.has(key)) return false;
    this.#page.add(key);
    if (later && x !== y) this.#remember(y, x);
    return true;
  }

  #key(x: number, y: number): number {
    return Math.min(x, y) * this.#size + Math.max(x, y);
  }

  #remember(y: number, x: number): void {
    if (this.#entries === this.#next.length) {
      const next = new Int32Array(this.#entries * 2);
      const from = new Int32Array(this.#entries * 2);
      next.set(this.#next);
      from.set(this.#from);
      this.#next = next;
      this.#from = from;
    }
    const entry = this.#entries++;
    this.#next[entry] = this.#heads[y] ?? -1;
    this.#from[entry] = x;
    this.#heads[y] = entry;
  }
}
