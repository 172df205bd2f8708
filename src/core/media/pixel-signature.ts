/**
 * The cheap pixel signature: a small grayscale grid of the upright picture (cell means in 1/16 of
 * a level), taken from the decode the indexer does anyway (computed in signature-grid.ts). Files with the same pixels give the same
 * grid, or one off by rounding, whatever their container; burst frames of one scene, which the
 * perceptual hash cannot tell apart, differ in it by their exposure (the mean offset) or their
 * framing (the cells along edges). Only contents whose grids match get a full-resolution pixel hash.
 */
/**
 * How the grid was made, which decides what it can be compared with:
 * - `jpeg-dc`: a JPEG of 2304 px or more, sides multiples of 8, plain sRGB: decoded at 1/8 scale
 *   (each pixel its 8x8 block's mean, from the DC term) and resized to the working copy;
 * - `block-means`: any other format of that size: decoded in full, averaged over the same 8x8
 *   blocks and resized by the same resize. Comparable with `jpeg-dc`, up to rounding and the
 *   pixels a JPEG's full decode clamps (the cells where the exact decode saw 0 or 255 are flagged);
 * - `jpeg` (any other JPEG), `raw-preview` (a RAW file's embedded JPEG) and `exact` (other formats,
 *   cells summed over every pixel): comparable with the same kind only, where the same pixels give
 *   the same grid (the same decoder on the same data, or exact sums).
 */
export type PixelSignatureKind = 'exact' | 'jpeg-dc' | 'jpeg' | 'raw-preview' | 'block-means';

export interface PixelSignature {
  readonly kind: PixelSignatureKind;
  readonly columns: number;
  readonly rows: number;
  /** Mean gray of each cell, row-major, in 1/16 of a level (0..4080). */
  readonly cells: Uint16Array;
  /**
   * Per cell, 1 when the exact decode behind a `block-means` grid saw a channel at 0 or 255 near
   * it: a JPEG's full decode clamps such pixels and its DC terms do not, so the cell is left out
   * when comparing with `jpeg-dc`. Always 0 for other kinds.
   */
  readonly clipped: Uint8Array;
}

/** Cells along the long side: 32 x 24 for a 4:3 photo (1.5 KB stored per content). */
export const SIGNATURE_LONG_SIDE = 32;
/** Fixed-point scale of the stored cell means. */
export const LEVEL_STEPS = 16;
const FORMAT_VERSION = 1;
const HEADER_BYTES = 4;
const KINDS: readonly PixelSignatureKind[] = ['exact', 'jpeg-dc', 'jpeg', 'raw-preview', 'block-means'];

/**
 * Tolerances, in gray levels, measured and pinned by test/core/pixel-signature.test.ts (the worst
 * difference seen for identical pixels in other containers must stay under half of them).
 * Same kind: the same decoder on the same pixels gives the same grid (measured: 0; a JPEG turned
 * losslessly may round a few chroma terms differently). A 1-2 level exposure change moves the
 * offset by 0.8-2; a 1-pixel shift of a 12 MP frame moves some cell by 0.65 or more (measured on
 * the bench's scenes).
 */
export const SAME_KIND_MAX_OFFSET = 0.1;
export const SAME_KIND_MAX_DIFFERENCE = 0.4;
/**
 * `jpeg-dc` against `block-means`, over the cells the exact decode saw unclipped: what is left is
 * rounding, smoothed by the same resize (measured: see the test), so the mean of the differences
 * decides. An exposure change of one level moves the offset by 0.8-1.
 */
export const CROSS_KIND_MAX_OFFSET = 0.3;
export const CROSS_KIND_MAX_MEAN_RESIDUAL = 0.2;
/**
 * Below this share of unclipped cells (a scan of a white page, a saturated graphic) a `jpeg-dc`
 * and a `block-means` grid cannot be compared, and the contents are hashed in full.
 */
export const CROSS_KIND_MIN_USABLE_CELLS = 0.25;
/** Bit of a stored cell that carries its clipped flag (cell values use 12 bits). */
const CLIPPED_BIT = 0x8000;

