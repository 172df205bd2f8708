/**
 * Near-duplicate sensitivity: the defaults and the range the UI offers. Pure constants, so every
 * door can import them (the renderer may not import src/core).
 *
 * The core's defaults (src/core/duplicates/thresholds.ts, which explains how `npm run eval` chose
 * these values) are derived from `nearDefaults`, so the two cannot drift apart.
 */
export const nearDefaults = {
  /** Minimum cosine similarity of embeddings for two photos to be near duplicates. */
  threshold: 0.8,
  /** Maximum perceptual-hash distance (bits of 64) for two photos to be near duplicates. */
  hashDistance: 8,
} as const;

/**
 * What the sliders offer. The eval saw unrelated pairs creep in just below 0.80, so the default
 * sits near the bottom; 0.70 leaves room to review more candidates without flooding the view.
 * Above 0.99 only re-encodes are left, which pixel and exact groups already cover.
 */
export const nearThresholdRange = { min: 0.7, max: 0.99, step: 0.01 } as const;

/** The eval's best hash distance was 10; beyond it chance matches between unrelated photos grow fast. */
export const nearHashDistanceRange = { min: 0, max: 10, step: 1 } as const;
