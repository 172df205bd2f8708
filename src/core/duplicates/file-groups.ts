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
  /** Near groups: each file's picture as the grouping that found the group numbers them. */
  readonly pictures?: GroupedPictures;
}

/**
 * The grouping's number of each file's picture (pixel-identity class), parallel to a group's
 * files: what `regroupShots` needs to weigh a similar shot against the shots of other groups.
 * Numbers hold for that grouping only (the library's pairs at one time), named by `grouping`.
 */
export interface GroupedPictures {
  readonly grouping: object;
  readonly numbers: readonly number[];
}

/**
 * A similar-shots group as the picture check left it: one set per picture (a picture and the
 * copies the check joined to it), the set holding the group's centre first.
 */
export interface ShotGroup {
  readonly sets: readonly ShotSet[];
  /** The grouping that numbered the sets' pictures (`GroupedPictures.grouping`); none: not known. */
  readonly grouping?: object;
}

/** Sets of pictures as a grouping numbered them: what the grouping needs to weigh sets against each other. */
export interface NumberedSets {
  /** The grouping that numbered the sets' pictures; none: not known. */
  readonly grouping?: object;
  readonly sets: readonly { readonly pictures: readonly number[] }[];
}

export interface ShotSet {
  /** The files that stand for the set among similar shots (its keeper's). */
  readonly files: readonly string[];
  /** The pictures of every file of the set, as `ShotGroup.grouping` numbers them; empty when unknown. */
  readonly pictures: readonly number[];
}

export function roundScore(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 10_000) / 10_000;
}
