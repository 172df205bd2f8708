import type { DuplicateKindFilter } from '../../shared/types';
import type { DuplicateRepository } from '../store/duplicate.repository';
import type { CandidateGroup, NumberedSets, ShotGroup } from './file-groups';

/** Near-duplicate grouping, provided by the similarity layer when a model is available. */
export interface NearDuplicateFinder {
  nearDuplicateGroups(options: NearDuplicateOptions): Promise<CandidateGroup[]>;
  /** Similar shots regrouped across groups at a setting (see `PairGrouping.regroupShots`). */
  regroupShots(shots: readonly (CandidateGroup & ShotGroup)[], options: NearDuplicateOptions): CandidateGroup[];
  /** Links between the check's sets of different near groups (see `PairGrouping.crossLinks`). */
  crossLinks(groups: readonly NumberedSets[], options: NearDuplicateOptions): [number, number, number, number][];
}

export interface NearDuplicateOptions {
  /** Minimum embedding cosine similarity in [0, 1]. */
  readonly threshold?: number;
  /** Maximum perceptual-hash Hamming distance. */
  readonly hashDistance?: number;
  /**
   * The plain star cover, each picture left in the first star that took it (default false: moved
   * to the star of its best match, see near-grouping.ts). Tests compare it with the search from scratch.
   */
  readonly starsOnly?: boolean;
}

export interface DuplicatesOptions extends NearDuplicateOptions {
  readonly kind?: DuplicateKindFilter;
}

/**
 * Finds the candidate duplicate groups of the requested kinds (`GroupReview` orders and scores them).
 * The byte and pixel groups are kept until the library changes (`invalidate`): a slider move asks
 * for them again, and at 100k photos their queries take a tenth of a second.
 */
export class DuplicatesService {
  readonly #groups: DuplicateRepository;
  readonly #near: NearDuplicateFinder | null;
  #exact: CandidateGroup[] | null = null;
  #pixel: CandidateGroup[] | null = null;

  constructor(groups: DuplicateRepository, near: NearDuplicateFinder | null) {
    this.#groups = groups;
    this.#near = near;
  }

  /** The library changed: the byte and pixel groups are read again when next asked for. */
  invalidate(): void {
    this.#exact = null;
    this.#pixel = null;
  }

  async list(options: DuplicatesOptions = {}): Promise<CandidateGroup[]> {
    const kind = options.kind ?? 'all';
    const groups: CandidateGroup[] = [];
    const filesOf = (members: readonly { path: string }[]): string[] => members.map((member) => member.path);
    if (kind === 'exact' || kind === 'all') {
      this.#exact ??= this.#groups.exactGroups().map((row) => ({ kind: 'exact', files: filesOf(row.members) }));
      groups.push(...this.#exact);
    }
    if (kind === 'pixel' || kind === 'all') {
      this.#pixel ??= this.#groups.pixelGroups().map((row) => ({ kind: 'pixel', files: filesOf(row.members) }));
      groups.push(...this.#pixel);
    }
    if ((kind === 'near' || kind === 'all') && this.#near) {
      groups.push(...(await this.#near.nearDuplicateGroups(options)));
    }
    return groups;
  }

  /**
   * Similar shots as the check left them (one set per picture), each moved to the group of the
   * shot it resembles most; groups as lists of the sets' files. Without near duplicates, as given.
   */
  regroupShots(shots: readonly (CandidateGroup & ShotGroup)[], options: NearDuplicateOptions = {}): CandidateGroup[] {
    return this.#near ? this.#near.regroupShots(shots, options) : [...shots];
  }

  /** Links between the check's sets of different near groups (see `PairGrouping.crossLinks`); none without near duplicates. */
  crossLinks(groups: readonly NumberedSets[], options: NearDuplicateOptions = {}): [number, number, number, number][] {
    return this.#near ? this.#near.crossLinks(groups, options) : [];
  }
}
