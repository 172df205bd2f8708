import { limits } from '../../shared/limits';

/**
 * Default near-duplicate thresholds (the values live in src/shared/limits.ts so every door and
 * the app's sliders start from them), chosen on the tuning half of `npm run eval` (real photos with
 * Copydays-style edits, and the hard negatives) and reported on the other half.
 *
 * The thresholds pick candidates; the picture check (near-verifier.ts) decides each one, so a
 * looser candidate finder costs checks, not wrong groups. Before the check the sweep's best sat at
 * cosine 0.78-0.80, where unrelated pairs came in below. With it, the sweep (the highest recall
 * among settings at 99.5 % pair precision on the tuning half) takes the loosest cosine of its
 * grid, 0.72, with hash distance 4 (no larger distance did better there, and fewer hash-only
 * candidates are fewer checks). Report half at 0.72 / 4, with 0.80 / 8 in brackets: non-geometric
 * recall 97.9 % (97.4), overlay 89.5 % (78.9), geometric 94.7 % (74.4), pair precision 100 %
 * (100); hard negatives: no false duplicate pair, deliberate copies 97 of 97 (tuning half 91 of
 * 91, from 90). Since the hash of each picture's middle joined the hash candidates (near-pairs.ts,
 * MAX_CENTRE_DISTANCE), the same setting measures non-geometric 100 %, overlay 100 %, geometric
 * 92.5 % (two crops paired with each other in a star of their own), precision 100 %.
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
