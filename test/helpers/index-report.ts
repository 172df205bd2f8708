import type { IndexReport } from '../../src/shared/types.js';

/** An index run that found nothing to do: what a fake index function answers in the engine's tests. */
export const EMPTY_INDEX_REPORT: IndexReport = {
  scanned: 0,
  indexed: 0,
  unchanged: 0,
  removed: 0,
  moved: 0,
  copies: 0,
  decoded: 0,
  errors: [],
  cancelled: false,
  seconds: 0,
};
