/** Plain-text tables for the evaluation results; numbers as percentages with one decimal. */
import type { PhotoEdit } from './edits';
import type { HardNegativeHalfResult, HardNegativeResult } from './hard-negative-eval';
import type { DuplicateScore, ShotScore } from './hard-negative-metrics';
import { HARD_NEGATIVE_CATEGORIES } from './hard-negatives';
import type { GroupMetrics, RecallCount, SearchMetrics } from './metrics';
import { TARGET_PRECISION, type NearSetting, type SweepPoint } from './threshold-sweep';

export interface ModelResult {
  readonly model: string;
  readonly tuned: {
    readonly setting: NearSetting;
    readonly meetsPrecisionOnTune: boolean;
    readonly tunePrecision: number;
    readonly tuneRecallNonGeometric: number;
  };
  readonly reportDefault: GroupMetrics;
  readonly reportTuned: GroupMetrics;
  readonly search: SearchMetrics;
  readonly indexErrors: number;
  readonly seconds: number;
}

export const TARGETS = { recallNonGeometric: 0.95, pairPrecision: TARGET_PRECISION, top1: 0.95 } as const;

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row, index) => {
      const line = row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join('  ');
      return index === 0 ? `${line}\n${widths.map((width) => '-'.repeat(width)).join('  ')}` : line;
    })
    .join('\n');
}

const settingText = (setting: NearSetting): string =>
  `cosine >= ${setting.threshold ?? 'default'} or hash distance <= ${setting.hashDistance ?? 'default'}`;

export function targetsMet(result: ModelResult): { recall: boolean; precision: boolean; top1: boolean } {
  return {
    recall: result.reportTuned.recallNonGeometric.recall >= TARGETS.recallNonGeometric,
    precision: result.reportTuned.pairPrecision >= TARGETS.pairPrecision,
    top1: result.search.top1 >= TARGETS.top1,
  };
}

/** The per-model report: recall per edit (core defaults and tuned setting), precision, search. */
export function formatModelReport(result: ModelResult, edits: readonly PhotoEdit[]): string {
  const { reportDefault, reportTuned, search } = result;
  const rows: string[][] = [['edit (report half)', 'kind', 'recall default', 'recall tuned']];
  for (const edit of edits) {
    const before = reportDefault.recallByEdit[edit.id];
    const after = reportTuned.recallByEdit[edit.id];
    rows.push([
      `${edit.id}  (${edit.describe})`,
      edit.geometric ? 'geometric' : '',
      before ? percent(before.recall) : '-',
      after ? percent(after.recall) : '-',
    ]);
  }
  rows.push([
    'ALL non-geometric',
    `target ${percent(TARGETS.recallNonGeometric)}`,
    percent(reportDefault.recallNonGeometric.recall),
    percent(reportTuned.recallNonGeometric.recall),
  ]);
  rows.push(['ALL geometric', '', percent(reportDefault.recallGeometric.recall), percent(reportTuned.recallGeometric.recall)]);
  rows.push([
    'pair precision',
    `target ${percent(TARGETS.pairPrecision)}`,
    percent(reportDefault.pairPrecision),
    percent(reportTuned.pairPrecision),
  ]);
  rows.push([
    'predicted pairs (false)',
    '',
    `${reportDefault.predictedPairs} (${reportDefault.falsePairs})`,
    `${reportTuned.predictedPairs} (${reportTuned.falsePairs})`,
  ]);
  const met = targetsMet(result);
  return [
    `== model ${result.model}: indexed in ${result.seconds.toFixed(1)} s, ${result.indexErrors} index errors`,
    `tuned on the tuning half: ${settingText(result.tuned.setting)} (tuning precision ${percent(result.tuned.tunePrecision)}, non-geometric recall ${percent(result.tuned.tuneRecallNonGeometric)}${result.tuned.meetsPrecisionOnTune ? '' : '; NO setting reached the precision target'})`,
    table(rows),
    `similar search (report half, ${search.queries} edited queries): top-1 ${percent(search.top1)} (target ${percent(TARGETS.top1)}), top-5 ${percent(search.top5)}, mAP ${percent(search.meanAveragePrecision)}`,
    `targets: recall ${met.recall ? 'MET' : 'missed'}, precision ${met.precision ? 'MET' : 'missed'}, top-1 ${met.top1 ? 'MET' : 'missed'}`,
  ].join('\n');
}

/** One row per model, for `--compare-models`. */
export function formatComparison(results: readonly ModelResult[]): string {
  const rows: string[][] = [['model', 'setting', 'recall non-geo', 'recall geo', 'precision', 'top-1', 'top-5', 'mAP', 'seconds']];
  for (const result of results) {
    rows.push([
      result.model,
      `${result.tuned.setting.threshold ?? '-'} / ${result.tuned.setting.hashDistance ?? '-'}`,
      percent(result.reportTuned.recallNonGeometric.recall),
      percent(result.reportTuned.recallGeometric.recall),
      percent(result.reportTuned.pairPrecision),
      percent(result.search.top1),
      percent(result.search.top5),
      percent(result.search.meanAveragePrecision),
      result.seconds.toFixed(1),
    ]);
  }
  return `== model comparison (report half, tuned settings; setting = cosine / hash distance)\n${table(rows)}`;
}

