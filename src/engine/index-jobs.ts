/**
 * Index jobs: one at a time (the library has a single SQLite writer), cancellable between photos,
 * progress throttled so a 100k-photo run does not flood IPC or SSE with events.
 */
import { randomUUID } from 'node:crypto';
import type { AppEvent, JobSnapshot } from '../shared/ipc-contract.js';
import { DoppelError } from '../core/errors.js';
import { ErrorCodes, toAppError } from '../shared/errors.js';
import type { IndexProgress, IndexReport } from '../shared/types.js';

/** A few updates per second reads as smooth motion and costs nothing to render. */
export const PROGRESS_INTERVAL_MS = 250;

/** Finished jobs kept for `jobs:list` (a reloaded UI shows the last report). */
const FINISHED_JOBS_KEPT = 10;

export type IndexFunction = (
  roots: string[],
  options: { onProgress: (progress: IndexProgress) => void; signal: AbortSignal; reason: JobSnapshot['reason'] },
) => Promise<IndexReport>;

/** Told of each job's final snapshot, after its final `job` event went out. */
export type SettledListener = (job: JobSnapshot) => void;

export class JobAlreadyRunningError extends DoppelError {
  override readonly name = 'JobAlreadyRunningError' as const;
  constructor(message: string) {
    super(ErrorCodes.jobRunning, message);
  }
}

interface RunningJob {
  snapshot: JobSnapshot;
  readonly controller: AbortController;
  lastEmitAt: number;
  trailingTimer: ReturnType<typeof setTimeout> | null;
}

export class IndexJobs {
  readonly #index: IndexFunction;
  readonly #emit: (event: AppEvent) => void;
  readonly #log: (line: string) => void;
  #running: RunningJob | null = null;
  readonly #finished: JobSnapshot[] = [];
  readonly #settledListeners = new Set<SettledListener>();
  /** Watch jobs cancelled to let a user's request run (see yieldWatchJob). */
  readonly #setAside = new Set<string>();

  constructor(index: IndexFunction, emit: (event: AppEvent) => void, log: (line: string) => void) {
    this.#index = index;
    this.#emit = emit;
    this.#log = log;
  }

  /** Starts indexing and returns the job id at once; the outcome arrives as `job` events. */
  start(roots: readonly string[], reason: JobSnapshot['reason'] = 'user'): string {
    if (this.#running) {
      throw new JobAlreadyRunningError(
        `Cannot start indexing: job ${this.#running.snapshot.id} is still running; cancel it or wait for it to finish`,
      );
    }
    const snapshot: JobSnapshot = {
      id: randomUUID(),
      kind: 'index',
      reason,
      roots: [...roots],
      startedAt: Date.now(),
      state: 'running',
      progress: null,
    };
    const job: RunningJob = { snapshot, controller: new AbortController(), lastEmitAt: 0, trailingTimer: null };
    this.#running = job;
    this.#emit({ type: 'job', job: snapshot });
    void this.#run(job);
    return snapshot.id;
  }

  /**
   * Refuses work that moves library files while an index job reads them (a file trashed mid-run
   * could be written back as indexed); the message says what to do.
   */
  assertIdle(action: string): void {
    if (this.#running) {
      throw new JobAlreadyRunningError(`Cannot ${action} while indexing runs (job ${this.#running.snapshot.id}); wait for it or cancel it`);
    }
  }

  /**
   * Live updates give way to the user: a running `watch` job is cancelled (the watcher indexes its
   * folders again afterwards) and awaited, so that what the user asked for can start at once.
   * A `user` job is left alone: the caller's own check then says it runs.
   */
  async yieldWatchJob(): Promise<void> {
    const job = this.#running;
    if (job?.snapshot.reason !== 'watch') return;
    this.#log(`job ${job.snapshot.id}: live update set aside for the user's request`);
    this.#setAside.add(job.snapshot.id);
    const settled = new Promise<void>((resolve) => {
      const stop = this.onSettled(() => {
        stop();
        resolve();
      });
    });
    job.controller.abort();
    await settled;
  }

  /** Whether this job was stopped by {@link yieldWatchJob} (not by the user's cancel): its work is still owed. */
  wasSetAside(jobId: string): boolean {
    return this.#setAside.delete(jobId);
  }

  /** True while no job runs: `start` would be accepted. */
  get idle(): boolean {
    return this.#running === null;
  }

  /**
   * Calls `listener` with each job's final snapshot once it settled (the job is no longer running,
   * so the listener may start the next one). Returns the function that stops the calls.
   */
  onSettled(listener: SettledListener): () => void {
    this.#settledListeners.add(listener);
    return () => this.#settledListeners.delete(listener);
  }

  /** True when the job was running and has been asked to stop. */
  cancel(jobId: string): boolean {
    const job = this.#running;
    if (job?.snapshot.id !== jobId || job.controller.signal.aborted) return false;
    this.#log(`job ${jobId}: cancel requested`);
    job.controller.abort();
    return true;
  }

  list(): readonly JobSnapshot[] {
    return this.#running ? [this.#running.snapshot, ...this.#finished] : [...this.#finished];
  }

  /** Aborts the running job (used when the engine shuts down). */
  abortAll(): void {
    this.#running?.controller.abort();
  }

  async #run(job: RunningJob): Promise<void> {
    const { id, kind, reason, roots, startedAt } = job.snapshot;
    const base = { id, kind, reason, roots, startedAt };
    let final: JobSnapshot;
    try {
      const report = await this.#index([...base.roots], {
        reason,
        signal: job.controller.signal,
        onProgress: (progress) => this.#onProgress(job, progress),
      });
      final = { ...base, state: 'done', report };
      this.#log(`job ${base.id}: ${report.cancelled ? 'cancelled' : 'done'} (${report.indexed} indexed, ${report.errors.length} errors)`);
    } catch (thrown) {
      const error = toAppError(thrown);
      final = { ...base, state: 'failed', error };
      this.#log(`job ${base.id}: failed: ${error.message}`);
    }
    if (job.trailingTimer) clearTimeout(job.trailingTimer);
    this.#running = null;
    this.#finished.unshift(final);
    this.#finished.length = Math.min(this.#finished.length, FINISHED_JOBS_KEPT);
    this.#emit({ type: 'job', job: final });
    for (const listener of [...this.#settledListeners]) {
      try {
        listener(final);
      } catch (thrown) {
        // A listener's failure must not reach the job's promise, which nobody awaits.
        this.#log(`job ${base.id}: a listener of its end failed: ${toAppError(thrown).message}`);
      }
    }
  }

  #onProgress(job: RunningJob, progress: IndexProgress): void {
    if (this.#running !== job) return; // a late callback after the job settled
    const previous = job.snapshot.state === 'running' ? job.snapshot.progress : null;
    job.snapshot = { ...job.snapshot, state: 'running', progress };
    const now = Date.now();
    const phaseChanged = previous?.phase !== progress.phase;
    if (phaseChanged || now - job.lastEmitAt >= PROGRESS_INTERVAL_MS) {
      this.#emitProgress(job, now);
    } else {
      // The last update of a burst must still arrive, or the bar stalls short of the real count.
      job.trailingTimer ??= setTimeout(() => this.#emitProgress(job, Date.now()), PROGRESS_INTERVAL_MS - (now - job.lastEmitAt));
    }
  }

  #emitProgress(job: RunningJob, now: number): void {
    if (job.trailingTimer) clearTimeout(job.trailingTimer);
    job.trailingTimer = null;
    if (this.#running !== job) return;
    job.lastEmitAt = now;
    this.#emit({ type: 'job', job: job.snapshot });
  }
}
