import { limits } from '../../shared/limits';

/**
 * Default near-duplicate thresholds (the values live in src/shared/limits.ts so every door and
 * the app's sliders start from them), chosen on the tuning half of `npm run eval` (real photos with
 * Copydays-style edits) and reported on the other half.
 *
 * The tuning sweep's best settings sit at cosine 0.78-0.80 with hash distance 10 (pair precision
 * 99.6-99.8 % on the tuning half); below ~0.78 unrelated pairs come in quickly. The defaults take
 * the stricter end of that range on both axes: chance matches between unrelated photos grow with the
 * square of the library size, which a 400-photo evaluation set cannot show. With these defaults the
 * report half scores 97.9 % recall on non-geometric edits at 99.6 % pair precision.
 */

/** Minimum cosine similarity of embeddings for two photos to be near duplicates. */
export const DEFAULT_NEAR_COSINE = limits.nearThreshold.default;

/**
 * Minimum cosine similarity for two photos to be offered as similar shots (`kind: 'shots'`), whatever
 * the duplicates' slider says: the loosest setting the pair search covers. Frames of one burst, two
 * cameras of one stereo rig and pages of one template measure 0.71–0.85 in the hard-negatives set
 * where the same picture edited measures above 0.8; shots are never cleaned in bulk, so a look-alike
 * too many costs a glance, and the picture check still keeps the copies among them apart.
 */
export const SHOTS_COSINE = limits.nearThreshold.min;

/** Maximum perceptual-hash distance (bits of 64) for two photos to be near duplicates. */
export const DEFAULT_NEAR_HASH_DISTANCE = limits.nearHashDistance.default;

/** Neighbours fetched per photo when grouping: a group bigger than this is found from several centres. */
export const NEAR_NEIGHBOURS = 16;
