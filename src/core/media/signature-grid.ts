/**
 * Computing pixel signatures (see pixel-signature.ts): cell means from the 8x8-block sums of a full
 * decode, or read off a working copy, with the cells whose exact decode clipped flagged.
 */
import { assertMinLength } from '../assert';
import { LEVEL_STEPS, SIGNATURE_LONG_SIDE, type PixelSignature, type PixelSignatureKind } from './pixel-signature';

/**
 * The grid over a picture of `unitColumns` x `unitRows` units (8x8 blocks, or working-copy pixels):
 * SIGNATURE_LONG_SIDE cells along the long side, in proportion along the other, never more cells
 * than units. Each cell is made of whole units.
 */
export function signatureGrid(unitColumns: number, unitRows: number): { columns: number; rows: number } {
  const long = Math.max(unitColumns, unitRows);
  const side = (units: number): number => Math.max(1, Math.min(units, Math.round((SIGNATURE_LONG_SIDE * units) / long)));
  return { columns: side(unitColumns), rows: side(unitRows) };
}

/** Per-block sums of a decode, on the block grid `ceil(width/8)` x `ceil(height/8)`, row-major. */
export interface BlockSums {
  /** R, G, B sums, interleaved. */
  readonly sums: Float64Array;
  /** Pixels in each block (fewer than 64 at the right and bottom edges). */
  readonly counts: Float64Array;
  /** 1 where a pixel of the block has a channel at 0 or 255. */
  readonly clipped: Uint8Array | null;
}

/** The signature of a `width` x `height` picture from its block sums. */
export function signatureFromBlockSums(kind: PixelSignatureKind, width: number, height: number, blocks: BlockSums): PixelSignature {
  const { sums, counts } = blocks;
  const blockColumns = Math.ceil(width / 8);
  const blockRows = Math.ceil(height / 8);
  assertMinLength(sums, blockColumns * blockRows * 3, 'block sums');
  assertMinLength(counts, blockColumns * blockRows, 'block pixel counts');
  const { columns, rows } = signatureGrid(blockColumns, blockRows);
  const xStarts = cellStarts(blockColumns, columns);
  const yStarts = cellStarts(blockRows, rows);
  const cells = new Uint16Array(columns * rows);
  const clipped = new Uint8Array(columns * rows);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      let gray = 0;
      let pixels = 0;
      let clip = 0;
      for (let by = yStarts[row] ?? 0, toY = yStarts[row + 1] ?? 0; by < toY; by++) {
        for (
          let block = by * blockColumns + (xStarts[column] ?? 0), to = by * blockColumns + (xStarts[column + 1] ?? 0);
          block < to;
          block++
        ) {
          // Rec. 601 luma, as the perceptual hash's gray: for a JPEG it is the Y channel itself, so
          // the chroma of the DC-scaled decode (coarser than a full decode's) does not enter it.
          gray += 0.299 * (sums[block * 3] ?? 0) + 0.587 * (sums[block * 3 + 1] ?? 0) + 0.114 * (sums[block * 3 + 2] ?? 0);
          pixels += counts[block] ?? 0;
          clip |= blocks.clipped?.[block] ?? 0;
        }
      }
      cells[row * columns + column] = Math.round((gray / Math.max(1, pixels)) * LEVEL_STEPS);
      clipped[row * columns + column] = clip;
    }
  }
  return { kind, columns, rows, cells, clipped };
}

/** Where the blocks behind a `block-means` working copy clipped (block grid of the full decode). */
export interface ClippedBlocks {
  readonly blocks: BlockSums;
  readonly blockColumns: number;
  readonly blockRows: number;
}

/**
 * Blocks around a cell whose clipping can reach it through the resize: the working copy's
 * Lanczos kernel spans 3 source pixels (blocks, here) each side.
 */
const RESIZE_REACH_BLOCKS = 3;

/**
 * The signature read off a working copy (the grid over its pixels). `clipped`, for a `block-means`
 * copy, flags the cells near blocks whose exact decode had a channel at 0 or 255.
 */
