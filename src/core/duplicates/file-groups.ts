import type { DuplicateKind } from '../../shared/types';

/**
 * A group as a finder reports it, before the review orders it: which files, and by which signal
 * (same bytes, same pixels, similar picture). Keeper order, scores and sizes come later, from one
 * place (`GroupReview`), so every kind of group is ordered and scored the same way.
 */
export interface CandidateGroup {
  readonly kind: DuplicateKind;
  readonly files: readonly string[];
  /**
   * Near groups: pairs of member pictures that the candidate finders rank among each other's
   * CLOSEST_PARTNERS closest within the group, flat (`[a0, b0, a1, b1, …]`), each picture by the
   * index of its first file in `files`; the picture check looks for copies among the members along
   * these pairs only (near-verifier.ts). Absent: none.
   */
  readonly closest?: readonly number[];
}

export function roundScore(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 10_000) / 10_000;
}