/** Bytes stored in SQLite: version, kind, columns, rows, then the cells as little-endian uint16. */
export function encodePixelSignature(signature: PixelSignature): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + signature.cells.length * 2);
  bytes[0] = FORMAT_VERSION;
  bytes[1] = KINDS.indexOf(signature.kind);
  bytes[2] = signature.columns;
  bytes[3] = signature.rows;
  const view = new DataView(bytes.buffer);
  signature.cells.forEach((value, i) => view.setUint16(HEADER_BYTES + i * 2, value | (signature.clipped[i] ? CLIPPED_BIT : 0), true));
  return bytes;
}

/** The signature stored by {@link encodePixelSignature}; null for bytes of another version or shape. */
export function decodePixelSignature(bytes: Uint8Array | null): PixelSignature | null {
  if (!bytes || bytes.length < HEADER_BYTES || bytes[0] !== FORMAT_VERSION) return null;
  const kind = KINDS[bytes[1] ?? -1];
  const columns = bytes[2] ?? 0;
  const rows = bytes[3] ?? 0;
  if (!kind || bytes.length !== HEADER_BYTES + columns * rows * 2) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = Uint16Array.from({ length: columns * rows }, (_, i) => view.getUint16(HEADER_BYTES + i * 2, true));
  return {
    kind,
    columns,
    rows,
    cells: stored.map((value) => value & ~CLIPPED_BIT),
    clipped: Uint8Array.from(stored, (value) => (value & CLIPPED_BIT ? 1 : 0)),
  };
}

export interface SignatureDifference {
  /** Mean of a - b over the cells, in levels: an exposure change shows here. */
  readonly offset: number;
  /** Mean of |a - b - offset|: the differences a shift or another picture leaves. */
  readonly meanResidual: number;
  /** Largest |a - b| of a cell. */
  readonly maxDifference: number;
  /** Share of the cells compared. */
  readonly cells: number;
}

/**
 * How far two signatures of the same grid are apart, over every cell or (`unclippedOnly`) over the
 * cells neither saw clipped; null when their grids differ or no cell is left.
 */
export function signatureDifference(a: PixelSignature, b: PixelSignature, unclippedOnly = false): SignatureDifference | null {
  if (a.columns !== b.columns || a.rows !== b.rows) return null;
  const used = (i: number): boolean => !unclippedOnly || (!a.clipped[i] && !b.clipped[i]);
  let count = 0;
  let sum = 0;
  let maxDifference = 0;
  for (let i = 0; i < a.cells.length; i++) {
    if (!used(i)) continue;
    const difference = ((a.cells[i] ?? 0) - (b.cells[i] ?? 0)) / LEVEL_STEPS;
    count += 1;
    sum += difference;
    maxDifference = Math.max(maxDifference, Math.abs(difference));
  }
  if (count === 0) return null;
  const offset = sum / count;
  let residual = 0;
  for (let i = 0; i < a.cells.length; i++)
    if (used(i)) residual += Math.abs(((a.cells[i] ?? 0) - (b.cells[i] ?? 0)) / LEVEL_STEPS - offset);
  return { offset, meanResidual: residual / count, maxDifference, cells: count / a.cells.length };
}

/**
 * Whether two contents of the same dimensions may hold the same pixels: false only when their
 * signatures prove they do not. True (a full-resolution comparison is owed) when the grids cannot
 * be compared: different shapes, kinds that are not comparable (any two kinds but `jpeg-dc` and
 * `block-means`), or too few cells the exact decode saw unclipped.
 */
export function mayHaveSamePixels(a: PixelSignature, b: PixelSignature): boolean {
  if (a.kind === b.kind) {
    const difference = signatureDifference(a, b);
    if (!difference) return true;
    return Math.abs(difference.offset) <= SAME_KIND_MAX_OFFSET && difference.maxDifference <= SAME_KIND_MAX_DIFFERENCE;
  }
  const kinds = new Set([a.kind, b.kind]);
  if (!kinds.has('jpeg-dc') || !kinds.has('block-means')) return true;
  const difference = signatureDifference(a, b, true);
  if (!difference || difference.cells < CROSS_KIND_MIN_USABLE_CELLS) return true;
  return Math.abs(difference.offset) <= CROSS_KIND_MAX_OFFSET && difference.meanResidual <= CROSS_KIND_MAX_MEAN_RESIDUAL;
}
