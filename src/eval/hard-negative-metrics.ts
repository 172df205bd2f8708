/**
 * Scores duplicate and similar-shot groups against the hard-negatives ground truth (see
 * hard-negatives.ts). Pure functions over plain data, no I/O, unit tested in
 * test/eval/hard-negative-metrics.test.ts.
 *
 * Ground truth: every file is one picture (`item`) of a `category`, inside a `group` (a burst of video
 * frames, a slide template, a letter, a UI layout...: the unit that never spans both halves). A
 * deliberate copy (`copy` set: re-compressed, downscaled, cropped, re-saved) carries its original's
 * item. Then:
 * - a duplicate pair is right only when both files show the same item; any other pair is a false
 *   duplicate, most of all two frames of one burst or two slides of one template;
 * - a deliberate copy is found when it shares a duplicate group with its original;
 * - a similar-shot pair is right when both files show the same item or are frames of one burst
 *   (`burst` groups: video bursts, consecutive frames, stereo pairs); a burst frame is found as a
 *   shot when it shares a shots group with another frame of its burst.
 */
import { predictedPairs, type PredictedGroup, type RecallCount } from './metrics';

export interface HardNegativeFile {
  readonly path: string;
  /** e.g. `video-people`, `screenshots`, `slides` (see HARD_NEGATIVE_CATEGORIES). */
  readonly category: string;
  /** The unit split between the halves: a burst, a template, a letter, a layout, a photo. */
  readonly group: string;
  /** The picture this file shows: an original and its deliberate copies share it. */
  readonly item: string;
  /** How a deliberate copy was made (`jpeg-q70`, `scale-50`, `crop-95`, `png-resave`); null for originals. */
  readonly copy: string | null;
  /** The group's pictures are shots of one scene moments apart: they belong together as similar shots. */
  readonly burst: boolean;
}

/** A group as `duplicates()` answers it: only the files (and, when present, the kind) are read. */
export interface ScoredGroup extends PredictedGroup {
  readonly kind?: string;
}

export interface DuplicateScore {
  readonly files: number;
  /** Deliberate copies: files with `copy` set. */
  readonly copies: number;
  /** Predicted duplicate pairs with both files in this category. */
  readonly pairs: number;
  /** Of `pairs`, those of two different items: false duplicates. */
  readonly falsePairs: number;
  /** Of `falsePairs`, those inside one group (one burst, one template, one layout). */
  readonly falsePairsInGroup: number;
  /** Files of this category in at least one false pair (any category). */
  readonly filesInFalsePairs: number;
  /** Deliberate copies that share a group with their original. */
  readonly copiesFound: RecallCount;
  /** The same, per copy edit (`jpeg-q70`, `crop-95`...). */
  readonly copiesFoundByEdit: Readonly<Record<string, RecallCount>>;
}

export interface ShotScore {
  /** Original frames of burst groups that share a shots group with another frame of their burst. */
  readonly burstFrames: RecallCount;
  /** Predicted shot pairs with both files in this category. */
  readonly pairs: number;
  /** Of `pairs`, neither the same item nor two frames of one burst. */
  readonly falsePairs: number;
}

export interface HardNegativeScore<T> {
  readonly byCategory: Readonly<Record<string, T>>;
  /** Every category together; pairs across categories are counted here (and in `acrossCategories`) only. */
  readonly total: T;
  /** False pairs whose two files are in different categories, or one is not in the ground truth. */
  readonly acrossCategories: number;
  /** Grouped paths that are not in the ground truth. */
  readonly unknownFiles: number;
}

const ratio = (found: number, total: number): RecallCount => ({ found, total, recall: total === 0 ? 1 : found / total });

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

function splitKey(pair: string): [string, string] {
  return pair.split('\u0000') as [string, string];
}

/** Categories in first-seen order, so tables follow the order the set was built in. */
function categoriesOf(truth: readonly HardNegativeFile[]): string[] {
  return [...new Set(truth.map((file) => file.category))];
}

function unknownPaths(truth: ReadonlyMap<string, HardNegativeFile>, groups: readonly ScoredGroup[]): number {
  const unknown = new Set<string>();
  for (const group of groups) for (const path of group.files) if (!truth.has(path)) unknown.add(path);
  return unknown.size;
}

/**
 * Scores the groups of `duplicates({ kind: 'all' })`: false duplicate pairs and deliberate copies
 * found, per category. Groups of kind `shots`, should a report mix them in, are left out.
 *
 * @example
 * scoreDuplicates(set.halves.report.files, await doppel.duplicates({ kind: 'all' })).byCategory.slides.falsePairs
 */
