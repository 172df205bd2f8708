/**
 * Is a near pair the same picture, or two pictures that look alike? The candidate finders
 * (embedding cosine, perceptual hash) cannot tell a resized or re-compressed copy from the next
 * frame of a burst, another page on one template or another screenshot of one terminal: all of
 * them look alike. This check looks at the pictures themselves, small (a 128 px gray grid each,
 * read from the 256 px thumbnail):
 *
 * 1. Align: find how one picture sits in the other — one of the 8 turns and mirrors, and a window
 *    (scale and offset) for a crop — by normalised cross-correlation, searched coarse (16 px) and
 *    refined (64 px, then 128 px). A resize or a re-compression aligns at the full frame.
 * 2. Compare cell by cell (16 x 16 px cells of the 128 px grid) after the alignment. A cell matches
 *    when its structure correlates (local NCC: brightness, contrast and colour changes do not
 *    matter) or what a tone curve over the whole picture leaves there is what blur and compression
 *    leave (a brightened copy clips its highlights: no straight line maps one onto the other).
 *    A picture nearly symmetric lines up unmirrored almost as well as mirrored: when nothing
 *    matched, the turns and mirrors are searched too.
 * 3. Decide. The same picture differs at most in a small overlay: cells in a wide band along the
 *    bottom edge (a caption) or in a corner box (a logo, a stamp). Another picture differs inside
 *    the frame (a walking person, a waving branch), along the top or a side (other text in a
 *    window or on a page, a camera pan), or all over. Measured on the hard-negatives set: burst
 *    frames of a fixed camera differ in the middle rows, the eval's caption and logo edits only in
 *    the bottom row and a corner cell (see the test). A person walking along the bottom edge
 *    across half the frame would pass for a caption: rare, and a capture time tells them apart.
 *    Outside its overlay, the same picture also correlates as a whole (cells can match one by one
 *    on blank paper while the pictures do not).
 * 4. Look again at the thumbnails' own 256 px (fine-check.ts): other text, other leaves, a
 *    person who barely moved differ there in many cells once the edits a copy may carry (tone,
 *    blur, a sub-pixel shift) are fitted away; a face that turned a little moved against the rest
 *    of the picture, which no copy does (another moment, `moment`). The sharper picture explains
 *    the other; failing that, the other way round (a brightened copy lost the clouds of a white
 *    sky, and reads as the sharper for its contrast). A window under 60 % of a side is a shared
 *    detail.
 *
 * Why each threshold is where it is: see the constants, measured on the hard-negatives eval set
 * (src/eval) and the Copydays-style edits of the eval's tuning half.
 */

import { FINE_DIFFERING_SHARE, FINE_MOVED_CELLS, fineCompare, toneMapped, type FineComparison, type GrayGrid } from './fine-check';

/** A picture as the check sees it: gray levels 0..255, row-major, long side GRID_LONG_SIDE. */
export interface LayoutGrid {
  readonly width: number;
  readonly height: number;
  readonly gray: Float32Array;
  /** The same picture at MID_LONG_SIDE and COARSE_LONG_SIDE, for the alignment search (made by `layoutGridOf`). */
  readonly mid?: LayoutGrid;
  readonly coarse?: LayoutGrid;
  /** The picture as given (the thumbnail, 256 px), for the second look (fine-check.ts). */
  readonly fine?: GrayGrid;
}

/** How the second picture sits in the first (`b` turned by `turn`, then mirrored, then scaled into the window). */
export interface Alignment {
  /** Quarter turns clockwise applied to `b`. */
  readonly turn: 0 | 1 | 2 | 3;
  readonly mirror: boolean;
  /** Which picture is the window into the other: `b-in-a` (b is a crop of a, or the same frame), `a-in-b`. */
  readonly direction: 'b-in-a' | 'a-in-b';
  /** The window's size as a share of the largest window of its shape in the bigger picture (1: whole frame). */
  readonly scale: number;
  /** Normalised cross-correlation over the aligned grids. */
  readonly correlation: number;
  /** The window in the bigger picture's grid (x, y, w, h in grid pixels). */
  readonly window: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}

export type PictureVerdict = 'same' | 'different';

export interface PictureComparison {
  readonly verdict: PictureVerdict;
  readonly alignment: Alignment;
  /** Cells that differ, of all cells compared. */
  readonly differingCells: number;
  readonly cells: number;
  /** Of the differing cells, those that look like an overlay (graphic in one picture only). */
  readonly overlayCells: number;
  /** Why, in words: "same picture", "same picture, cropped", "different picture: 9 cells differ". */
  readonly reason: string;
  /** Different, and another moment of one scene: part of it moved against the rest (fine-check.ts). */
  readonly moment?: true;
}

/**
 * Long side of the grid the check compares cells on (128: a 4:3 photo is 128 x 96, 48 KB as
 * floats). At 64 px a window full of other text or a tree whose leaves moved still matched cell
 * for cell; 128 tells them apart and keeps every edit of the tuning half (see the eval).
 */
