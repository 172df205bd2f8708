import type { IndexPhase, IndexProgress } from '../../shared/types';

/**
 * Turns per-file ticks into progress events with a rate and ETA, at most every `intervalMs` (plus
 * every phase start and end), so a UI across a process boundary is not flooded.
 */
export class ProgressReporter {
  readonly #emit: ((progress: IndexProgress) => void) | undefined;
  readonly #intervalMs: number;
  #phase: IndexPhase = 'scan';
  #total = 0;
  #done = 0;
  #startedAt = 0;
  #lastEmitAt = 0;

  constructor(emit: ((progress: IndexProgress) => void) | undefined, intervalMs = 100) {
    this.#emit = emit;
    this.#intervalMs = intervalMs;
  }

  start(phase: IndexPhase, total: number): void {
    this.#phase = phase;
    this.#total = total;
    this.#done = 0;
    this.#startedAt = performance.now();
    this.#send(undefined, true);
  }

  tick(currentPath?: string, by = 1): void {
    this.#done += by;
    this.#send(currentPath, this.#done === this.#total);
  }

  setTotal(total: number): void {
    this.#total = total;
    this.#send(undefined, false);
  }

  finish(): void {
    this.#done = Math.max(this.#done, this.#total);
    this.#send(undefined, true);
  }

  #send(currentPath: string | undefined, force: boolean): void {
    if (!this.#emit) return;
    const now = performance.now();
    if (!force && now - this.#lastEmitAt < this.#intervalMs) return;
    this.#lastEmitAt = now;
    const seconds = (now - this.#startedAt) / 1000;
    const rate = seconds > 0 ? this.#done / seconds : 0;
    const remaining = Math.max(0, this.#total - this.#done);
    this.#emit({
      phase: this.#phase,
      done: this.#done,
      total: this.#total,
      rate,
      etaSeconds: rate > 0 ? remaining / rate : remaining === 0 ? 0 : null,
      ...(currentPath ? { currentPath } : {}),
    });
  }
}
