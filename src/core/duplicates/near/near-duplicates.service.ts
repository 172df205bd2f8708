import { randomUUID } from 'node:crypto';
import type { NearPairsProgress } from '../../../shared/types';
import { DoppelError, ErrorCodes, errorMessage } from '../../errors';
import type { NearDuplicateFinder, NearDuplicateOptions } from '../duplicates.service';
import type { CandidateGroup, NumberedSets, ShotGroup } from '../file-groups';
import type { NearPairRunner } from './near-pair-job';
import { PairGrouping } from './near-grouping';
import type { PackedPairSet } from './near-pairs';
import { DEFAULT_NEAR_COSINE, DEFAULT_NEAR_HASH_DISTANCE } from '../thresholds';

/** Progress reaches listeners at most this often (it goes to every window). */
const PROGRESS_INTERVAL_MS = 250;

/** The near-duplicate search was cancelled (`cancel`, or the library closed) before it finished. */
export class NearDuplicatesCancelledError extends DoppelError {
  override readonly name = 'NearDuplicatesCancelledError' as const;
  constructor() {
    super(ErrorCodes.internal, 'Comparing photos for near duplicates was cancelled; list the duplicates again to restart it');
  }
}

interface Search {
  readonly id: string;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/**
 * Near-duplicate groups from two signals — embedding cosine (FAISS k-NN of every photo) OR
 * perceptual-hash distance (multi-index hashing, including the hashes of the rotations and the
 * mirror) — never an all-pairs scan. A "picture" is one pixel-identity class: byte- and pixel-
 * identical files are one node, so they never form a near group of their own.
 *
 * The searches run once, at the loosest setting, through the runner (a worker thread in the built
 * app): the candidate pairs they find are kept here, and any slider setting is a filter over them
 * plus star clustering (`groupPairs`), answered in milliseconds. After the library changes
 * (`invalidate`), the next question brings the pairs up to date first, searching only what was
 * added; concurrent questions share that one search.
 */
export class NearDuplicatesService implements NearDuplicateFinder {
  readonly #libraryDir: string;
  readonly #modelId: string | null;
  readonly #dim: number | null;
  readonly #runner: NearPairRunner;
  readonly #log: (line: string) => void;
  readonly #onProgress: (progress: NearPairsProgress) => void;
  /** The pairs when they could not be saved (else the next search reads them from the library folder). */
  #pairs: PackedPairSet | null = null;
  #grouping: PairGrouping | null = null;
  /** Bumped by each library change; `#current` is the change the pairs reflect. */
  #generation = 0;
  #current = -1;
  #search: Search | null = null;
  #closed = false;
  /** The last answer: the same setting asked again is not even filtered again. */
  #cache: { key: string; groups: CandidateGroup[] } | null = null;

  constructor(deps: {
    libraryDir: string;
    modelId: string | null;
    /** Length of the model's vectors (null without a model). */
    dim: number | null;
    runner: NearPairRunner;
    log?: (line: string) => void;
    /** Progress of the searches that bring the pairs up to date. */
    onProgress?: (progress: NearPairsProgress) => void;
  }) {
    this.#libraryDir = deps.libraryDir;
    this.#modelId = deps.modelId;
    this.#dim = deps.dim;
    this.#runner = deps.runner;
    this.#log = deps.log ?? (() => {});
    this.#onProgress = deps.onProgress ?? (() => {});
  }

  /** The library changed (an index run, a clean-up, another process): the next question updates the pairs first. */
  invalidate(): void {
    this.#generation += 1;
    this.#cache = null;
  }

  async nearDuplicateGroups(options: NearDuplicateOptions = {}): Promise<CandidateGroup[]> {
    const threshold = options.threshold ?? DEFAULT_NEAR_COSINE;
    const hashDistance = options.hashDistance ?? DEFAULT_NEAR_HASH_DISTANCE;
    await this.prepare();
    const starsOnly = options.starsOnly ?? false;
    const key = `${threshold}|${hashDistance}|${starsOnly}`;
    if (this.#cache?.key === key) return this.#cache.groups;
    const grouping = this.#grouping;
    if (!grouping) throw new DoppelError(ErrorCodes.internal, 'Near-duplicate pairs are missing after their search finished');
    const started = performance.now();
    const groups = grouping.groups(threshold, hashDistance, { starsOnly });
    this.#log(
      `near duplicates: ${groups.length} groups at similarity ${threshold}, hash distance ${hashDistance} in ${(performance.now() - started).toFixed(0)} ms`,
    );
    this.#cache = { key, groups };
    return groups;
  }

