/** Pure array helpers for the embedding layer: preprocessing and vector post-processing. */

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
  for (let p = 0, source = 0; p < pixelCount; p += 1, source += 3) {
    target[base + p] = pixels[source] * scale + offset;
    target[base + pixelCount + p] = pixels[source + 1] * scale + offset;
    target[base + 2 * pixelCount + p] = pixels[source + 2] * scale + offset;
  }
}

/**
 * Turns raw feature rows into unit vectors in place: subtracts `mean` first when given, then L2
 * normalizes. A zero row (possible only for a degenerate input) stays zero rather than NaN.
 */
export function normalizeRows(rows: Float32Array, dim: number, mean: Float32Array | null): void {
  for (let start = 0; start < rows.length; start += dim) {
    let sumOfSquares = 0;
    for (let i = 0; i < dim; i += 1) {
      const value = rows[start + i] - (mean ? mean[i] : 0);
      rows[start + i] = value;
      sumOfSquares += value * value;
    }
    const norm = Math.sqrt(sumOfSquares);
    if (norm === 0) continue;
    for (let i = 0; i < dim; i += 1) rows[start + i] = rows[start + i] / norm;
  }
}

export interface ScoredLabel {
  readonly label: string;
  readonly score: number;
}

/** The `k` highest-scoring labels of one probability row, skipping `excludedIndex` (background). */
export function topLabels(scores: Float32Array, labels: readonly string[], k: number, excludedIndex: number | null): ScoredLabel[] {
  const best: { index: number; score: number }[] = [];
  for (let index = 0; index < scores.length; index += 1) {
    if (index === excludedIndex) continue;
    const score = scores[index];
    if (best.length === k && score <= best[k - 1].score) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].score < score) at -= 1;
    best.splice(at, 0, { index, score });
    if (best.length > k) best.pop();
  }
  return best.map(({ index, score }) => ({ label: labels[index] ?? `class ${index}`, score }));
}
