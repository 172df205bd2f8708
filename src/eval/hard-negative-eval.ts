/**
 * Runs the hard-negatives set (hard-negatives.ts) through the core: each half indexed into its own
 * library, then `duplicates({ kind: 'all' })` at the default settings (or the given ones) and, once
 * the core has it, `duplicates({ kind: 'shots' })`, scored per category (hard-negative-metrics.ts).
 *
 * Until the core lists similar shots, asking for them throws or answers no group at all on a set of
 * 200 burst frames: both are reported as "not supported yet", never as a failure.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Doppel } from '../core/doppel';
import type { DuplicatesReport } from '../shared/types';
import { scoreDuplicates, scoreShots, type DuplicateScore, type HardNegativeScore, type ShotScore } from './hard-negative-metrics';
import type { HardNegativeHalf, HardNegativeSet } from './hard-negatives';
import type { Half } from './split';
import type { NearSetting } from './threshold-sweep';

/** Similar shots, scored, or why they could not be. */
export type ShotsOutcome =
  { readonly supported: true; readonly score: HardNegativeScore<ShotScore> } | { readonly supported: false; readonly reason: string };

export interface HardNegativeHalfResult {
  readonly half: Half;
  readonly files: number;
  readonly indexErrors: number;
  readonly duplicates: HardNegativeScore<DuplicateScore>;
  readonly shots: ShotsOutcome;
}

export interface HardNegativeResult {
  readonly model: string;
  /** The near-duplicate setting scored: `{}` = the core defaults. */
  readonly setting: NearSetting;
  readonly halves: Readonly<Record<Half, HardNegativeHalfResult>>;
  /** Seconds to index both halves. */
  readonly indexSeconds: number;
  readonly skipped: readonly string[];
}

/**
 * Asks the core for similar shots. `kind: 'shots'` is newer than the DuplicatesOptions this file may
 * be compiled against, hence the cast; a core without it throws or lists nothing.
 */
export async function listShots(doppel: Doppel): Promise<{ readonly report: DuplicatesReport } | { readonly reason: string }> {
  const options = { kind: 'shots' } as unknown as Parameters<Doppel['duplicates']>[0];
  try {
    const report = await doppel.duplicates(options);
    if (report.groups.length === 0) return { reason: "not supported yet (kind 'shots' lists no group)" };
    return { report };
  } catch (error) {
    return { reason: `not supported yet (${(error as Error).message.split('\n')[0] ?? 'rejected'})` };
  }
}

async function evaluateHalf(
  set: HardNegativeSet,
  half: HardNegativeHalf,
  options: { modelId: string | undefined; setting: NearSetting; log: (line: string) => void },
): Promise<{ result: HardNegativeHalfResult; model: string; seconds: number }> {
  const libraryDir = join(set.root, `library-${options.modelId ?? 'default'}-${half.half}`);
  await rm(libraryDir, { recursive: true, force: true });
  // A variable, not a literal: `modelId` may be newer than the OpenOptions this file is compiled against.
  const openOptions = { libraryDir, modelId: options.modelId, log: (line: string) => options.log(`  [doppel] ${line}`) };
  const doppel = await Doppel.open(openOptions);
  try {
    const started = performance.now();
    const indexed = await doppel.index([half.dir]);
    const seconds = (performance.now() - started) / 1000;
    for (const error of indexed.errors.slice(0, 5)) options.log(`  index error: ${error.path}: ${error.reason}`);
    const duplicates = scoreDuplicates(half.files, await doppel.duplicates({ kind: 'all', ...options.setting }));
    const shots = await listShots(doppel);
    return {
      result: {
        half: half.half,
        files: half.files.length,
        indexErrors: indexed.errors.length,
        duplicates,
        shots:
          'report' in shots ? { supported: true, score: scoreShots(half.files, shots.report) } : { supported: false, reason: shots.reason },
      },
      model: doppel.stats().model ?? 'default',
      seconds,
    };
  } finally {
    await doppel.close();
  }
}

/**
 * Indexes both halves of `set` with `modelId` (the default model when undefined) and scores them.
 *
 * @example
 * const result = await evaluateHardNegatives(set, undefined, { log: console.error });
 * result.halves.report.duplicates.byCategory.slides?.falsePairs
 */
export async function evaluateHardNegatives(
  set: HardNegativeSet,
  modelId: string | undefined,
  options: { setting?: NearSetting; log?: (line: string) => void } = {},
): Promise<HardNegativeResult> {
  const log = options.log ?? ((): void => undefined);
  const setting = options.setting ?? {};
  log(
    `hard negatives: indexing ${set.halves.tune.files.length} + ${set.halves.report.files.length} files with model ${modelId ?? '(default)'}...`,
  );
  const tune = await evaluateHalf(set, set.halves.tune, { modelId, setting, log });
  const report = await evaluateHalf(set, set.halves.report, { modelId, setting, log });
  return {
    model: modelId ?? report.model,
    setting,
    halves: { tune: tune.result, report: report.result },
    indexSeconds: tune.seconds + report.seconds,
    skipped: set.skipped,
  };
}