export const GRID_LONG_SIDE = 128;
/** The alignment is searched coarse (16 px, every offset), refined at 64 px and finished at 128 px. */
const MID_LONG_SIDE = 64;
const COARSE_LONG_SIDE = 16;
/** A copy cropped keeps at least this share of each side (the eval's crops keep 70–95 %; Copydays 70–90 %). */
const MIN_CROP_SCALE = 0.6;
/**
 * A crop's window correlates at least this much with it: crops of both halves of the eval (70–95 %
 * of each side, photos and documents) measure ≥ 0.89, resampling and re-compression being all that
 * differs; a letter lining up with part of another (I in L) measures 0.67.
 */
const MIN_CROP_CORRELATION = 0.85;
/** A window this close to the whole frame is the whole frame (a resize, not a crop). */
export const WHOLE_FRAME_SCALE = 0.985;
/** The same picture correlates at least this much as a whole outside its overlay, once aligned (see `judge`). */
const MIN_SAME_CORRELATION = 0.75;
/** An overlay covers at most this share of the picture. */
const MAX_OVERLAY_SHARE = 0.3;
/** Side of a compared cell, in grid pixels: 8 x 6 cells for a 4:3 photo. */
const CELL = 16;
/** Window scales tried (coarse) for crops: a crop keeps 50–100 % of each side (Copydays: 70–90 %); refined ±5 %. */
const COARSE_SCALES = [1, 0.9, 0.8, 0.7, 0.6, 0.5];
/** Moves of the refining descent: x, y, scale. */
const DESCENT_MOVES: readonly (readonly [number, number, number])[] = [
  [1, 0, 0],
  [-1, 0, 0],
  [0, 1, 0],
  [0, -1, 0],
  [0, 0, 1],
  [0, 0, -1],
];
/** Coarse candidates refined at most: the best one, then (for a crop only) the next ones. */
const REFINED_CANDIDATES = 3;
/** Below this coarse correlation the turns and mirrors of the whole frame are searched too. */
const TURN_SEARCH_BELOW = 0.9;
/** A whole-frame alignment above this needs no crop search (resizes, re-compression, colour edits measure ≥ 0.97). */
const FULL_FRAME_ENOUGH = 0.97;
/** A cell's structure matches above this local correlation. */
const CELL_MATCH_CORRELATION = 0.75;
/** Below this standard deviation (gray levels) a cell is flat. */
const FLAT_STD = 4;
/** A cell matches when what is left after the global brightness fit is within this floor (gray levels, RMS)… */
const RESIDUAL_FLOOR = 8;
/** …plus this share of the cell's own contrast (a blurred or re-compressed edge leaves a share of it). */
const RESIDUAL_SHARE = 0.35;
/** A cell is clipped (graphic) when this share of its pixels sits at black or white. */
const CLIPPED_SHARE = 0.2;

/**
 * The grid of a picture's pixels: gray, area-averaged to GRID_LONG_SIDE on the long side.
 * `pixels`: 8-bit gray, row-major, `width` x `height`.
 */
export function layoutGridOf(pixels: Uint8Array, width: number, height: number): LayoutGrid {
  const source = Float32Array.from(pixels);
  const sized = (longSide: number): LayoutGrid => {
    const scale = longSide / Math.max(width, height);
    const gw = Math.max(1, Math.round(width * scale));
    const gh = Math.max(1, Math.round(height * scale));
    return { width: gw, height: gh, gray: resampleFloat(source, width, height, 0, 0, width, height, gw, gh) };
  };
  return { ...sized(GRID_LONG_SIDE), mid: sized(MID_LONG_SIDE), coarse: sized(COARSE_LONG_SIDE), fine: { width, height, gray: source } };
}

/** Compares two pictures given as grids: the same picture (maybe turned, cropped, edited), or another one. */
export function comparePictures(a: LayoutGrid, b: LayoutGrid): PictureComparison {
  const tries = alignments(a, b);
  const alignment = tries.next().value ?? fullFrame(a, b);
  const found = judge(a, b, alignment);
  if (found.verdict === 'same') return found;
  // At 16 px the lines of a page or a slide blur into bands that line up at several scales: a 95 %
  // crop of one was refined from a window of 85 %. The next best coarse windows are refined too,
  // and taken only as a crop that matches in every cell (a whole frame that did not match the
  // first time is not one now; one slide lined up with part of another, its title as an overlay).
  for (const other of tries) {
    if (other.scale >= WHOLE_FRAME_SCALE) continue;
    const cropped = judge(a, b, other);
    if (cropped.verdict === 'same' && cropped.differingCells === 0) return cropped;
  }
  // A picture nearly symmetric (an eye's fundus, a round dish) lines up with its own mirror image
  // almost as well as with itself, and the turns were not searched: they are, once nothing else matched.
  if (alignment.turn === 0 && !alignment.mirror) {
    const turned = alignments(a, b, true).next().value;
    if (turned && (turned.turn !== 0 || turned.mirror)) {
      const judged = judge(a, b, turned);
      if (judged.verdict === 'same') return judged;
    }
  }
  if (alignment.scale >= WHOLE_FRAME_SCALE) return found;
  // A window that leaves a caption out can correlate better than the whole frame that has it:
  // the whole frame is judged too, when both pictures have its shape.
  const whole = fullFrame(a, b);
  if (whole.correlation < 0) return found;
  const judged = judge(a, b, whole);
  return judged.verdict === 'same' ? judged : found;
}

