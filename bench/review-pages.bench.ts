/**
 * What the Duplicates view waits for, through the engine's pages (src/engine/review-pages.ts) over
 * the app's own review (candidate groups, then GroupReview in steps): the first page after each
 * slider step, far jump and keeper change, further pages, and the first page after the library
 * changed (a clean-up of one group; a "not duplicates" mark). The picture check of near pairs is not
 * in these figures: synthetic photos have no pictures (its verdicts are kept per pair anyway).
 */
import type { DuplicatesService } from '../src/core/duplicates/duplicates.service';
import type { GroupReview } from '../src/core/duplicates/group-review';
import { pairKey } from '../src/core/duplicates/group-review';
import { KEPT_LISTS, ReviewPages, type PageRequest, type Reviewer } from '../src/engine/review-pages';
import { limits } from '../src/shared/limits';

export interface ReviewPagesFigures {
  /** Photos in a group at the default setting, of all photos. */
  readonly groupedShare: number;
  readonly firstPageColdMs: number;
  readonly sliderStepMaxMs: number;
  readonly sliderStepMeanMs: number;
  readonly sliderBackMaxMs: number;
  readonly farJumpMaxMs: number;
  readonly keeperChangeMaxMs: number;
  readonly nextPageMaxMs: number;
  readonly afterCleanUpMs: number;
  readonly afterDecisionMs: number;
}

export interface ReviewPagesLibrary {
  readonly label: string;
  readonly photos: number;
  readonly duplicates: DuplicatesService;
  readonly review: GroupReview;
  /** The user's "not duplicates" marks, as the review reads them (the bench adds one). */
  readonly notDuplicates: Set<string>;
  /** Takes these files out of the library, as a clean-up does (the caches dropped as the app drops them). */
  readonly cleanUp: (files: readonly string[]) => void;
}

const PAGE = limits.duplicatePageSize.default;
const FIRST_PAGE_TARGET = '< 150 ms';
const CHANGED_TARGET = '< 2 s';

