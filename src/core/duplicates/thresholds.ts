/**
 * Default near-duplicate thresholds, chosen on the tuning half of `npm run eval` (see README:
 * evaluation) and reported on the other half.
 */

/** Minimum cosine similarity of embeddings for two photos to be near duplicates. */
export const DEFAULT_NEAR_COSINE = 0.9;

/** Maximum perceptual-hash distance (bits of 64) for two photos to be near duplicates. */
export const DEFAULT_NEAR_HASH_DISTANCE = 6;

/** Neighbours fetched per photo when grouping: a group bigger than this is found from several centres. */
export const NEAR_NEIGHBOURS = 16;
