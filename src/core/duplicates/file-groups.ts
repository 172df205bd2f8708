import type { DuplicateKind } from '../../shared/types';

/**
 * A group as a finder reports it, before the review orders it: which files, and by which signal
 * (same bytes, same pixels, similar picture). Keeper order, scores and sizes come later, from one
 * place (`GroupReview`), so every kind of group is ordered and scored the same way.
 */
export interface CandidateGroup {
  readonly kind: DuplicateKind;
  readonly files: readonly string[];
}

export function roundScore(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 10_000) / 10_000;
}
