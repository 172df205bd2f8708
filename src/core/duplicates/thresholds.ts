import { nearDefaults } from '../../shared/near-defaults';

/**
 * Default near-duplicate thresholds (the values live in src/shared/near-defaults.ts so the app's
 * sliders start from them), chosen on the tuning half of `npm run eval` (real photos with
 * Copydays-style edits) and reported on the other half.
 *
 * Cosine 0.80: on the tuning half, 0.80 keeps pair precision at 99.8 % while catching re-encodes,
 * rescales, brightness/contrast and grayscale copies (all 100 %) and most overlays and 90 % crops;
 * 0.78 already lets unrelated pairs in (99.4 %). Hash distance 8: the sweep's best was 10 (+0.5 %
 * recall on the tuning half), but chance matches between unrelated hashes grow with the square of
 * the library size, so the default stays one step stricter than the 400-photo set can show.
 */

/** Minimum cosine similarity of embeddings for two photos to be near duplicates. */
export const DEFAULT_NEAR_COSINE = nearDefaults.threshold;

/** Maximum perceptual-hash distance (bits of 64) for two photos to be near duplicates. */
export const DEFAULT_NEAR_HASH_DISTANCE = nearDefaults.hashDistance;

/** Neighbours fetched per photo when grouping: a group bigger than this is found from several centres. */
export const NEAR_NEIGHBOURS = 16;