  /**
   * Similar shots regrouped across groups (see `PairGrouping.regroupShots`), as lists of the sets'
   * files. Shots numbered by an older grouping (the library changed meanwhile) stay as they are.
   */
  regroupShots(shots: readonly (CandidateGroup & ShotGroup)[], options: NearDuplicateOptions = {}): CandidateGroup[] {
    const grouping = this.#grouping;
    if (!grouping) return [...shots];
    const started = performance.now();
    const groups = grouping
      .regroupShots(shots, options.threshold ?? DEFAULT_NEAR_COSINE, options.hashDistance ?? DEFAULT_NEAR_HASH_DISTANCE)
      .map((sets): CandidateGroup => ({ kind: 'near', files: sets.flatMap(([g, s]) => shots[g]?.sets[s]?.files ?? []) }));
    this.#log(
      `near duplicates: ${shots.length} groups of similar shots regrouped into ${groups.length} in ${(performance.now() - started).toFixed(0)} ms`,
    );
    return groups;
  }

  /**
   * Links between the sets the picture check made of near groups, for it to join copies across
   * groups (see `PairGrouping.crossLinks`); none where the groups came from an older grouping.
   */
  crossLinks(groups: readonly NumberedSets[], options: NearDuplicateOptions = {}): [number, number, number, number][] {
    return (
      this.#grouping?.crossLinks(groups, options.threshold ?? DEFAULT_NEAR_COSINE, options.hashDistance ?? DEFAULT_NEAR_HASH_DISTANCE) ?? []
    );
  }

  /**
   * Brings the candidate pairs up to date with the library as it was when called (a search that
   * started before a later change is followed by another). Rejects when a search fails or is
   * cancelled.
   */
  async prepare(): Promise<void> {
    const wanted = this.#generation;
    while (this.#current < wanted || !this.#grouping) {
      if (this.#closed) throw new NearDuplicatesCancelledError();
      this.#search ??= this.#start();
      await this.#search.done;
    }
  }

  /** Stops the running search when `id` names it; true when it did. */
  cancel(id: string): boolean {
    if (this.#search?.id !== id || this.#search.controller.signal.aborted) return false;
    this.#log(`near duplicates: search ${id} cancelled`);
    this.#search.controller.abort(new NearDuplicatesCancelledError());
    return true;
  }

  /** Stops any running search for good (the library is closing). */
  close(): void {
    this.#closed = true;
    this.#search?.controller.abort(new NearDuplicatesCancelledError());
  }

  #start(): Search {
    const id = randomUUID();
    const controller = new AbortController();
    const generation = this.#generation;
    const progress = new ProgressEvents(id, this.#onProgress);
    const settle = (): void => {
      if (this.#search?.id === id) this.#search = null;
    };
    const done = this.#runner(
      { libraryDir: this.#libraryDir, modelId: this.#modelId, dim: this.#dim, previous: this.#pairs },
      { signal: controller.signal, onProgress: (count, total, mode) => progress.running(count, total, mode) },
    ).then(
      (result) => {
        settle();
        // Saved pairs are read back by the next job: this thread keeps only what grouping needs.
        this.#pairs = result.pairs;
        this.#grouping = new PairGrouping(result.grouping, result.view);
        this.#current = generation;
        this.#cache = null;
        progress.finished('done');
      },
      (error: unknown) => {
        settle();
        const cancelled = controller.signal.aborted;
        progress.finished(cancelled ? 'cancelled' : 'failed');
        if (!cancelled) this.#log(`near duplicates: search ${id} failed: ${errorMessage(error)}`);
        throw cancelled ? new NearDuplicatesCancelledError() : error;
      },
    );
    void done.catch(() => {}); // the callers of prepare() see a failure; nothing else must report it as unhandled
    const search: Search = { id, controller, done };
    return search;
  }
}

/**
 * Progress of one search as events: none for a search with nothing to do (the library did not
 * change in a way that needs one), at most one each PROGRESS_INTERVAL_MS while it runs, always the
 * last one.
 */
class ProgressEvents {
  readonly #id: string;
  readonly #emit: (progress: NearPairsProgress) => void;
  #last: NearPairsProgress | null = null;
  #lastAt = 0;

  constructor(id: string, emit: (progress: NearPairsProgress) => void) {
    this.#id = id;
    this.#emit = emit;
  }

  running(done: number, total: number, mode: 'full' | 'update'): void {
    const first = this.#last === null;
    this.#last = { id: this.#id, state: 'running', mode, done, total };
    const now = Date.now();
    if (!first && now - this.#lastAt < PROGRESS_INTERVAL_MS) return;
    this.#lastAt = now;
    this.#emit(this.#last);
  }

  finished(state: 'done' | 'failed' | 'cancelled'): void {
    if (this.#last === null && state === 'done') return;
    this.#emit({ id: this.#id, mode: this.#last?.mode ?? null, done: this.#last?.done ?? 0, total: this.#last?.total ?? 0, state });
  }
}