export async function measureReviewPages(library: ReviewPagesLibrary): Promise<ReviewPagesFigures> {
  const { duplicates, review } = library;
  let version = 0;
  const reviewer: Reviewer = async (query, signal) => {
    const kind = query.kind === 'shots' ? 'near' : query.kind;
    const candidates = await duplicates.list({ kind, threshold: query.threshold, hashDistance: query.hashDistance });
    signal.throwIfAborted();
    return review.reviewInSteps(
      candidates,
      {
        kind: query.kind === 'shots' ? 'all' : query.kind,
        threshold: query.threshold ?? limits.nearThreshold.default,
        ...(query.keep
          ? { keep: query.keep.rule === 'in-folder' ? { rule: 'in-folder', folder: query.keep.folder ?? '/' } : { rule: query.keep.rule } }
          : {}),
      },
      signal,
    );
  };
  const pages = new ReviewPages(reviewer, () => version);
  const timed = async (request: Partial<PageRequest>): Promise<{ ms: number; groups: number; photos: number; next: string | null }> => {
    const started = performance.now();
    const page = await pages.page({ kind: 'all', limit: PAGE, view: 'bench', ...request });
    return { ms: performance.now() - started, groups: page.totals.groups, photos: page.totals.copies, next: page.next };
  };
  const at = (threshold: number, hashDistance: number = limits.nearHashDistance.default): Partial<PageRequest> => ({
    threshold,
    hashDistance,
  });
  const where = `${library.photos} photos, ${library.label}`;

  const cold = await timed(at(limits.nearThreshold.default));
  const groupedShare = cold.photos / library.photos;
  console.log(
    `grouping: review pages at ${where}: ${cold.groups} groups holding ${cold.photos} photos (${(100 * groupedShare).toFixed(0)} %); ` +
      `first page of the first list ${cold.ms.toFixed(0)} ms (every file's details and vector read)`,
  );

  // A user drags the similarity slider a step at a time: each step is a setting not seen yet…
  const steps: number[] = [];
  for (let step = 1; step <= 10; step++) steps.push((await timed(at(Number((0.8 + step / 100).toFixed(2))))).ms);
  // …and back down the same steps, where the last settings are still kept (the older ones are reviewed again).
  const back: number[] = [];
  for (let step = 9; step >= 0; step--) back.push((await timed(at(Number((0.8 + step / 100).toFixed(2))))).ms);
  const farJumps: number[] = [];
  for (const [threshold, hashDistance] of [
    [limits.nearThreshold.min, limits.nearHashDistance.max],
    [0.75, 6],
    [limits.nearThreshold.max, limits.nearHashDistance.min],
    [0.85, 10],
    [limits.nearThreshold.default, limits.nearHashDistance.default],
  ] as const) {
    farJumps.push((await timed(at(threshold, hashDistance))).ms);
  }
  const keeperChanges: number[] = [];
  for (const rule of ['largest', 'oldest', 'shortest-path', 'highest-resolution'] as const) {
    keeperChanges.push((await timed({ ...at(limits.nearThreshold.default), keep: { rule } })).ms);
  }
  // Further pages of the list shown: the next one, and jumps far down it.
  const nextPages: number[] = [];
  let page = await timed(at(limits.nearThreshold.default));
  for (let i = 0; i < 5 && page.next; i++) {
    page = await timed({ ...at(limits.nearThreshold.default), cursor: page.next });
    nextPages.push(page.ms);
  }
  for (const fraction of [0.5, 0.9, 1]) {
    nextPages.push((await timed({ ...at(limits.nearThreshold.default), offset: Math.floor(fraction * cold.groups) })).ms);
  }

  // The library changes: one group cleaned up (its copies leave), then one group marked "not duplicates".
  const shown = await pages.page({ kind: 'all', limit: 2, ...at(limits.nearThreshold.default) });
  const [cleaned, marked] = shown.groups;
  library.cleanUp(cleaned?.copies.slice(1).map((copy) => copy.path) ?? []);
  version += 1;
  const afterCleanUp = await timed(at(limits.nearThreshold.default));
  const [first, second] = marked?.copies ?? [];
  if (first && second) library.notDuplicates.add(pairKey(contentOf(first.path), contentOf(second.path)));
  version += 1;
  const afterDecision = await timed(at(limits.nearThreshold.default));

  const max = (values: readonly number[]): number => Math.max(0, ...values);
  const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const figures: ReviewPagesFigures = {
    groupedShare: round(groupedShare),
    firstPageColdMs: round(cold.ms),
    sliderStepMaxMs: round(max(steps)),
    sliderStepMeanMs: round(mean(steps)),
    sliderBackMaxMs: round(max(back)),
    farJumpMaxMs: round(max(farJumps)),
    keeperChangeMaxMs: round(max(keeperChanges)),
    nextPageMaxMs: round(max(nextPages)),
    afterCleanUpMs: round(afterCleanUp.ms),
    afterDecisionMs: round(afterDecision.ms),
  };
  const ms = (value: number): string => `${value.toFixed(0)} ms`;
  console.log(
    `grouping: first page at ${where}: slider step 0.80 -> 0.90 to a new setting: mean ${ms(figures.sliderStepMeanMs)}, ` +
      `slowest ${ms(figures.sliderStepMaxMs)} (target ${FIRST_PAGE_TARGET}); back down the same steps (the last ${KEPT_LISTS} kept): slowest ${ms(figures.sliderBackMaxMs)} ` +
      `(target ${FIRST_PAGE_TARGET}); far jump: slowest ${ms(figures.farJumpMaxMs)} (target ${FIRST_PAGE_TARGET}); ` +
      `keeper change: slowest ${ms(figures.keeperChangeMaxMs)} (target ${FIRST_PAGE_TARGET}); next page or jump down the list: ` +
      `slowest ${ms(figures.nextPageMaxMs)}`,
  );
  console.log(
    `grouping: first page after the library changed at ${where}: after a clean-up of one group ${ms(figures.afterCleanUpMs)}, ` +
      `after a "not duplicates" mark ${ms(figures.afterDecisionMs)} (target ${CHANGED_TARGET})`,
  );
  return figures;
}

/** The bench's content hash of a photo, from its path (/bench/123.jpg or /bench/copies/123.jpg). */
function contentOf(path: string): string {
  const item = Number(/(\d+)\.jpg$/.exec(path)?.[1] ?? '0');
  return item.toString(16).padStart(64, '0');
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