/** The alignment of the whole frames, as they are (correlation -1 when their shapes differ). */
function fullFrame(a: LayoutGrid, b: LayoutGrid): Alignment {
  const correlation = fullFrameCorrelation(a, b);
  return { turn: 0, mirror: false, direction: 'b-in-a', scale: 1, correlation, window: { x: 0, y: 0, w: a.width, h: a.height } };
}

/**
 * The comparison of `b` with `a` from one of `a` with `b`: the same alignment seen from the other
 * picture (the window stays in the same outer picture; a turn undoes the other way, a turn and a
 * mirror undo as they are), its words said again.
 */
export function reversed(comparison: PictureComparison): PictureComparison {
  const { alignment } = comparison;
  const turn = (alignment.mirror ? alignment.turn : (4 - alignment.turn) % 4) as Alignment['turn'];
  const back: Alignment = { ...alignment, turn, direction: alignment.direction === 'b-in-a' ? 'a-in-b' : 'b-in-a' };
  const said = describeAlignment(alignment);
  const reason = comparison.reason.startsWith(said) ? describeAlignment(back) + comparison.reason.slice(said.length) : comparison.reason;
  return { ...comparison, alignment: back, reason };
}

function judge(a: LayoutGrid, b: LayoutGrid, alignment: Alignment): PictureComparison {
  const { big, small } = alignedPair(a, b, alignment);
  const cells = compareCells(big, small);
  const result = decide(alignment, cells);
  if (result.verdict !== 'same') return result;
  // A copy cropped keeps most of each side; a smaller window
  // that lines up is a detail two pictures share (a window's title bar, a logo), not a copy.
  if (alignment.scale < MIN_CROP_SCALE) {
    return { ...result, verdict: 'different', reason: `different picture: only ${Math.round(alignment.scale * 100)} % of it lines up` };
  }
  // A crop is the same pixels as its window: it correlates there almost as well as a resized copy.
  if (alignment.scale < WHOLE_FRAME_SCALE && alignment.correlation < MIN_CROP_CORRELATION) {
    return { ...result, verdict: 'different', reason: `different picture: a part lines up, ${alignment.correlation.toFixed(2)} only` };
  }
  // Cells can match one by one (flat paper, empty chart space, lines of text at one spacing) while
  // the pictures do not: the same picture also correlates as a whole, outside its overlay. Edited
  // copies of the tuning half measure ≥ 0.8 there; other screenshots of one window, other charts,
  // one layout in a light and a dark theme, two views of one chessboard ≤ 0.7.
  const whole = maskedCorrelation(big, small, cells);
  if (whole < MIN_SAME_CORRELATION) {
    return { ...result, verdict: 'different', reason: `different picture: they correlate ${whole.toFixed(2)} as a whole` };
  }
  // The second look, at the thumbnails' own resolution: text, leaves, what 128 px blurs away.
  const fine = fineAlignedPair(a, b, alignment);
  if (!fine) return result;
  const { columns, rows, state } = cells;
  // An overlay's edge spills into the cells around the ones the coarse check saw differ.
  const overlay = (fx: number, fy: number): boolean => {
    const r = Math.floor(fy * rows);
    const c = Math.floor(fx * columns);
    for (let y = Math.max(0, r - 1); y <= Math.min(rows - 1, r + 1); y++)
      for (let x = Math.max(0, c - 1); x <= Math.min(columns - 1, c + 1); x++) if ((state[y * columns + x] ?? 0) !== 0) return true;
    return false;
  };
  // Motion is measured on whole frames only: a crop's window, found on the 128 px grid, can be off
  // by more than a pixel of the thumbnail (a 95 % crop of a chessboard seemed to move in 3 cells);
  // its frame can still be told apart from the next by the frames themselves.
  const wholeFrame = alignment.scale >= WHOLE_FRAME_SCALE;
  const verdictOf = (second: FineComparison): PictureComparison => {
    // A part that moved against the rest is another moment, whatever else differs: said first, as
    // it is the stronger word (near-verifier.ts never joins two moments through a chain of copies).
    const moved = second.moved.reduce((sum, cell) => sum + cell, 0);
    if (moved >= FINE_MOVED_CELLS) return { ...result, verdict: 'different', moment: true, reason: `another moment: ${moved} areas moved` };
    const differing = second.cells > 0 ? unexplainedCells(second.state, second.columns, second.rows) / second.cells : 0;
    if (differing < FINE_DIFFERING_SHARE) return result;
    return { ...result, verdict: 'different', reason: `different picture: ${Math.round(differing * 100)} % of its detail differs` };
  };
  // The sharper picture explains the other (a blur can be fitted, detail cannot); failing that, and
  // where the sharper one clipped more, the other way round: a brightened copy clipped a white sky
  // that held clouds, and its contrast, higher everywhere else, makes it the sharper picture.
  const ahead = fineCompare(fine.big, fine.small, { skip: overlay, motion: wholeFrame });
  const first = verdictOf(ahead);
  if (first.verdict === 'same' || !ahead.clippedMore) return first;
  const second = verdictOf(fineCompare(fine.big, fine.small, { skip: overlay, motion: wholeFrame, reverse: true }));
  return second.verdict === 'same' ? second : first;
}

