import type { DuplicateGroup, DuplicateKindFilter, DuplicatesReport } from '../../shared/types';
import type { DuplicateRepository } from '../store/duplicate.repository';
import { byWastedBytes, toDuplicateGroup } from './file-groups';

/** Near-duplicate grouping, provided by the similarity layer when a model is available. */
export interface NearDuplicateFinder {
  nearDuplicateGroups(options: NearDuplicateOptions): Promise<DuplicateGroup[]>;
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

/** Lists duplicate groups of the requested kinds, biggest waste first. */
export class DuplicatesService {
  readonly #groups: DuplicateRepository;
  readonly #near: NearDuplicateFinder | null;

  constructor(groups: DuplicateRepository, near: NearDuplicateFinder | null) {
    this.#groups = groups;
    this.#near = near;
  }

  async list(options: DuplicatesOptions = {}): Promise<DuplicatesReport> {
    const kind = options.kind ?? 'all';
    const groups: DuplicateGroup[] = [];
    if (kind === 'exact' || kind === 'all') {
      for (const row of this.#groups.exactGroups()) groups.push(toDuplicateGroup('exact', row.members));
    }
    if (kind === 'pixel' || kind === 'all') {
      for (const row of this.#groups.pixelGroups()) groups.push(toDuplicateGroup('pixel', row.members));
    }
    if ((kind === 'near' || kind === 'all') && this.#near) {
      groups.push(...(await this.#near.nearDuplicateGroups(options)));
    }
    return { groups: groups.sort(byWastedBytes) };
  }
}
