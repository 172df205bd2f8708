/**
 * Evaluates one embedding model on a built set: index each half into its own library, sweep the
 * near-duplicate settings on the tuning half, then measure the chosen setting, the core defaults and
 * similar-photo search on the report half.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Doppel } from '../core/doppel';
import { limits } from '../shared/limits';
import type { SimilarReport } from '../shared/types';
import type { EvalHalf, EvalSet } from './eval-set';
import { GEOMETRIC_EDIT_IDS } from './edits';
import { evaluateGroups, evaluateSearch, type GroupMetrics } from './metrics';
import type { ModelResult } from './report';
import { chooseSetting, settingGrid, type NearSetting, type SweepPoint } from './threshold-sweep';

/** How many results to ask per similar query: more than the relevant files of any source. */
const SEARCH_LIMIT = 50;

interface IndexedHalf {
  readonly half: EvalHalf;
  readonly doppel: Doppel;
  readonly errors: number;
}

async function openIndexed(set: EvalSet, half: EvalHalf, modelId: string | undefined, log: (line: string) => void): Promise<IndexedHalf> {
  const libraryDir = join(set.root, `library-${modelId ?? 'default'}-${half.half}`);
  await rm(libraryDir, { recursive: true, force: true });
  // A variable, not a literal: `modelId` may be newer than the OpenOptions this file is compiled against.
  const options = { libraryDir, modelId, log: (line: string) => log(`  [doppel] ${line}`) };
  const doppel = await Doppel.open(options);
  const report = await doppel.index([half.dir]);
  for (const error of report.errors.slice(0, 5)) log(`  index error: ${error.path}: ${error.reason}`);
  return { half, doppel, errors: report.errors.length };
}

async function groupMetrics(indexed: IndexedHalf, setting: NearSetting): Promise<GroupMetrics> {
  const { groups } = await indexed.doppel.duplicates({ kind: 'all', ...setting });
  return evaluateGroups(indexed.half.files, groups, GEOMETRIC_EDIT_IDS);
}

async function sweep(indexed: IndexedHalf, log: (line: string) => void): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  for (const setting of settingGrid()) {
    try {
      points.push({ setting, metrics: await groupMetrics(indexed, setting) });
    } catch (error) {
      log(`  setting ${JSON.stringify(setting)} rejected by the core: ${(error as Error).message}`);
    }
  }
  return points;
}

export interface ModelEvaluation {
  readonly result: ModelResult;
  /** Every setting tried on the tuning half. */
  readonly sweep: readonly SweepPoint[];
}

export async function evaluateModel(
  set: EvalSet,
  modelId: string | undefined,
  options: { tunePrecision: number; log: (line: string) => void },
): Promise<ModelEvaluation> {
  const { log } = options;
  const started = performance.now();
  log(`indexing the tuning and report halves with model ${modelId ?? '(default)'}...`);
  const tune = await openIndexed(set, set.halves.tune, modelId, log);
  const report = await openIndexed(set, set.halves.report, modelId, log);
  const seconds = (performance.now() - started) / 1000;
  try {
    const points = await sweep(tune, log);
    const choice = chooseSetting(points, options.tunePrecision);
    const queries = report.half.files.filter((file) => file.editId !== null).map((file) => file.path);
    // One call takes at most `similarQueries.max` images (the shared limit every door enforces).
    const rankings: SimilarReport[] = [];
    for (let start = 0; start < queries.length; start += limits.similarQueries.max) {
      rankings.push(...(await report.doppel.similar(queries.slice(start, start + limits.similarQueries.max), { limit: SEARCH_LIMIT })));
    }
    const result: ModelResult = {
      model: modelId ?? tune.doppel.stats().model ?? 'default',
      tuned: {
        setting: choice.point.setting,
        meetsPrecisionOnTune: choice.meetsPrecision,
        tunePrecision: choice.point.metrics.pairPrecision,
        tuneRecallNonGeometric: choice.point.metrics.recallNonGeometric.recall,
      },
      reportDefault: await groupMetrics(report, {}),
      reportTuned: await groupMetrics(report, choice.point.setting),
      search: evaluateSearch(report.half.files, rankings),
      indexErrors: tune.errors + report.errors,
      seconds,
    };
    return { result, sweep: points };
  } finally {
    await tune.doppel.close();
    await report.doppel.close();
  }
}