/** `alignedPair` on the pictures as given (the thumbnails), when both grids carry them. */
function fineAlignedPair(a: LayoutGrid, b: LayoutGrid, alignment: Alignment): { big: LayoutGrid; small: LayoutGrid } | null {
  if (!a.fine || !b.fine) return null;
  // The window is in the outer picture's grid pixels: scaled to its thumbnail's.
  const factor = alignment.direction === 'b-in-a' ? a.fine.width / a.width : b.fine.width / b.width;
  const { window } = alignment;
  const scaled = { ...alignment, window: { x: window.x * factor, y: window.y * factor, w: window.w * factor, h: window.h * factor } };
  return alignedPair(a.fine, b.fine, scaled);
}

/** Correlation of two aligned grids over the cells that matched (an overlay's cells left out). */
function maskedCorrelation(a: LayoutGrid, b: LayoutGrid, cells: CellStats): number {
  const { width, height } = a;
  const { columns, rows, state } = cells;
  const moments = new PairMoments();
  for (let y = 0; y < height; y++) {
    const r = Math.min(rows - 1, Math.floor((y * rows) / height));
    for (let x = 0; x < width; x++) {
      if (state[r * columns + Math.min(columns - 1, Math.floor((x * columns) / width))]) continue;
      moments.add(a.gray[y * width + x] ?? 0, b.gray[y * width + x] ?? 0);
    }
  }
  return moments.correlation();
}

/** Sums over pairs of values (a, b), one pass: their correlation, and the fit b ≈ gain·a + bias. */
class PairMoments {
  #n = 0;
  #sa = 0;
  #sb = 0;
  #ab = 0;
  #aa = 0;
  #bb = 0;

  add(a: number, b: number): void {
    this.#n += 1;
    this.#sa += a;
    this.#sb += b;
    this.#ab += a * b;
    this.#aa += a * a;
    this.#bb += b * b;
  }

  /** Pearson correlation; 0 when either side is flat (or nothing was added). */
  correlation(): number {
    const n = this.#n;
    if (n === 0) return 0;
    const covariance = this.#ab - (this.#sa * this.#sb) / n;
    const varianceA = this.#aa - (this.#sa * this.#sa) / n;
    const varianceB = this.#bb - (this.#sb * this.#sb) / n;
    return varianceA > 1e-6 && varianceB > 1e-6 ? covariance / Math.sqrt(varianceA * varianceB) : 0;
  }