/** The whole tuning sweep: one row per hash distance, cells "precision / non-geometric / geometric recall". */
export function formatSweep(model: string, points: readonly SweepPoint[]): string {
  const cosines = [...new Set(points.map((point) => point.setting.threshold ?? NaN))];
  const distances = [...new Set(points.map((point) => point.setting.hashDistance ?? NaN))];
  const cell = (point: SweepPoint | undefined): string =>
    point === undefined
      ? '-'
      : [point.metrics.pairPrecision, point.metrics.recallNonGeometric.recall, point.metrics.recallGeometric.recall]
          .map((value) => (value * 100).toFixed(1))
          .join('/');
  const rows = [['hash distance \\ cosine', ...cosines.map(String)]];
  for (const distance of distances) {
    rows.push([
      String(distance),
      ...cosines.map((cosine) =>
        cell(points.find((point) => point.setting.threshold === cosine && point.setting.hashDistance === distance)),
      ),
    ]);
  }
  return `== tuning sweep, model ${model} (precision / recall non-geometric / recall geometric, %)\n${table(rows)}`;
}

const countOf = (count: RecallCount): string => (count.total === 0 ? '-' : `${count.found}/${count.total}`);

/**
 * The hard-negatives tables, one per half: per category, false duplicate pairs (those inside one
 * burst or template, and files caught in any), deliberate copies found, and similar shots.
 */
export function formatHardNegatives(result: HardNegativeResult): string {
  const lines = [
    `== hard negatives, model ${result.model}, near duplicates at ${result.setting.threshold === undefined && result.setting.hashDistance === undefined ? 'the core defaults' : settingText(result.setting)}: indexed in ${result.indexSeconds.toFixed(1)} s`,
  ];
  for (const skipped of result.skipped) lines.push(`skipped: ${skipped}`);
  for (const half of [result.halves.tune, result.halves.report]) {
    const rows: string[][] = [
      [
        'category (' + half.half + ' half)',
        'files',
        'copies',
        'false dup pairs',
        'in one group',
        'files in false',
        'copies found',
        'bursts as shots',
        'false shot pairs',
      ],
    ];
    const shots = half.shots.supported ? half.shots.score : null;
    const row = (name: string, dup: DuplicateScore, shot: ShotScore | undefined): string[] => [
      name,
      String(dup.files),
      String(dup.copies),
      String(dup.falsePairs),
      String(dup.falsePairsInGroup),
      String(dup.filesInFalsePairs),
      `${countOf(dup.copiesFound)}${dup.copiesFound.total === 0 ? '' : ` ${percent(dup.copiesFound.recall)}`}`,
      shot === undefined ? '-' : countOf(shot.burstFrames),
      shot === undefined ? '-' : String(shot.falsePairs),
    ];
    const categories = HARD_NEGATIVE_CATEGORIES.map((category) => category.id).filter((id) => half.duplicates.byCategory[id] !== undefined);
    for (const id of [...categories, ...Object.keys(half.duplicates.byCategory).filter((id) => !categories.includes(id))]) {
      const dup = half.duplicates.byCategory[id];
      if (dup !== undefined) rows.push(row(id, dup, shots?.byCategory[id]));
    }
    rows.push([
      'across categories',
      '',
      '',
      String(half.duplicates.acrossCategories),
      '',
      '',
      '',
      '',
      shots === null ? '-' : String(shots.acrossCategories),
    ]);
    rows.push(row('ALL', half.duplicates.total, shots?.total));
    lines.push(table(rows));
    const byEdit = Object.entries(half.duplicates.total.copiesFoundByEdit);
    lines.push(`copies found by edit: ${byEdit.map(([edit, count]) => `${edit} ${countOf(count)}`).join(', ')}`);
    if (!half.shots.supported) lines.push(`similar shots: ${half.shots.reason}`);
    if (half.indexErrors > 0) lines.push(`${half.indexErrors} index errors`);
  }
  lines.push(
    'false dup pairs: pairs in one duplicate group that are not one picture (target 0); copies found: deliberate copies grouped with their original (target all).',
  );
  return lines.join('\n');
}

/** The hard-negatives figures for the JSON line: per half, per category. */
export function hardNegativesSummary(result: HardNegativeResult): object {
  const half = (entry: HardNegativeHalfResult): object => ({
    files: entry.files,
    indexErrors: entry.indexErrors,
    acrossCategories: entry.duplicates.acrossCategories,
    categories: Object.fromEntries(
      [...Object.entries(entry.duplicates.byCategory), ['ALL', entry.duplicates.total] as const].map(([id, dup]) => {
        const shot = entry.shots.supported ? (id === 'ALL' ? entry.shots.score.total : entry.shots.score.byCategory[id]) : undefined;
        return [
          id,
          {
            files: dup.files,
            copies: dup.copies,
            falsePairs: dup.falsePairs,
            falsePairsInGroup: dup.falsePairsInGroup,
            filesInFalsePairs: dup.filesInFalsePairs,
            copiesFound: dup.copiesFound.found,
            ...(id === 'ALL'
              ? {
                  copiesFoundByEdit: Object.fromEntries(
                    Object.entries(dup.copiesFoundByEdit).map(([edit, count]) => [edit, `${count.found}/${count.total}`]),
                  ),
                }
              : {}),
            ...(shot === undefined
              ? {}
              : { burstFramesAsShots: shot.burstFrames.found, burstFrames: shot.burstFrames.total, falseShotPairs: shot.falsePairs }),
          },
        ];
      }),
    ),
    shots: entry.shots.supported ? 'scored' : entry.shots.reason,
  });
  return {
    model: result.model,
    setting: result.setting,
    indexSeconds: Number(result.indexSeconds.toFixed(1)),
    skipped: result.skipped,
    tune: half(result.halves.tune),
    report: half(result.halves.report),
  };
}