export function signatureFromWorkingCopy(
  kind: PixelSignatureKind,
  image: { readonly data: Uint8Array; readonly width: number; readonly height: number },
  clipped: ClippedBlocks | null,
): PixelSignature {
  const { data, width, height } = image;
  assertMinLength(data, width * height * 3, 'working copy');
  const { columns, rows } = signatureGrid(width, height);
  const xStarts = cellStarts(width, columns);
  const yStarts = cellStarts(height, rows);
  const cells = new Uint16Array(columns * rows);
  const sums = new Float64Array(columns * 3);
  for (let row = 0; row < rows; row++) {
    sums.fill(0);
    const fromY = yStarts[row] ?? 0;
    const toY = yStarts[row + 1] ?? 0;
    for (let y = fromY; y < toY; y++) {
      // Along the row, one run of pixels per cell, summed in locals.
      let p = y * width * 3;
      for (let column = 0; column < columns; column++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let x = xStarts[column] ?? 0, to = xStarts[column + 1] ?? 0; x < to; x++, p += 3) {
          r += data[p] ?? 0;
          g += data[p + 1] ?? 0;
          b += data[p + 2] ?? 0;
        }
        sums[column * 3] = (sums[column * 3] ?? 0) + r;
        sums[column * 3 + 1] = (sums[column * 3 + 1] ?? 0) + g;
        sums[column * 3 + 2] = (sums[column * 3 + 2] ?? 0) + b;
      }
    }
    for (let column = 0; column < columns; column++) {
      const count = ((xStarts[column + 1] ?? 0) - (xStarts[column] ?? 0)) * (toY - fromY);
      const gray = 0.299 * (sums[column * 3] ?? 0) + 0.587 * (sums[column * 3 + 1] ?? 0) + 0.114 * (sums[column * 3 + 2] ?? 0);
      cells[row * columns + column] = Math.round((gray / Math.max(1, count)) * LEVEL_STEPS);
    }
  }
  const flags = new Uint8Array(columns * rows);
  if (clipped) flagClippedCells(flags, { columns, rows, xStarts, yStarts, width, height }, clipped);
  return { kind, columns, rows, cells, clipped: flags };
}

function flagClippedCells(
  flags: Uint8Array,
  grid: { columns: number; rows: number; xStarts: Int32Array; yStarts: Int32Array; width: number; height: number },
  clipped: ClippedBlocks,
): void {
  const { blockColumns, blockRows } = clipped;
  const flagged = clipped.blocks.clipped;
  if (!flagged) return;
  // Summed-area table of clipped blocks: any block in a rectangle, in four reads.
  const stride = blockColumns + 1;
  const table = new Int32Array(stride * (blockRows + 1));
  for (let y = 0; y < blockRows; y++) {
    for (let x = 0; x < blockColumns; x++) {
      table[(y + 1) * stride + x + 1] =
        (flagged[y * blockColumns + x] ?? 0) +
        (table[y * stride + x + 1] ?? 0) +
        (table[(y + 1) * stride + x] ?? 0) -
        (table[y * stride + x] ?? 0);
    }
  }
  const toBlocks = (value: number, pixels: number, blocks: number, edge: 'from' | 'to'): number => {
    const exact = (value * blocks) / pixels;
    const reached = edge === 'from' ? Math.floor(exact) - RESIZE_REACH_BLOCKS : Math.ceil(exact) + RESIZE_REACH_BLOCKS;
    return Math.max(0, Math.min(blocks, reached));
  };
  for (let row = 0; row < grid.rows; row++) {
    const y0 = toBlocks(grid.yStarts[row] ?? 0, grid.height, blockRows, 'from');
    const y1 = toBlocks(grid.yStarts[row + 1] ?? 0, grid.height, blockRows, 'to');
    for (let column = 0; column < grid.columns; column++) {
      const x0 = toBlocks(grid.xStarts[column] ?? 0, grid.width, blockColumns, 'from');
      const x1 = toBlocks(grid.xStarts[column + 1] ?? 0, grid.width, blockColumns, 'to');
      const count =
        (table[y1 * stride + x1] ?? 0) - (table[y0 * stride + x1] ?? 0) - (table[y1 * stride + x0] ?? 0) + (table[y0 * stride + x0] ?? 0);
      if (count > 0) flags[row * grid.columns + column] = 1;
    }
  }
}

/** First block of each of `cells` cells over `blocks` blocks (block b is in cell floor(b * cells / blocks)), and the end. */
function cellStarts(blocks: number, cells: number): Int32Array {
  return Int32Array.from({ length: cells + 1 }, (_, cell) => Math.ceil((cell * blocks) / cells));
}