  /** Least-squares b ≈ gain·a + bias (gain 1 when a is flat). */
  fit(): { gain: number; bias: number } {
    const n = Math.max(1, this.#n);
    const varianceA = this.#aa - (this.#sa * this.#sa) / n;
    const gain = varianceA > 0 ? (this.#ab - (this.#sa * this.#sb) / n) / varianceA : 1;
    return { gain, bias: this.#sb / n - (gain * this.#sa) / n };
  }
}

interface CellStats {
  readonly columns: number;
  readonly rows: number;
  /** Per cell: 0 match, 1 differs, 2 differs and looks like an overlay. */
  readonly state: Uint8Array;
}

function decide(alignment: Alignment, stats: CellStats): PictureComparison {
  const { columns, rows, state } = stats;
  let differing = 0;
  let overlay = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const s = state[r * columns + c] ?? 0;
      if (s === 0) continue;
      differing += 1;
      if (s === 2) overlay += 1;
    }
  }
  const cells = columns * rows;
  const base = { alignment, differingCells: differing, cells, overlayCells: overlay };
  const how = describeAlignment(alignment);
  if (differing === 0) return { ...base, verdict: 'same', reason: how };
  // A turned or mirrored match must hold everywhere: a symmetric subject (a face, a facade, a
  // rendered object seen from mirrored viewpoints) matches its own mirror but where the symmetry
  // breaks, and that reads like an overlay; an editor's mirrored copy with an overlay added is rare.
  const turned = alignment.turn !== 0 || alignment.mirror;
  const explained = !turned && unexplainedCells(state, columns, rows, true) === 0;
  if (explained && differing <= cells * MAX_OVERLAY_SHARE) return { ...base, verdict: 'same', reason: `${how}, with an overlay` };
  return { ...base, verdict: 'different', reason: `different picture: ${differing} of ${cells} areas differ` };
}

/**
 * Differing cells (state non-zero) that no overlay explains. An overlay sits along the border: a
 * caption is a band along the bottom edge across at least half the width, a logo or a stamp fills
 * a small box in a corner. A moving subject, other text or another page differs inside the frame,
 * along the top (where documents and windows put their text), or in a narrow patch along an edge.
 */
export function unexplainedCells(state: Uint8Array, columns: number, rows: number, logoSpill = false): number {
  const bandRows = Math.max(1, Math.floor(rows / 4));
  const corner = Math.max(1, Math.floor(Math.min(rows, columns) / 3));
  const wideRow = (r: number): boolean => {
    let count = 0;
    for (let c = 0; c < columns; c++) if (state[r * columns + c]) count += 1;
    return count * 2 >= columns;
  };
  const inBox = (r: number, c: number, size: number): boolean =>
    r >= 0 && c >= 0 && r < rows && c < columns && (r < size || r >= rows - size) && (c < size || c >= columns - size);
  const differsInCorner = (r: number, c: number): boolean => inBox(r, c, corner) && state[r * columns + c] !== 0;
  // With `logoSpill` (the coarse grid, where a cell is a fifth of a landscape photo's height): a
  // logo is one box, wherever it sits, and one that straddles the corner box's edge differs in the
  // cells just outside it too, next to the ones inside (a 12 % logo, two columns of eight at 128
  // px, where the box is one). Only next to a differing corner cell: a glyph or a line of text
  // that differs near a corner, and not in it, is not a logo. The fine look has its own spill
  // (fine-check.ts, around the coarse cells that differ) and a box within a cell of a third.
  const inCorner = (r: number, c: number): boolean =>
    inBox(r, c, corner) ||
    (logoSpill &&
      inBox(r, c, corner + 1) &&
      (differsInCorner(r - 1, c) || differsInCorner(r + 1, c) || differsInCorner(r, c - 1) || differsInCorner(r, c + 1)));
  let unexplained = 0;
  for (let r = 0; r < rows; r++) {
    const band = r >= rows - bandRows && wideRow(r);
    for (let c = 0; c < columns; c++) if (state[r * columns + c] && !band && !inCorner(r, c)) unexplained += 1;
  }
  return unexplained;
}

function describeAlignment(alignment: Alignment): string {
  const parts = ['same picture'];
  // `turn` is what brings the second picture back to the first: the second was turned the other way.
  if (alignment.turn !== 0) parts.push(`turned ${((4 - alignment.turn) % 4) * 90}°`);
  if (alignment.mirror) parts.push('mirrored');
  if (alignment.scale < WHOLE_FRAME_SCALE) parts.push('cropped');
  return parts.join(', ');
}

/** The two grids aligned: `small` the window's picture, `big` the window cut out of the other one, resampled to `small`'s size. */
function alignedPair(a: LayoutGrid, b: LayoutGrid, alignment: Alignment): { big: LayoutGrid; small: LayoutGrid } {
  const turned = orient(b, alignment.turn, alignment.mirror);
  const [outer, inner] = alignment.direction === 'b-in-a' ? [a, turned] : [turned, a];
  const { window } = alignment;
  // Compared at the resolution both share: a crop's grid holds more detail than the window cut out
  // of the whole picture's grid, which would otherwise differ in every detailed cell.
  if (window.w >= inner.width - 0.5) return { big: cut(outer, window, inner.width, inner.height), small: inner };
  const width = Math.max(2, Math.round(window.w));
  const height = Math.max(2, Math.round(window.h));
  return { big: cut(outer, window, width, height), small: cut(inner, { x: 0, y: 0, w: inner.width, h: inner.height }, width, height) };
}

interface Window {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly correlation: number;
}

interface Levels {
  readonly fine: LayoutGrid;
  readonly mid: LayoutGrid;
  readonly coarse: LayoutGrid;
}

function levelsOf(grid: LayoutGrid): Levels {
  return {
    fine: grid,
    mid: grid.mid ?? shrink(grid, grid.width / MID_LONG_SIDE),
    coarse: grid.coarse ?? shrink(grid, grid.width / COARSE_LONG_SIDE),
  };
}

/** A window of one picture's 16 px grid where the other lines up, as the coarse search found it. */
interface CoarseCandidate {
  readonly turn: 0 | 1 | 2 | 3;
  readonly mirror: boolean;
  readonly direction: 'b-in-a' | 'a-in-b';
  readonly scale: number;
  readonly window: Window;
}

/**
 * The coarse search: every window of `b` in `a` and of `a` in `b` at COARSE_SCALES on the 16 px
 * grids, and the turns and mirrors of the whole frame when nothing lines up well. Best first (ties:
 * the first found).
 */
function coarseCandidates(a: Levels, b: Levels, turnsOnly = false): CoarseCandidate[] {
  const candidates: CoarseCandidate[] = [];
  const search = (turn: 0 | 1 | 2 | 3, mirror: boolean, scales: readonly number[]): void => {
    const coarseB = orient(b.coarse, turn, mirror);
    for (const direction of ['b-in-a', 'a-in-b'] as const) {
      const [outer, inner] = direction === 'b-in-a' ? [a.coarse, coarseB] : [coarseB, a.coarse];
      for (const scale of scales) candidates.push({ turn, mirror, direction, scale, window: bestWindow(outer, inner, scale, 1) });
    }
  };
  if (!turnsOnly) search(0, false, COARSE_SCALES);
  const found = (): number => Math.max(-1, ...candidates.map((candidate) => candidate.window.correlation));
  if (turnsOnly || found() < TURN_SEARCH_BELOW) {
    for (const turn of [0, 1, 2, 3] as const) for (const mirror of [false, true]) if (turn !== 0 || mirror) search(turn, mirror, [1]);
  }
  const ranked = candidates.map((candidate, i) => ({ candidate, i }));
  ranked.sort((p, q) => q.candidate.window.correlation - p.candidate.window.correlation || p.i - q.i);
  return ranked.map(({ candidate }) => candidate);
}

/**
 * The alignments of `b` with `a`, best first: the whole frame first (most edited copies stop
 * there), then crop windows as found, then the turns and mirrors of the whole frame; the best
 * coarse candidate is refined on the full grids, the next REFINED_CANDIDATES - 1 only when the
 * caller asks for them (a generator: a pair that matches costs one refinement).
 */
function* alignments(a: LayoutGrid, b: LayoutGrid, turnsOnly = false): Generator<Alignment, void, undefined> {
  const whole = fullFrame(a, b);
  const plain = turnsOnly ? -1 : whole.correlation;
  if (plain >= FULL_FRAME_ENOUGH) {
    yield whole;
    return;
  }
  const levelsA = levelsOf(a);
  const levelsB = levelsOf(b);
  const ranked = coarseCandidates(levelsA, levelsB, turnsOnly);
  // Asked for the turns only, they are refined where one lines up at 16 px at least as well as
  // the picture as it is (a mirrored copy does); else there is none to give.
  if (turnsOnly && (ranked[0]?.window.correlation ?? -1) < fullFrameCorrelation(levelsA.coarse, levelsB.coarse)) return;
  if (ranked.length === 0) yield whole;
  for (const candidate of ranked.slice(0, REFINED_CANDIDATES)) {
    const { turn, mirror, direction } = candidate;
    const pick = <T>(x: T, y: T): [T, T] => (direction === 'b-in-a' ? [x, y] : [y, x]);
    const [outerMid, innerMid] = pick(levelsA.mid, orient(levelsB.mid, turn, mirror));
    const [outerCoarse] = pick(levelsA.coarse, orient(levelsB.coarse, turn, mirror));
    const mid = refine(outerMid, innerMid, candidate.window, candidate.scale, outerMid.width / outerCoarse.width);
    const [outer, inner] = pick(a, orient(b, turn, mirror));
    const factor = outer.width / outerMid.width;
    const start = { x: mid.x * factor, y: mid.y * factor, w: mid.w * factor, h: mid.h * factor, scale: mid.scale, correlation: -1 };
    const fine = descend(outer, inner, { ...start, correlation: windowCorrelation(outer, inner, start) }, 0.5);
    yield fine.correlation <= plain ? whole : { turn, mirror, direction, scale: fine.scale, correlation: fine.correlation, window: fine };
  }
}

function fullFrameCorrelation(a: LayoutGrid, b: LayoutGrid): number {
  if (Math.abs(a.width / a.height - b.width / b.height) > 0.03) return -1;
  const resized =
    a.width === b.width && a.height === b.height ? b : { width: a.width, height: a.height, gray: resampleGrid(b, a.width, a.height) };
  return correlation(a.gray, resized.gray);
}

/** The best window of `scale` (of the largest window of `inner`'s shape) over every offset, stepping `step` grid pixels. */
function bestWindow(outer: LayoutGrid, inner: LayoutGrid, scale: number, step: number): Window {
  const { w, h } = windowSize(outer, inner, scale);
  let best: Window = { x: 0, y: 0, w, h, correlation: -1 };
  if (w < 2 || h < 2) return best;
  for (let y = 0; y + h <= outer.height + 1e-6; y += step) {
    for (let x = 0; x + w <= outer.width + 1e-6; x += step) {
      const window = { x, y, w, h };
      const value = windowCorrelation(outer, inner, window);
      if (value > best.correlation) best = { ...window, correlation: value };
    }
  }
  return best;
}

/** Refines a coarse window on a grid `factor` times finer: offsets within one coarse step, scales ±5 %; then a descent. */
function refine(outer: LayoutGrid, inner: LayoutGrid, coarse: Window, scale: number, factor: number): Window & { scale: number } {
  let best: Window & { scale: number } = { ...coarse, scale, correlation: -1 };
  const reach = Math.max(1, Math.round(factor));
  for (const s of [scale - 0.05, scale - 0.025, scale, scale + 0.025, scale + 0.05]) {
    if (s > 1 + 1e-9 || s < 0.3) continue;
    const { w, h } = windowSize(outer, inner, s);
    const centreX = (coarse.x + coarse.w / 2) * factor;
    const centreY = (coarse.y + coarse.h / 2) * factor;
    for (let dy = -reach; dy <= reach; dy += 2) {
      for (let dx = -reach; dx <= reach; dx += 2) {
        const window = {
          x: Math.min(Math.max(0, centreX - w / 2 + dx), outer.width - w),
          y: Math.min(Math.max(0, centreY - h / 2 + dy), outer.height - h),
          w,
          h,
        };
        const value = windowCorrelation(outer, inner, window);
        if (value > best.correlation) best = { ...window, scale: s, correlation: value };
      }
    }
  }
  return descend(outer, inner, best, 1);
}

/**
 * A descent in halving steps from `step` grid pixels down to a quarter of one (and 0.3 % of
 * scale): a detailed photo's grid decorrelates over half a pixel.
 */
function descend(outer: LayoutGrid, inner: LayoutGrid, start: Window & { scale: number }, step: number): Window & { scale: number } {
  let best = start;
  let scaleStep = 0.0125;
  while (step >= 0.25) {
    let improved = false;
    for (const [dx, dy, ds] of DESCENT_MOVES) {
      const s = Math.min(1, best.scale + ds * scaleStep);
      const { w, h } = windowSize(outer, inner, s);
      const x = Math.min(Math.max(0, best.x + (best.w - w) / 2 + dx * step), outer.width - w);
      const y = Math.min(Math.max(0, best.y + (best.h - h) / 2 + dy * step), outer.height - h);
      const value = windowCorrelation(outer, inner, { x, y, w, h });
      if (value > best.correlation + 1e-6) {
        best = { x, y, w, h, scale: s, correlation: value };
        improved = true;
      }
    }
    if (!improved) {
      step /= 2;
      scaleStep /= 2;
    }
  }
  return best;
}

/**
 * Correlation of `inner` with the window of `outer` sampled at `inner`'s pixel centres (bilinear),
 * in one pass without a copy: the search calls this thousands of times per pair. The window and
 * `inner` have about one size (the search works level by level), so sampling loses nothing that
 * area averaging would keep.
 */
function windowCorrelation(outer: LayoutGrid, inner: LayoutGrid, window: { x: number; y: number; w: number; h: number }): number {
  const { width, height, gray } = inner;
  const source = outer.gray;
  const ow = outer.width;
  const maxX = outer.width - 1;
  const maxY = outer.height - 1;
  const sx = window.w / width;
  const sy = window.h / height;
  const moments = new PairMoments();
  for (let y = 0; y < height; y++) {
    const fy = Math.min(maxY, Math.max(0, window.y + (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(maxY, y0 + 1);
    const ty = fy - y0;
    const row0 = y0 * ow;
    const row1 = y1 * ow;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(maxX, Math.max(0, window.x + (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(maxX, x0 + 1);
      const tx = fx - x0;
      const top = (source[row0 + x0] ?? 0) * (1 - tx) + (source[row0 + x1] ?? 0) * tx;
      const bottom = (source[row1 + x0] ?? 0) * (1 - tx) + (source[row1 + x1] ?? 0) * tx;
      moments.add(top * (1 - ty) + bottom * ty, gray[y * width + x] ?? 0);
    }
  }
  return moments.correlation();
}

/** The largest window of `inner`'s aspect inside `outer`, times `scale`. */
function windowSize(outer: LayoutGrid, inner: LayoutGrid, scale: number): { w: number; h: number } {
  const aspect = inner.width / inner.height;
  const fitsWidth = aspect >= outer.width / outer.height;
  const w = (fitsWidth ? outer.width : outer.height * aspect) * scale;
  const h = (fitsWidth ? outer.width / aspect : outer.height) * scale;
  return { w, h };
}

function cut(grid: LayoutGrid, window: { x: number; y: number; w: number; h: number }, width: number, height: number): LayoutGrid {
  return { width, height, gray: resampleFloat(grid.gray, grid.width, grid.height, window.x, window.y, window.w, window.h, width, height) };
}

function resampleGrid(grid: LayoutGrid, width: number, height: number): Float32Array {
  return resampleFloat(grid.gray, grid.width, grid.height, 0, 0, grid.width, grid.height, width, height);
}

/** Area-averaged resample of a window (x0, y0, w, h: fractional) of a float grid to ow x oh. */
function resampleFloat(
  source: Float32Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
  ow: number,
  oh: number,
): Float32Array {
  const out = new Float32Array(ow * oh);
  const sx = w / ow;
  const sy = h / oh;
  for (let oy = 0; oy < oh; oy++) {
    const top = y0 + oy * sy;
    const bottom = top + sy;
    for (let ox = 0; ox < ow; ox++) {
      const left = x0 + ox * sx;
      const right = left + sx;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(top); y < Math.ceil(bottom); y++) {
        const cy = Math.min(bottom, y + 1) - Math.max(top, y);
        if (cy <= 0) continue;
        const row = Math.min(Math.max(y, 0), height - 1) * width;
        for (let x = Math.floor(left); x < Math.ceil(right); x++) {
          const cx = Math.min(right, x + 1) - Math.max(left, x);
          if (cx <= 0) continue;
          const weight = cx * cy;
          sum += (source[row + Math.min(Math.max(x, 0), width - 1)] ?? 0) * weight;
          area += weight;
        }
      }
      out[oy * ow + ox] = area > 0 ? sum / area : 0;
    }
  }
  return out;
}

function shrink(grid: LayoutGrid, factor: number): LayoutGrid {
  const width = Math.max(2, Math.round(grid.width / factor));
  const height = Math.max(2, Math.round(grid.height / factor));
  return { width, height, gray: resampleGrid(grid, width, height) };
}

/** `grid` turned `turn` quarter turns clockwise, then mirrored left-right. */
function orient(grid: LayoutGrid, turn: 0 | 1 | 2 | 3, mirror: boolean): LayoutGrid {
  if (turn === 0 && !mirror) return grid;
  const { width, height, gray } = grid;
  const ow = turn % 2 === 0 ? width : height;
  const oh = turn % 2 === 0 ? height : width;
  const out = new Float32Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const mx = mirror ? ow - 1 - x : x;
      let sx: number;
      let sy: number;
      if (turn === 0) [sx, sy] = [mx, y];
      else if (turn === 1) [sx, sy] = [y, height - 1 - mx];
      else if (turn === 2) [sx, sy] = [width - 1 - mx, height - 1 - y];
      else [sx, sy] = [width - 1 - y, mx];
      out[y * ow + x] = gray[sy * width + sx] ?? 0;
    }
  }
  return { width: ow, height: oh, gray: out };
}

/** Pearson correlation of two equal-length arrays; 0 when either is flat. */
function correlation(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i] ?? 0;
    sb += b[i] ?? 0;
  }
  const ma = sa / n;
  const mb = sb / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] ?? 0) - ma;
    const db = (b[i] ?? 0) - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Cell-by-cell comparison of two aligned grids of one size. */
