import type { DuplicateKindFilter } from '../../shared/types';
import type { DuplicateRepository } from '../store/duplicate.repository';
import type { CandidateGroup } from './file-groups';

/** Near-duplicate grouping, provided by the similarity layer when a model is available. */
export interface NearDuplicateFinder {
  nearDuplicateGroups(options: NearDuplicateOptions): Promise<CandidateGroup[]>;
}

export interface NearDuplicateOptions {
  /** Minimum embedding cosine similarity in [0, 1]. */
  readonly threshold?: number;
  /** Maximum perceptual-hash Hamming distance. */
  readonly hashDistance?: number;
}

export interface DuplicatesOptions extends NearDuplicateOptions {
  readonly kind?: DuplicateKindFilter;
}

/** Finds the candidate duplicate groups of the requested kinds (`GroupReview` orders and scores them). */
export class DuplicatesService {
  readonly #groups: DuplicateRepository;
  readonly #near: NearDuplicateFinder | null;

  constructor(groups: DuplicateRepository, near: NearDuplicateFinder | null) {
    this.#groups = groups;
    this.#near = near;
  }

  async list(options: DuplicatesOptions = {}): Promise<CandidateGroup[]> {
    const kind = options.kind ?? 'all';
    const groups: CandidateGroup[] = [];
    const filesOf = (members: readonly { path: string }[]): string[] => members.map((member) => member.path);
    if (kind === 'exact' || kind === 'all') {
      for (const row of this.#groups.exactGroups()) groups.push({ kind: 'exact', files: filesOf(row.members) });
    }
    if (kind === 'pixel' || kind === 'all') {
      for (const row of this.#groups.pixelGroups()) groups.push({ kind: 'pixel', files: filesOf(row.members) });
    }
    if ((kind === 'near' || kind === 'all') && this.#near) {
      groups.push(...(await this.#near.nearDuplicateGroups(options)));
    }
    return groups;
  }
}
