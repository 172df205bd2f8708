/** Index jobs as the engine runs them: one at a time, cancellable, progress throttled. */
import { describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { IndexJobs, PROGRESS_INTERVAL_MS, type IndexFunction } from '../../src/engine/index-jobs.js';
import type { AppEvent, JobSnapshot } from '../../src/shared/ipc-contract.js';
import { EMPTY_INDEX_REPORT } from '../helpers/index-report.js';

const REPORT = EMPTY_INDEX_REPORT;

function jobsOf(events: readonly AppEvent[]): JobSnapshot[] {
  return events.flatMap((event) => (event.type === 'job' ? [event.job] : []));
}

function untilSettled(events: readonly AppEvent[]): Promise<JobSnapshot> {
  return vi.waitFor(
    () => {
      const settled = jobsOf(events).find((job) => job.state !== 'running');
      if (!settled) throw new Error('the job still runs');
      return settled;
    },
    { timeout: 10_000, interval: 5 },
  );
}

/** The `done` counts of the progress a running job reported, in order. */
function progressDone(events: readonly AppEvent[]): number[] {
  return jobsOf(events).flatMap((job) => (job.state === 'running' && job.progress ? [job.progress.done] : []));
}

describe('IndexJobs', () => {
  it('should throttle a burst of progress but always deliver the last update', async () => {
    const events: AppEvent[] = [];
    const index: IndexFunction = async (_roots, { onProgress }) => {
      for (let done = 1; done <= 1000; done += 1) onProgress({ phase: 'index', done, total: 1000, rate: 0, etaSeconds: null });
      // The job still runs: the last update must come on its own, after at most one interval.
      await vi.waitFor(() => expect(progressDone(events).at(-1)).toBe(1000), { timeout: PROGRESS_INTERVAL_MS + 5000, interval: 5 });
      return REPORT;
    };
    new IndexJobs(
      index,
      (event) => events.push(event),
      () => {},
    ).start(['/photos']);
    await untilSettled(events);
    const progress = progressDone(events);
    expect(progress.length).toBeLessThanOrEqual(3);
    expect(progress.at(-1)).toBe(1000);
  });

  it('should set a live update aside for a user request, and owe its work again', async () => {
    // Runs until cancelled, as a big live update would.
    const index: IndexFunction = (_roots, { signal }) =>
      new Promise((resolve) => signal.addEventListener('abort', () => resolve({ ...REPORT, cancelled: true })));
    const jobs = new IndexJobs(
      index,
      () => {},
      () => {},
    );
    const watchJob = jobs.start(['/photos'], 'watch');
    await jobs.yieldWatchJob();
    expect(jobs.idle).toBe(true);
    expect(jobs.wasSetAside(watchJob)).toBe(true);
    const userJob = jobs.start(['/photos']);
    await jobs.yieldWatchJob(); // a user's job is never set aside
    expect(jobs.list()[0]).toMatchObject({ id: userJob, state: 'running', reason: 'user' });
    expect(jobs.wasSetAside(userJob)).toBe(false);
    jobs.cancel(userJob);
  });

  it('should refuse a second job while one runs', () => {
    const jobs = new IndexJobs(
      () => new Promise(() => {}),
      () => {},
      () => {},
    );
    jobs.start(['/a']);
    expect(() => jobs.start(['/b'])).toThrow(/still running/);
  });

  it('should abort the running job on cancel and report what the core returned', async () => {
    const events: AppEvent[] = [];
    const index: IndexFunction = (_roots, { signal }) =>
      new Promise((resolve) => signal.addEventListener('abort', () => resolve({ ...REPORT, cancelled: true })));
    const jobs = new IndexJobs(
      index,
      (event) => events.push(event),
      () => {},
    );
    const jobId = jobs.start(['/photos']);
    expect(jobs.cancel(jobId)).toBe(true);
    expect(await untilSettled(events)).toMatchObject({ id: jobId, state: 'done', report: { cancelled: true } });
    expect(jobs.cancel(jobId)).toBe(false);
  });

  it('should report a thrown core error as a failed job with its code unchanged', async () => {
    const events: AppEvent[] = [];
    const failure = new InvalidArgumentError('Cannot index /nope: no such folder');
    new IndexJobs(
      () => Promise.reject(failure),
      (event) => events.push(event),
      () => {},
    ).start(['/nope']);
    expect(await untilSettled(events)).toMatchObject({
      state: 'failed',
      error: { code: 'invalid_input', message: 'Cannot index /nope: no such folder' },
    });
  });
});