export function scoreDuplicates(
  truth: readonly HardNegativeFile[],
  report: { readonly groups: readonly ScoredGroup[] },
): HardNegativeScore<DuplicateScore> {
  const byPath = new Map(truth.map((file) => [file.path, file]));
  const groups = report.groups.filter((group) => group.kind !== 'shots');
  const pairs = predictedPairs(groups);
  const counts = new Map<string, { pairs: number; falsePairs: number; falsePairsInGroup: number }>();
  const count = (category: string): { pairs: number; falsePairs: number; falsePairsInGroup: number } => {
    let entry = counts.get(category);
    if (entry === undefined) counts.set(category, (entry = { pairs: 0, falsePairs: 0, falsePairsInGroup: 0 }));
    return entry;
  };
  const inFalsePairs = new Set<string>();
  let acrossCategories = 0;
  for (const pair of pairs) {
    const [a, b] = splitKey(pair).map((path) => byPath.get(path));
    if (a !== undefined && a.item === b?.item) {
      // Items are named `<category>/<id>`: one item, one category.
      count(a.category).pairs++;
      continue;
    }
    for (const path of splitKey(pair)) inFalsePairs.add(path);
    if (a === undefined || b?.category !== a.category) {
      acrossCategories++;
      continue;
    }
    const entry = count(a.category);
    entry.pairs++;
    entry.falsePairs++;
    if (a.group === b.group) entry.falsePairsInGroup++;
  }
  const originals = new Map(truth.filter((file) => file.copy === null).map((file) => [file.item, file.path]));
  const score = (files: readonly HardNegativeFile[], category: string | null): DuplicateScore => {
    const copies = files.filter((file) => file.copy !== null);
    const isFound = (file: HardNegativeFile): boolean => {
      const original = originals.get(file.item);
      return original !== undefined && pairs.has(pairKey(original, file.path));
    };
    const byEdit = new Map<string, { found: number; total: number }>();
    for (const file of copies) {
      const entry = byEdit.get(file.copy ?? '') ?? { found: 0, total: 0 };
      byEdit.set(file.copy ?? '', entry);
      entry.total++;
      if (isFound(file)) entry.found++;
    }
    const found = copies.filter(isFound).length;
    const sums = category === null ? [...counts.values()] : [counts.get(category) ?? { pairs: 0, falsePairs: 0, falsePairsInGroup: 0 }];
    const sum = (key: 'pairs' | 'falsePairs' | 'falsePairsInGroup'): number => sums.reduce((total, entry) => total + entry[key], 0);
    return {
      files: files.length,
      copies: copies.length,
      pairs: sum('pairs') + (category === null ? acrossCategories : 0),
      falsePairs: sum('falsePairs') + (category === null ? acrossCategories : 0),
      falsePairsInGroup: sum('falsePairsInGroup'),
      filesInFalsePairs: files.filter((file) => inFalsePairs.has(file.path)).length,
      copiesFound: ratio(found, copies.length),
      copiesFoundByEdit: Object.fromEntries(
        [...byEdit].sort(([a], [b]) => a.localeCompare(b)).map(([edit, entry]) => [edit, ratio(entry.found, entry.total)]),
      ),
    };
  };
  return {
    byCategory: Object.fromEntries(
      categoriesOf(truth).map((category) => [
        category,
        score(
          truth.filter((file) => file.category === category),
          category,
        ),
      ]),
    ),
    total: score(truth, null),
    acrossCategories,
    unknownFiles: unknownPaths(byPath, groups),
  };
}

/**
 * Scores the groups of `duplicates({ kind: 'shots' })`: burst frames found as similar shots, and
 * shot pairs that are neither one picture nor one burst, per category.
 *
 * @example
 * scoreShots(set.halves.report.files, shotsReport).byCategory['video-people'].burstFrames.recall
 */
export function scoreShots(
  truth: readonly HardNegativeFile[],
  report: { readonly groups: readonly ScoredGroup[] },
): HardNegativeScore<ShotScore> {
  const byPath = new Map(truth.map((file) => [file.path, file]));
  const pairs = predictedPairs(report.groups);
  const counts = new Map<string, { pairs: number; falsePairs: number }>();
  const withBurstMate = new Set<string>();
  let acrossCategories = 0;
  for (const pair of pairs) {
    const [a, b] = splitKey(pair).map((path) => byPath.get(path));
    if (a === undefined || b?.category !== a.category) {
      acrossCategories++;
      continue;
    }
    const entry = counts.get(a.category) ?? { pairs: 0, falsePairs: 0 };
    counts.set(a.category, entry);
    entry.pairs++;
    const sameBurst = a.burst && a.group === b.group;
    if (a.item !== b.item && !sameBurst) entry.falsePairs++;
    if (sameBurst && a.item !== b.item && a.copy === null && b.copy === null) {
      withBurstMate.add(a.path);
      withBurstMate.add(b.path);
    }
  }
  const score = (files: readonly HardNegativeFile[], category: string | null): ShotScore => {
    const frames = files.filter((file) => file.burst && file.copy === null);
    const sums = category === null ? [...counts.values()] : [counts.get(category) ?? { pairs: 0, falsePairs: 0 }];
    const extra = category === null ? acrossCategories : 0;
    return {
      burstFrames: ratio(frames.filter((file) => withBurstMate.has(file.path)).length, frames.length),
      pairs: sums.reduce((total, entry) => total + entry.pairs, 0) + extra,
      falsePairs: sums.reduce((total, entry) => total + entry.falsePairs, 0) + extra,
    };
  };
  return {
    byCategory: Object.fromEntries(
      categoriesOf(truth).map((category) => [
        category,
        score(
          truth.filter((file) => file.category === category),
          category,
        ),
      ]),
    ),
    total: score(truth, null),
    acrossCategories,
    unknownFiles: unknownPaths(byPath, report.groups),
  };
}
