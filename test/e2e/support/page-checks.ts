/** Checks shared by the browser tests: what the page shows, compared with what the bridge answers. */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { JobSnapshot } from '../../../src/shared/ipc-contract.js';
import type { Result } from '../../../src/shared/result.js';
import type { SimilarReport } from '../../../src/shared/types.js';
import { postToBridge } from './bridge-client.js';

/** What the tests read of an <img> in the page (tsconfig.node has no DOM lib, on purpose). */
interface PageImage {
  readonly complete: boolean;
  readonly naturalWidth: number;
}

/** What the tests read of any element in the page (same reason: no DOM lib in tsconfig.node). */
export interface PageElement {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

/** Waits until every <img> matching `selector` has settled; answers their naturalWidth (0 = broken). */
export async function thumbnailWidths(page: Page, selector: string): Promise<number[]> {
  const images = page.locator(selector);
  const read = (): Promise<PageImage[]> =>
    images.evaluateAll((elements) =>
      elements.map((element) => {
        const image = element as unknown as PageImage;
        return { complete: image.complete, naturalWidth: image.naturalWidth };
      }),
    );
  await expect.poll(async () => (await read()).every((image) => image.complete)).toBe(true);
  return (await read()).map((image) => image.naturalWidth);
}

/**
 * Asks the bridge directly (signed in with the token `bridgeUrl` carries), to compare the UI with what
 * the core answers. `idempotent`: a read that may be sent again after the keep-alive race (see
 * bridge-client.ts); never for a channel that starts or changes something.
 */
export async function callBridge<T>(
  bridgeUrl: string,
  channel: string,
  input?: unknown,
  options: { idempotent?: boolean } = {},
): Promise<T> {
  const answer = await postToBridge(bridgeUrl, `/api/${channel}`, input, options);
  let result: Result<T>;
  try {
    result = JSON.parse(answer.body) as Result<T>;
  } catch {
    throw new Error(`${channel} answered HTTP ${answer.status} without a JSON envelope: ${answer.body.slice(0, 200)}`);
  }
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`);
  return result.value;
}

/**
 * Polls `jobs:list` until the job `jobId` is done; throws when it failed, when its progress (phase
 * and count) has not moved for `stallMs`, or after `timeoutMs` in all. A stuck job fails soon, while
 * one that is slow because the machine is busy (5,000 photos: 57 s, and 155 s to over 170 s beside two
 * CPU-bound processes) is given the time it keeps using. Returns how many polls it took.
 */
export async function waitForJob(
  bridgeUrl: string,
  jobId: string,
  options: { stallMs: number; timeoutMs: number; intervalMs?: number },
): Promise<number> {
  const started = Date.now();
  let lastProgress = '';
  let movedAt = started;
  for (let polls = 1; ; polls += 1) {
    const job = (await callBridge<JobSnapshot[]>(bridgeUrl, 'jobs:list', undefined, { idempotent: true })).find(
      (candidate) => candidate.id === jobId,
    );
    if (job?.state === 'done') return polls;
    if (job?.state === 'failed') throw new Error(`job ${jobId} (${job.kind}) failed: ${job.error.message}`);
    const now = Date.now();
    const progress = job ? `${job.progress?.phase ?? 'starting'}:${job.progress?.done ?? 0}` : 'not listed';
    if (progress !== lastProgress) {
      lastProgress = progress;
      movedAt = now;
    }
    const seen = `(last seen: ${JSON.stringify(job)})`;
    if (now - movedAt > options.stallMs) throw new Error(`job ${jobId} made no progress for ${options.stallMs / 1000} s ${seen}`);
    if (now - started > options.timeoutMs) throw new Error(`job ${jobId} did not finish within ${options.timeoutMs / 1000} s ${seen}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** Polls `jobs:list` until no job runs (throws at the deadline). */
export async function waitForNoRunningJob(bridgeUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (
    (await callBridge<JobSnapshot[]>(bridgeUrl, 'jobs:list', undefined, { idempotent: true })).some((job) => job.state === 'running')
  ) {
    if (Date.now() > deadline) throw new Error(`jobs still running after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The title attribute of each tile's button: the photo's absolute path. */
export function tilePaths(page: Page, selector: string): Promise<(string | null)[]> {
  return page
    .locator(`${selector} .photo-button`)
    .evaluateAll((buttons) => buttons.map((button) => (button as unknown as PageElement).getAttribute('title')));
}

/** What SimilarView.vue asks for first, and the score below which it keeps results behind "Show more". */
const SIMILAR_FIRST_LIMIT = 60;
const SIMILAR_MEANINGFUL_SCORE = 0.7;

/** Page must show the Similar view for `clickedPath`, with exactly what `similar:query` answers (minus the photo itself). */
export async function expectSimilarView(page: Page, bridgeUrl: string, clickedPath: string): Promise<void> {
  await page.getByRole('heading', { name: 'Similar', exact: true }).waitFor();
  const heading = page.getByTestId('similar-heading');
  await heading.waitFor();
  // What the core answers today decides how strict this is: once similarity search returns
  // results, the view must show every one of them (minus the query photo itself).
  const answer = await callBridge<SimilarReport[]>(bridgeUrl, 'similar:query', { paths: [clickedPath], limit: SIMILAR_FIRST_LIMIT });
  // The view shows the close matches first; the loosely related ones wait behind "Show more".
  const expected = (answer[0]?.results ?? []).filter((match) => match.path !== clickedPath && match.score >= SIMILAR_MEANINGFUL_SCORE);
  const tiles = page.locator('[data-testid="similar-results"] .photo');
  if (expected.length === 0) {
    expect(await heading.textContent()).toMatch(
      new RegExp(`No photos (similar|close) to ${path.basename(clickedPath).replaceAll('.', '\\.')}`),
    );
    return;
  }
  await expect.poll(() => tiles.count()).toBe(expected.length);
  const widths = await thumbnailWidths(page, '[data-testid="similar-results"] img.thumb');
  for (const width of widths) expect(width).toBeGreaterThan(0);
  expect(await tilePaths(page, '[data-testid="similar-results"]')).toEqual(expected.map((match) => match.path));
}

/** Clicks a button of the open viewer's details panel ("Find similar", "Show duplicates"), opening the panel (key I) if it is closed. */
export async function clickViewerAction(page: Page, name: string): Promise<void> {
  const viewer = page.getByTestId('viewer');
  await viewer.waitFor();
  if ((await page.getByTestId('viewer-info').count()) === 0) await page.keyboard.press('i');
  await viewer.getByTestId('viewer-info').getByRole('button', { name }).click();
}