function compareCells(a: LayoutGrid, b: LayoutGrid): CellStats {
  const { width, height } = a;
  // Global contrast (b ≈ gain·a + bias over the whole picture) scales what a cell may keep of its own.
  const whole = new PairMoments();
  for (let i = 0; i < width * height; i++) whole.add(a.gray[i] ?? 0, b.gray[i] ?? 0);
  const { gain } = whole.fit();
  const columns = Math.max(1, Math.round(width / CELL));
  const rows = Math.max(1, Math.round(height / CELL));
  // What each cell is, whatever the brightness fit: its box, its pixels, their local correlation,
  // the share of its own contrast a copy may leave, and what a differing cell would be.
  const cells: { x0: number; y0: number; x1: number; y1: number; cb: Float32Array; local: number; allowed: number; overlay: boolean }[] =
    [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const [x0, y0] = [Math.floor((c * width) / columns), Math.floor((r * height) / rows)];
      const [x1, y1] = [Math.floor(((c + 1) * width) / columns), Math.floor(((r + 1) * height) / rows)];
      const ca = cellOf(a.gray, width, x0, y0, x1, y1);
      const cb = cellOf(b.gray, width, x0, y0, x1, y1);
      const stdA = std(ca);
      const stdB = std(cb);
      const graphicA = stdA < FLAT_STD || clippedShare(ca) >= CLIPPED_SHARE;
      const graphicB = stdB < FLAT_STD || clippedShare(cb) >= CLIPPED_SHARE;
      cells.push({
        x0,
        y0,
        x1,
        y1,
        cb,
        local: correlation(ca, cb),
        allowed: RESIDUAL_FLOOR + RESIDUAL_SHARE * Math.max(stdA, stdB / Math.max(gain, 0.1)),
        overlay: graphicA !== graphicB,
      });
    }
  }
  // The brightness is a tone curve (a brightened copy clips its highlights, which no line fits),
  // fitted twice: the second time without the cells the first left differing (a white caption band
  // on a dark photo would bend the curve at its level everywhere else).
  const cellsAfter = (use: Uint8Array): Uint8Array => {
    const toned = toneMapped(a.gray, b.gray, use);
    const state = new Uint8Array(columns * rows);
    cells.forEach(({ x0, y0, x1, y1, cb, local, allowed, overlay }, cell) => {
      // What is left after the brightness fit, against what blur and compression leave.
      if (local >= CELL_MATCH_CORRELATION || rmsResidual(cellOf(toned, width, x0, y0, x1, y1), cb) <= allowed) return;
      state[cell] = overlay ? 2 : 1;
    });
    return state;
  };
  const first = cellsAfter(new Uint8Array(width * height).fill(1));
  if (!first.some((cell) => cell !== 0)) return { columns, rows, state: first };
  const use = new Uint8Array(width * height);
  cells.forEach(({ x0, y0, x1, y1 }, cell) => {
    if (first[cell]) return;
    for (let y = y0; y < y1; y++) use.fill(1, y * width + x0, y * width + x1);
  });
  return { columns, rows, state: cellsAfter(use) };
}

function rmsResidual(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((b[i] ?? 0) - (a[i] ?? 0)) ** 2;
  return a.length > 0 ? Math.sqrt(sum / a.length) : 0;
}

function cellOf(gray: Float32Array, width: number, x0: number, y0: number, x1: number, y1: number): Float32Array {
  const out = new Float32Array(Math.max(0, (x1 - x0) * (y1 - y0)));
  let i = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[i++] = gray[y * width + x] ?? 0;
  return out;
}

function mean(values: Float32Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length > 0 ? sum / values.length : 0;
}

function std(values: Float32Array): number {
  const m = mean(values);
  let sum = 0;
  for (const value of values) sum += (value - m) ** 2;
  return values.length > 0 ? Math.sqrt(sum / values.length) : 0;
}

function clippedShare(values: Float32Array): number {
  let clipped = 0;
  for (const value of values) if (value <= 8 || value >= 247) clipped += 1;
  return values.length > 0 ? clipped / values.length : 0;
}
