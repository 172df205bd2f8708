import type { IndexError, IndexReport } from '../../shared/types';
import type { FileOutcome } from './file-indexer';

/** The figures of one index run, gathered as it goes and turned into its {@link IndexReport}. */
export class IndexRun {
  readonly #startedAt = performance.now();
  readonly #errors: IndexError[] = [];
  /** Deleted between the scan and the read; their rows are dropped once the batches are written. */
  readonly #vanishedPaths: string[] = [];
  #indexed = 0;
  #moved = 0;
  #copies = 0;
  /** Contents of the files this run found gone, with how many of them: what a new path may have moved from. */
  readonly #movableContents = new Map<string, number>();
  #decoded = 0;
  #removed = 0;
  #cancelled = false;

  /** True once the decode loop saw the cancel signal (the run then stopped between files). */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  get vanishedPaths(): readonly string[] {
    return this.#vanishedPaths;
  }

  addErrors(errors: readonly IndexError[]): void {
    this.#errors.push(...errors);
  }

  countRemoved(count: number): void {
    this.#removed += count;
  }

  /** The contents of the library files the scan no longer found (one entry per file). */
  expectMovesFrom(contentHashes: readonly string[]): void {
    for (const hash of contentHashes) this.#movableContents.set(hash, (this.#movableContents.get(hash) ?? 0) + 1);
  }

  markCancelled(): void {
    this.#cancelled = true;
  }

  /** Counts one new or changed file by what became of it. */
  record(outcome: FileOutcome): void {
    if (outcome.kind === 'vanished') {
      this.#removed += 1;
      this.#vanishedPaths.push(outcome.path);
      return;
    }
    this.#indexed += 1;
    if (outcome.kind === 'failed') {
      this.#errors.push({ path: outcome.file.path, reason: outcome.file.error ?? 'unknown error' });
    } else if (outcome.content) {
      this.#decoded += 1;
    } else if (this.#takeMovable(outcome.file.contentHash)) {
      this.#moved += 1;
    } else {
      // Known bytes at a new path while no file with them went away: a copy (every byte copy of a
      // first index is one), not a move.
      this.#copies += 1;
    }
  }

  /** One gone file with these bytes accounts for this new path: true once per gone file. */
  #takeMovable(contentHash: string | null): boolean {
    const left = contentHash === null ? undefined : this.#movableContents.get(contentHash);
    if (contentHash === null || left === undefined) return false;
    if (left <= 1) this.#movableContents.delete(contentHash);
    else this.#movableContents.set(contentHash, left - 1);
    return true;
  }

  /**
   * The report. `cancelled` is also true when the signal fired after the last file was taken (the
   * whole-library phases then stopped early), not only when the decode loop saw it.
   */
  report(figures: { scanned: number; unchanged: number; signal: AbortSignal | undefined }): IndexReport {
    return {
      scanned: figures.scanned,
      indexed: this.#indexed,
      unchanged: figures.unchanged,
      removed: this.#removed,
      moved: this.#moved,
      copies: this.#copies,
      decoded: this.#decoded,
      errors: this.#errors,
      cancelled: this.#cancelled || Boolean(figures.signal?.aborted),
      seconds: roundToMilliseconds((performance.now() - this.#startedAt) / 1000),
    };
  }
}

function roundToMilliseconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
