/**
 * `npm run eval`: near-duplicate detection quality on real photos and their Copydays-style edits,
 * and on hard negatives (different pictures that look alike: burst frames, screenshots, slides...).
 *
 *   node dist/eval.mjs [--model <id>] [--compare-models] [--dir <folder>] [--distractors <n>]
 *                      [--sweep] [--tune-precision 0.995] [--strict]
 *                      [--only edits|hard-negatives] [--threshold <cosine>] [--hash-distance <n>]
 *                      [--without-metadata]
 *
 * The sets are built in `--dir`, `$DOPPEL_EVAL_DIR` or a temporary folder (removed afterwards); in a
 * kept folder the hard-negatives set is built once and reused while its version is the same.
 * Thresholds are tuned on one half of the source photos and reported on the other. Prints one table
 * per model and, last, a single JSON line with every number. `--sweep` also prints the tuning sweep;
 * `--strict` exits 1 when a target of the edits set is missed. `--only` (or `$DOPPEL_EVAL_ONLY`) runs
 * one part: `npm run eval -- --only hard-negatives --dir /tmp/doppel-eval` takes about a minute
 * once built. `--threshold`/`--hash-distance` score the hard negatives at that near-duplicate setting
 * instead of the core defaults. `--without-metadata` scores the hard negatives a second time as
 * copies without EXIF come (bare-copies.ts). Progress goes to stderr, results to stdout.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildEvalSet } from './eval-set';
import { EDITS } from './edits';
import { evaluateModel } from './evaluate-model';
import { evaluateHardNegatives, type HardNegativeResult } from './hard-negative-eval';
import { bareCopyOf } from './bare-copies';
import { buildHardNegatives } from './hard-negatives';
import { findSourcePhotos } from './photo-sources';
import {
  formatComparison,
  formatHardNegatives,
  formatModelReport,
  formatSweep,
  hardNegativesSummary,
  targetsMet,
  type ModelResult,
} from './report';
import { TUNE_PRECISION } from './threshold-sweep';

const COMPARED_MODELS = ['mobilenet-v3-small-075', 'mobilenet-v2-100'] as const;

const MIN_SOURCES = 6;

const PARTS = ['edits', 'hard-negatives'] as const;
type Part = (typeof PARTS)[number];

function summary(result: ModelResult): object {
  const { reportDefault, reportTuned, search } = result;
  const pick = (metrics: typeof reportTuned): object => ({
    recallNonGeometric: metrics.recallNonGeometric.recall,
    recallGeometric: metrics.recallGeometric.recall,
    recallAll: metrics.recallAll.recall,
    pairPrecision: metrics.pairPrecision,
    predictedPairs: metrics.predictedPairs,
    falsePairs: metrics.falsePairs,
    recallByEdit: Object.fromEntries(Object.entries(metrics.recallByEdit).map(([edit, count]) => [edit, count.recall])),
  });
  return {
    model: result.model,
    tuned: result.tuned,
    reportDefault: pick(reportDefault),
    reportTuned: pick(reportTuned),
    search,
    targets: targetsMet(result),
    indexErrors: result.indexErrors,
    indexSeconds: result.seconds,
  };
}

/** The Copydays-style edits set: tuned and default near-duplicate recall and precision, similar search. */
async function runEdits(
  root: string,
  models: readonly (string | undefined)[],
  options: { distractors: number; sweep: boolean; tunePrecision: number; log: (line: string) => void },
): Promise<{ summary: object; results: ModelResult[] }> {
  const { log } = options;
  const sources = findSourcePhotos({
    unpackedRoot: resolve('.cache/eval-photos'),
    extraDirs: (process.env.DOPPEL_EVAL_PHOTO_DIRS ?? '').split(':').filter((dir) => dir !== ''),
  });
  if (sources.length < MIN_SOURCES) {
    throw new Error(
      `Cannot evaluate: found ${sources.length} real photos, need at least ${MIN_SOURCES} (apt-get install darknet; see src/eval/photo-sources.ts)`,
    );
  }
  const origins = [...new Set(sources.map((source) => source.origin))].join(', ');
  log(`building the evaluation set in ${root} from ${sources.length} real photos (${origins}), ${EDITS.length} edits each...`);
  const set = await buildEvalSet(join(root, 'set'), sources, { distractors: options.distractors });
  log(
    `  tuning half: ${set.halves.tune.sources.length} photos, ${set.halves.tune.files.length} files; report half: ${set.halves.report.sources.length} photos, ${set.halves.report.files.length} files`,
  );
  const results: ModelResult[] = [];
  for (const model of models) {
    const { result, sweep } = await evaluateModel(set, model, { tunePrecision: options.tunePrecision, log });
    results.push(result);
    if (options.sweep) console.log(`\n${formatSweep(result.model, sweep)}`);
    console.log(`\n${formatModelReport(result, EDITS)}`);
  }
  if (results.length > 1) console.log(`\n${formatComparison(results)}`);
  return {
    results,
    summary: {
      sources: { tune: set.halves.tune.sources.map((s) => s.id), report: set.halves.report.sources.map((s) => s.id) },
      files: { tune: set.halves.tune.files.length, report: set.halves.report.files.length },
      models: results.map(summary),
    },
  };
}

