import { nearPairsFile, readNearPairs, writeNearPairs } from '../../store/near-pair.store';
import { findNearPairs, type FindPairsOptions, type NearPairSources } from './near-pair-finder';
import {
  groupingPairs,
  groupingPairsBuffers,
  groupingViewBuffers,
  loadGroupingView,
  type GroupingPairs,
  type GroupingView,
} from './near-grouping';
import { packPairSet, pairSetBuffers, unpackPairSet, type PackedPairSet } from './near-pairs';

/** One bringing-up-to-date of a library's candidate pairs: what it needs to know, in plain data (it may cross to a worker). */
export interface NearPairJob {
  readonly libraryDir: string;
  /** Null when similarity search is off: hash pairs only. */
  readonly modelId: string | null;
  readonly dim: number | null;
  /** The pairs this process holds, or null to start from the saved ones. */
  readonly previous: PackedPairSet | null;
}

export interface NearPairResult {
  /** The pairs, for the next job to start from; null when they were saved (the next job reads them back). */
  readonly pairs: PackedPairSet | null;
  /** What grouping at any setting needs. */
  readonly grouping: GroupingPairs;
  readonly view: GroupingView;
}

/** Runs a job somewhere (a worker thread, or inline) and settles with its result. */
export type NearPairRunner = (job: NearPairJob, options: FindPairsOptions) => Promise<NearPairResult>;

/**
 * The job itself, wherever it runs: start from `previous` (or the saved set), search what changed,
 * save the result when it changed, and read the grouping view that goes with it.
 */
export function runNearPairJob(sources: NearPairSources, job: NearPairJob, options: FindPairsOptions = {}): NearPairResult {
  const log = sources.log ?? (() => {});
  const file = nearPairsFile(job.libraryDir, job.modelId);
  const previous = job.previous ? unpackPairSet(job.previous) : readNearPairs(file, log);
  const pairs = findNearPairs({ scratchDir: job.libraryDir, ...sources }, previous, options);
  // Unchanged pairs read from the file are saved already; pairs handed in may not be.
  const saved = (pairs === previous && !job.previous) || writeNearPairs(file, pairs, log);
  const view = loadGroupingView(sources.groups, pairs.contents);
  return { pairs: saved ? null : packPairSet(pairs), grouping: groupingPairs(pairs, view), view };
}

/** Runs jobs on the caller's own thread (tests, and source checkouts where no worker bundle is built). */
export function inlineNearPairRunner(sources: NearPairSources): NearPairRunner {
  return async (job, options) => {
    await Promise.resolve(); // a failure is a rejection, never a synchronous throw
    return runNearPairJob(sources, job, options);
  };
}

/** What the worker posts back (src/core/duplicates/near/near-pairs.worker.ts). */
export type NearPairWorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly mode: 'full' | 'update' }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'result'; readonly result: NearPairResult }
  | { readonly type: 'failed'; readonly message: string; readonly code: string | null };

/** Buffers a result moves with: the worker gives them up instead of copying ~30 MB per 100k photos. */
export function resultBuffers(result: NearPairResult): ArrayBuffer[] {
  return [
    ...(result.pairs ? pairSetBuffers(result.pairs) : []),
    ...groupingPairsBuffers(result.grouping),
    ...groupingViewBuffers(result.view),
  ];
}
