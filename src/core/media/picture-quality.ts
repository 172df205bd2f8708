/**
 * How a picture measures for the best-shot suggestion among similar shots, from a small gray copy
 * of it: computed once when the photo is indexed (the 256 px working copy), kept with its content.
 */

/** What the best-shot suggestion compares (see near-verifier.ts `bestShotOrder`). */
export interface PictureQuality {
  /** Variance of the 4-neighbour Laplacian: sharper pictures of one scene score higher. */
  readonly sharpness: number;
  /** Share of pixels within 3 levels of black or white: blown highlights, crushed shadows. */
  readonly clipped: number;
}

export function pictureQuality(gray: Uint8Array | Float32Array, width: number, height: number): PictureQuality {
  return { sharpness: laplacianVariance(gray, width, height), clipped: clippedShare(gray) };
}

/** Variance of the 4-neighbour Laplacian: larger for sharper pictures of one scene. */
export function laplacianVariance(pixels: Uint8Array | Float32Array, width: number, height: number): number {
  let sum = 0;
  let squares = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const value =
        4 * (pixels[i] ?? 0) - (pixels[i - 1] ?? 0) - (pixels[i + 1] ?? 0) - (pixels[i - width] ?? 0) - (pixels[i + width] ?? 0);
      sum += value;
      squares += value * value;
      count += 1;
    }
  }
  if (count === 0) return 0;
  const mean = sum / count;
  return squares / count - mean * mean;
}

/** Share of pixels within 3 levels of black or white. */
export function clippedShare(pixels: Uint8Array | Float32Array): number {
  let clipped = 0;
  for (const value of pixels) if (value <= 3 || value >= 252) clipped += 1;
  return pixels.length > 0 ? clipped / pixels.length : 0;
}