/** The hard-negatives set (hard-negatives.ts): false duplicates and copies found, per category. */
async function runHardNegatives(
  root: string,
  models: readonly (string | undefined)[],
  options: { threshold?: string; hashDistance?: string; withoutMetadata: boolean; log: (line: string) => void },
): Promise<{ results: HardNegativeResult[]; bare: HardNegativeResult[] }> {
  const set = await buildHardNegatives(join(root, 'hard-negatives'), { reuse: true, log: options.log });
  const setting = {
    ...(options.threshold === undefined ? {} : { threshold: Number(options.threshold) }),
    ...(options.hashDistance === undefined ? {} : { hashDistance: Number(options.hashDistance) }),
  };
  const results: HardNegativeResult[] = [];
  for (const model of models) {
    const result = await evaluateHardNegatives(set, model, { setting, log: options.log });
    results.push(result);
    console.log(`\n${formatHardNegatives(result)}`);
  }
  const bare: HardNegativeResult[] = [];
  if (options.withoutMetadata) {
    const bareSet = await bareCopyOf(set, join(root, 'hard-negatives-bare'));
    for (const model of models) {
      const result = await evaluateHardNegatives(bareSet, model, { setting, log: options.log });
      bare.push(result);
      console.log(`\nthe same files without capture metadata (EXIF and XMP left out of every JPEG):\n${formatHardNegatives(result)}`);
    }
  }
  return { results, bare };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      'compare-models': { type: 'boolean', default: false },
      dir: { type: 'string' },
      distractors: { type: 'string', default: '20' },
      strict: { type: 'boolean', default: false },
      sweep: { type: 'boolean', default: false },
      'tune-precision': { type: 'string', default: String(TUNE_PRECISION) },
      only: { type: 'string', default: process.env.DOPPEL_EVAL_ONLY },
      threshold: { type: 'string' },
      'hash-distance': { type: 'string' },
      'without-metadata': { type: 'boolean', default: false },
    },
  });
  const only = values.only === undefined || values.only === '' ? null : values.only;
  if (only !== null && !PARTS.includes(only as Part)) throw new Error(`--only: expected one of ${PARTS.join(', ')}, got "${only}"`);
  const runs = (part: Part): boolean => only === null || only === part;
  const log = (line: string): void => console.error(line);
  const started = performance.now();
  const chosenDir = values.dir ?? process.env.DOPPEL_EVAL_DIR;
  const root = chosenDir !== undefined ? resolve(chosenDir) : await mkdtemp(join(tmpdir(), 'doppel-eval-'));
  try {
    const models = values['compare-models'] ? [...COMPARED_MODELS] : [values.model];
    const edits = runs('edits')
      ? await runEdits(root, models, {
          distractors: Number(values.distractors),
          sweep: values.sweep,
          tunePrecision: Number(values['tune-precision']),
          log,
        })
      : null;
    const hardNegatives = runs('hard-negatives')
      ? await runHardNegatives(root, models, {
          threshold: values.threshold,
          hashDistance: values['hash-distance'],
          withoutMetadata: values['without-metadata'],
          log,
        })
      : null;
    console.log(
      JSON.stringify({
        eval: 'doppel-near-duplicates',
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        ...(edits?.summary ?? {}),
        ...(hardNegatives === null ? {} : { hardNegatives: hardNegatives.results.map(hardNegativesSummary) }),
        ...(hardNegatives === null || hardNegatives.bare.length === 0
          ? {}
          : { hardNegativesWithoutMetadata: hardNegatives.bare.map(hardNegativesSummary) }),
      }),
    );
    const allMet = (edits?.results ?? []).every((result) => Object.values(targetsMet(result)).every(Boolean));
    return values.strict && !allMet ? 1 : 0;
  } finally {
    if (chosenDir === undefined) await rm(root, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
