import type { IndexPhase } from '../../shared/types.js';

/** What each indexing phase is doing, in the user's words. */
export const PHASE_LABELS: Readonly<Record<IndexPhase, string>> = {
  scan: 'Looking for photos',
  index: 'Reading photos',
  thumbnails: 'Rebuilding lost thumbnails',
  pixel: 'Comparing pixels',
  vectors: 'Learning what photos look like',
  done: 'Finishing',
};
