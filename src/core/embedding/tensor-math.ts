/** Pure array helpers for the embedding layer: preprocessing and vector post-processing. */

import { assertDefined, assertMinLength } from '../assert';

export interface InputScaling {
  /** Model value = v * scale + offset, for each uint8 channel value v. */
  readonly scale: number;
  readonly offset: number;
}

/**
 * Writes RGB uint8 HWC pixels into `target` (float32 NCHW, one image of `pixelCount` pixels) at
 * image slot `index`, applying the manifest's scaling.
 */
export function writeNchwImage(pixels: Uint8Array, target: Float32Array, index: number, pixelCount: number, scaling: InputScaling): void {
  const base = index * 3 * pixelCount;
  const { scale, offset } = scaling;
  // Checked once so that the loop's `?? 0` never applies: source + 2 < 3 * pixelCount.
  assertMinLength(pixels, 3 * pixelCount, 'RGB pixels of one image');
  for (let p = 0, source = 0; p < pixelCount; p += 1, source += 3) {
    target[base + p] = (pixels[source] ?? 0) * scale + offset;
    target[base + pixelCount + p] = (pixels[source + 1] ?? 0) * scale + offset;
    target[base + 2 * pixelCount + p] = (pixels[source + 2] ?? 0) * scale + offset;
  }
}

/**
 * Turns raw feature rows into unit vectors in place: subtracts `mean` first when given, then L2
 * normalizes. A zero row (possible only for a degenerate input) stays zero rather than NaN.
 */
export function normalizeRows(rows: Float32Array, dim: number, mean: Float32Array | null): void {
  // Checked once so that the loops' `?? 0` never applies: whole rows, and a mean of `dim` values.
  if (rows.length % dim !== 0) throw new Error(`Internal error: ${rows.length} features are not whole rows of ${dim}`);
  if (mean) assertMinLength(mean, dim, 'feature mean');
  for (let start = 0; start < rows.length; start += dim) {
    let sumOfSquares = 0;
    for (let i = 0; i < dim; i += 1) {
      const value = (rows[start + i] ?? 0) - (mean ? (mean[i] ?? 0) : 0);
      rows[start + i] = value;
      sumOfSquares += value * value;
    }
    const norm = Math.sqrt(sumOfSquares);
    if (norm === 0) continue;
    for (let i = 0; i < dim; i += 1) rows[start + i] = (rows[start + i] ?? 0) / norm;
  }
}

export interface ScoredLabel {
  readonly label: string;
  readonly score: number;
}

/** The `k` highest-scoring labels of one probability row, skipping `excludedIndex` (background). */
export function topLabels(scores: Float32Array, labels: readonly string[], k: number, excludedIndex: number | null): ScoredLabel[] {
  const best: { index: number; score: number }[] = [];
  for (const [index, score] of scores.entries()) {
    if (index === excludedIndex) continue;
    // best never holds more than k entries, so best[k - 1] exists exactly when it is full.
    const worst = best[k - 1];
    if (worst && score <= worst.score) continue;
    let at = best.length;
    while (at > 0 && assertDefined(best[at - 1], 'ranked label').score < score) at -= 1;
    best.splice(at, 0, { index, score });
    if (best.length > k) best.pop();
  }
  return best.map(({ index, score }) => ({ label: labels[index] ?? `class ${index}`, score }));
}
