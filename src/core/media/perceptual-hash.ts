import { assertDefined } from '../assert';
import { resizeArea } from './pixel-resize';

/**
 * 64-bit DCT perceptual hash (pHash): 32x32 grayscale -> 2-D DCT -> the 8x8 lowest frequencies
 * (DC term excluded from the median) -> one bit per coefficient, set when above the median.
 * Grayscale-based, so a grayscale copy keeps the hash of its colour original; robust to re-encoding
 * and resizing. Hashes are 16 lowercase hex digits (most significant bit first).
 */

export const PHASH_INPUT_SIZE = 32;
const LOW = 8;

/** DCT-II basis for N=32, computed once: cos((2x+1) u pi / 64). */
const DCT_BASIS: Float64Array = (() => {
  const n = PHASH_INPUT_SIZE;
  const basis = new Float64Array(LOW * n);
  for (let u = 0; u < LOW; u++) {
    for (let x = 0; x < n; x++) basis[u * n + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n));
  }
  return basis;
})();

/**
 * pHash of a 32x32 single-channel (grayscale) image given row-major.
 * @example perceptualHash(gray32x32) // 'c3a1f0e09b8d7766'
 */
export function perceptualHash(gray: ArrayLike<number>): string {
  const n = PHASH_INPUT_SIZE;
  if (gray.length !== n * n) throw new RangeError(`perceptualHash needs ${n * n} gray values, got ${gray.length}`);
  // Separable DCT, keeping only the 8 lowest frequencies in each direction. Every index below is
  // within its array (gray was checked above, the others are sized here), so `?? 0` never applies.
  const rows = new Float64Array(n * LOW); // [y][u]
  for (let y = 0; y < n; y++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let x = 0; x < n; x++) sum += (gray[y * n + x] ?? 0) * (DCT_BASIS[u * n + x] ?? 0);
      rows[y * LOW + u] = sum;
    }
  }
  const coefficients = new Float64Array(LOW * LOW); // [v][u]
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < n; y++) sum += (rows[y * LOW + u] ?? 0) * (DCT_BASIS[v * n + y] ?? 0);
      coefficients[v * LOW + u] = sum;
    }
  }
  const median = medianOf(coefficients.subarray(1));
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) {
      value = (value << 1) | ((coefficients[nibble * 4 + bit] ?? 0) > median ? 1 : 0);
    }
    hex += value.toString(16);
  }
  return hex;
}

function medianOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  const upper = assertDefined(sorted[mid], 'median value');
  return sorted.length % 2 === 1 ? upper : (assertDefined(sorted[mid - 1], 'median value') + upper) / 2;
}

export type GrayTransform = 'rotate90' | 'rotate180' | 'rotate270' | 'mirror';
export const GRAY_TRANSFORMS: readonly GrayTransform[] = ['rotate90', 'rotate180', 'rotate270', 'mirror'];

/** The square grayscale image turned (clockwise) or mirrored left-right: lets one decode hash every rotation. */
export function transformSquare(gray: ArrayLike<number>, size: number, transform: GrayTransform): Uint8Array {
  const out = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sx: number;
      let sy: number;
      switch (transform) {
        case 'rotate90': // out(x, y) = in(y, size-1-x)
          sx = y;
          sy = size - 1 - x;
          break;
        case 'rotate180':
          sx = size - 1 - x;
          sy = size - 1 - y;
          break;
        case 'rotate270':
          sx = size - 1 - y;
          sy = x;
          break;
        case 'mirror':
          sx = size - 1 - x;
          sy = y;
          break;
      }
      out[y * size + x] = gray[sy * size + sx] ?? 0; // as before: a Uint8Array stores a missing value as 0
    }
  }
  return out;
}

/** Hashes of the rotations and the mirror, in GRAY_TRANSFORMS order. */
export function perceptualHashVariants(gray: ArrayLike<number>): string[] {
  return GRAY_TRANSFORMS.map((t) => perceptualHash(transformSquare(gray, PHASH_INPUT_SIZE, t)));
}

/**
 * Share of each side left out of the centre hash: the middle 60 % x 60 % of the picture is hashed.
 * What a sharing site, a messenger or an editor adds to a copy sits at its edges: a caption band
 * along the bottom or the top (12 % of the height in the eval's overlay edit), a logo or a date
 * stamp in a corner, a frame. Those move the whole picture's hash by 2 to 28 bits on the eval's
 * photos while its middle stays within 2 bits; the middles of two different photos lie 20 bits
 * apart or more there (tuning and report halves alike).
 */
export const CENTRE_MARGIN = 0.2;

/**
 * pHash of the middle of a grayscale picture given row-major (see CENTRE_MARGIN): a second
 * candidate finder for copies with an overlay at their edges, which the whole picture's hash and
 * its embedding miss. A picture under 8 pixels a side is hashed whole.
 * @example centreHash(workingGray, 256, 171) // 'f0e1c3a19b8d7766'
 */
export function centreHash(gray: Uint8Array, width: number, height: number): string {
  const tiny = Math.min(width, height) < 8;
  const left = tiny ? 0 : Math.round(width * CENTRE_MARGIN);
  const top = tiny ? 0 : Math.round(height * CENTRE_MARGIN);
  const innerWidth = width - 2 * left;
  const innerHeight = height - 2 * top;
  const inner = new Uint8Array(innerWidth * innerHeight);
  for (let y = 0; y < innerHeight; y++) {
    const from = (top + y) * width + left;
    inner.set(gray.subarray(from, from + innerWidth), y * innerWidth);
  }
  return perceptualHash(resizeArea(inner, innerWidth, innerHeight, 1, PHASH_INPUT_SIZE, PHASH_INPUT_SIZE));
}

/** Number of differing bits between two 16-hex-digit hashes. */
export function hammingDistance(a: string, b: string): number {
  return (
    popcount32(parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) +
    popcount32(parseInt(a.slice(8, 16), 16) ^ parseInt(b.slice(8, 16), 16))
  );
}

/** Set bits in a 32-bit integer. */
export function popcount32(value: number): number {
  let v = value >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Splits a hash into four 16-bit chunks (for multi-index hashing: within distance d, some chunk differs by <= d/4 bits). */
export function hashChunks(hash: string): [number, number, number, number] {
  return [
    parseInt(hash.slice(0, 4), 16),
    parseInt(hash.slice(4, 8), 16),
    parseInt(hash.slice(8, 12), 16),
    parseInt(hash.slice(12, 16), 16),
  ];
}
