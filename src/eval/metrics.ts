/**
 * Near-duplicate evaluation metrics. Pure functions over plain data, no I/O, so they can be unit
 * tested with hand-made groups and rankings.
 *
 * Ground truth: every indexed file belongs to one source (an original photo with its edits, or an
 * unrelated distractor that is its own source). Two files "should match" exactly when they share
 * a source.
 */

export interface GroundTruthFile {
  readonly path: string;
  readonly sourceId: string;
  /** null for the original (and for distractors). */
  readonly editId: string | null;
}

export interface PredictedGroup {
  readonly files: readonly string[];
}

export interface RecallCount {
  readonly found: number;
  readonly total: number;
  readonly recall: number;
}

export interface GroupMetrics {
  /** Per edit id: original<->edit pairs that ended up in one predicted group. */
  readonly recallByEdit: Readonly<Record<string, RecallCount>>;
  readonly recallNonGeometric: RecallCount;
  readonly recallGeometric: RecallCount;
  readonly recallAll: RecallCount;
  /** Unordered file pairs inside predicted groups (each pair counted once). */
  readonly predictedPairs: number;
  /** Predicted pairs whose files come from different sources. */
  readonly falsePairs: number;
  /** (predicted - false) / predicted; 1 when nothing was predicted. */
  readonly pairPrecision: number;
}

export interface RankedResults {
  readonly query: string;
  readonly results: readonly { readonly path: string }[];
}

export interface SearchMetrics {
  readonly queries: number;
  /** Share of queries whose first result (the query itself excluded) is the same source. */
  readonly top1: number;
  /** Share of queries with a same-source file among the first five results. */
  readonly top5: number;
  /** Mean over queries of average precision, relevant = every other file of the query's source. */
  readonly meanAveragePrecision: number;
}

const ratio = (found: number, total: number): RecallCount => ({ found, total, recall: total === 0 ? 1 : found / total });

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/** Every unordered pair of distinct files that share at least one predicted group. */
export function predictedPairs(groups: readonly PredictedGroup[]): Set<string> {
  const pairs = new Set<string>();
  for (const group of groups) {
    const files = [...new Set(group.files)];
    files.forEach((first, i) => {
      for (const second of files.slice(i + 1)) pairs.add(pairKey(first, second));
    });
  }
  return pairs;
}

/**
 * Recall per edit and pair precision of `groups` against `truth`. Files in groups that are not in
 * `truth` count as sources of their own (any pair with them is false).
 *
 * @example
 * evaluateGroups(truth, [{ files: ['/a/original.jpg', '/a/jpeg-q30.jpg'] }], new Set(['mirror']))
 */
export function evaluateGroups(
  truth: readonly GroundTruthFile[],
  groups: readonly PredictedGroup[],
  geometricEditIds: ReadonlySet<string>,
): GroupMetrics {
  const sourceOf = new Map(truth.map((file) => [file.path, file.sourceId]));
  const pairs = predictedPairs(groups);
  let falsePairs = 0;
  for (const pair of pairs) {
    const [a, b] = pair.split('\u0000') as [string, string];
    const sourceA = sourceOf.get(a);
    if (sourceA === undefined || sourceA !== sourceOf.get(b)) falsePairs++;
  }
  const originals = new Map(truth.filter((file) => file.editId === null).map((file) => [file.sourceId, file.path]));
  const counts = new Map<string, { found: number; total: number }>();
  for (const file of truth) {
    if (file.editId === null) continue;
    const original = originals.get(file.sourceId);
    if (original === undefined) throw new Error(`evaluateGroups: edit ${file.path} has no original for source ${file.sourceId}`);
    const count = counts.get(file.editId) ?? { found: 0, total: 0 };
    count.total++;
    if (pairs.has(pairKey(original, file.path))) count.found++;
    counts.set(file.editId, count);
  }
  const sum = (filter: (editId: string) => boolean): RecallCount => {
    let found = 0;
    let total = 0;
    for (const [editId, count] of counts) {
      if (!filter(editId)) continue;
      found += count.found;
      total += count.total;
    }
    return ratio(found, total);
  };
  return {
    recallByEdit: Object.fromEntries([...counts].map(([editId, count]) => [editId, ratio(count.found, count.total)])),
    recallNonGeometric: sum((editId) => !geometricEditIds.has(editId)),
    recallGeometric: sum((editId) => geometricEditIds.has(editId)),
    recallAll: sum(() => true),
    predictedPairs: pairs.size,
    falsePairs,
    pairPrecision: pairs.size === 0 ? 1 : (pairs.size - falsePairs) / pairs.size,
  };
}

/**
 * Retrieval quality of similar-photo search. Each ranking's query should be an edited copy; the query
 * itself is dropped from its results if the engine returned it.
 */
export function evaluateSearch(truth: readonly GroundTruthFile[], rankings: readonly RankedResults[]): SearchMetrics {
  const sourceOf = new Map(truth.map((file) => [file.path, file.sourceId]));
  const sourceSizes = new Map<string, number>();
  for (const file of truth) sourceSizes.set(file.sourceId, (sourceSizes.get(file.sourceId) ?? 0) + 1);
  let top1 = 0;
  let top5 = 0;
  let averagePrecisionSum = 0;
  for (const { query, results } of rankings) {
    const source = sourceOf.get(query);
    if (source === undefined) throw new Error(`evaluateSearch: query ${query} is not in the ground truth`);
    const relevantTotal = (sourceSizes.get(source) ?? 1) - 1;
    const hits = results.filter((result) => result.path !== query).map((result) => sourceOf.get(result.path) === source);
    if (hits[0] === true) top1++;
    if (hits.slice(0, 5).includes(true)) top5++;
    let found = 0;
    let precisionSum = 0;
    hits.forEach((hit, rank) => {
      if (!hit) return;
      found++;
      precisionSum += found / (rank + 1);
    });
    averagePrecisionSum += relevantTotal === 0 ? 1 : precisionSum / relevantTotal;
  }
  const queries = rankings.length;
  const share = (count: number): number => (queries === 0 ? 0 : count / queries);
  return { queries, top1: share(top1), top5: share(top5), meanAveragePrecision: share(averagePrecisionSum) };
}
