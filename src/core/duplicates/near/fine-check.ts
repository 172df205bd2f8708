/**
 * The second look of the picture check (picture-check.ts), at the thumbnail's own resolution (256
 * px on the long side): once the 128 px check found two pictures to line up cell for cell, is what
 * is left between them what an edit leaves, or another moment?
 *
 * At 128 px a line of text is a gray band and a leaf a pixel: two screenshots of one spreadsheet,
 * two slides of one template and two frames of a waving tree line up there. At 256 px their text
 * and leaves differ. An edit leaves differences too — a re-compression's noise, a resize's blur, a
 * colour curve — so the second picture is first explained by the first as far as edits go:
 *
 * - a tone curve (the mean of one picture's level per level of the other's, 32 bins): brightness,
 *   contrast, gamma, grayscale and clipped highlights;
 * - blur and sharpening (two Laplacians of the sharper picture, at two scales), fitted by least
 *   squares: a downscale, a JPEG's lost detail;
 * - a shift below a pixel (the two gradients, fitted with them): what the 128 px alignment left.
 *
 * What is left, cell by cell (16 px), is measured against the noise an edit leaves there: 3 gray
 * levels plus 15 % of the cell's contrast (JPEG noise grows with texture). An edited copy leaves
 * more than 1.4 times that in few cells: under 10 % of them in 2,048 of the 2,109 copy pairs the
 * check passed in both eval sets, heavy edits included (JPEG q30, 25 % downscales, crops, turns,
 * contrast), and 7 of some 600 pairs of an original and its edit above it, each joined to its
 * original through another copy. Another moment or another text leaves it in more: a waving tree's
 * frames 0.5 s apart 5–30 %, other screenshots and slides of one template 45 % and more. Cells the
 * 128 px check already called an overlay are left out.
 *
 * A copy has no motion of its own either: each cell shifts as the whole does (what the alignment
 * left). Where a part of the picture shifted against the rest — a face that turned, a shoulder that
 * rose, a near thing past a far one as the camera moved — two frames are another moment even when
 * too little differs for the share above (`movedCells`).
 *
 * What it cannot tell: two people standing still, a walker a few pixels wide at 256 px (1–2 % of
 * the cells), leaves that flutter less than a pixel. Those are told apart by their capture times
 * when the camera wrote them (near-verifier.ts); without them they pass as one picture.
 */

/** A gray picture, row-major, values 0..255. */
export interface GrayGrid {
  readonly width: number;
  readonly height: number;
  readonly gray: Float32Array;
}

/** Side of a cell, in thumbnail pixels. */
const FINE_CELL = 16;
/** The noise an edit leaves in a cell: this many gray levels (RMS)… */
const NOISE_FLOOR = 3;
/** …plus this share of the cell's own contrast (its standard deviation). */
const NOISE_SHARE = 0.15;
/** A cell differs when what is left exceeds the noise this many times. */
const EXCESS = 1.4;
/**
 * Another picture: at least this share of the compared cells differ where no overlay explains them.
 * It was 0.3, set by edits reaching 0.25; scored without capture metadata (`npm run eval --
 * --without-metadata`), a waving tree's frames at 0.05–0.30 then passed as copies (98 false pairs on
 * the tuning half). At 0.1 the edits eval keeps every copy on both halves (recall and precision as
 * at 0.3), the tuning half's hard negatives lose their false pairs with capture times (1 to 0) and
 * most without (106 to 20; 0.15 left 31).
 */
export const FINE_DIFFERING_SHARE = 0.1;
/** A cell moved when a shift over this many pixels… */
const MOVED_SHIFT = 0.5;
/** …explains over this share of what is left there… */
const MOVED_EXPLAINED = 0.5;
/** …measured where the gradient is at least 2 gray levels a pixel in every direction (4, squared). */
const MOVED_TEXTURE = 4;
/**
 * Another moment: at least this many cells moved against the rest of the picture. Measured at the
 * thumbnails on the non-geometric copies of both eval halves and the hard negatives' copies (379
 * pairs): 0 cells in all but one, a brightened copy whose highlights clipped (1). Frames of the
 * moving-camera burst that passed as copies without capture times: 4 to 25.
 */
export const FINE_MOVED_CELLS = 2;
/**
 * A picture clipped more than another when this larger a share of its pixels sits at white or
 * black. Measured on the thumbnails of the eval's edits (both halves): a re-compression changes
 * that share by 0.03 % at the median and 1.3 % at most (JPEG q30), a brightening by 1.6 % at the
 * median and 43 % at most (a white sky). Past it, the fine look is also tried the other way round:
 * it costs a second look, and passes only what that look explains.
 */
const CLIPPED_MORE = 0.01;
/** Levels of the tone curve. */
const TONE_BINS = 32;
/** A tone level needs this many pixels to count (fewer: noise). */
const TONE_MIN_PIXELS = 20;
/** Pixels along the border left out of the fit (the filters read past it). */
const MARGIN = 2;

export interface FineComparison {
  readonly columns: number;
  readonly rows: number;
  /** Per cell: 1 when more is left there than an edit leaves. */
  readonly state: Uint8Array;
  /** Cells compared (not skipped). */
  readonly cells: number;
  /** Per cell: 1 where part of the picture moved against the rest (see `movedCells`). */
  readonly moved: Uint8Array;
  /** The picture that explained the other clipped more of its pixels to white or black than it. */
  readonly clippedMore: boolean;
}

export interface FineOptions {
  /** For a cell's centre given as shares of the width and height, whether to leave it out (an overlay the coarse check found). */
  readonly skip?: (fx: number, fy: number) => boolean;
  /** Explain the sharper picture by the blurrier one instead (see picture-check.ts). */
  readonly reverse?: boolean;
  /** Measure what moved against the rest (`moved`); off, `moved` is all zeros (a crop's window is not placed finely enough). */
  readonly motion?: boolean;
}

/** Compares two aligned pictures of one size (`a` the window cut out of the bigger one). */
export function fineCompare(a: GrayGrid, b: GrayGrid, options: FineOptions = {}): FineComparison {
  const { skip = () => false, reverse = false, motion = true } = options;
  const { width, height } = a;
  const columns = Math.max(1, Math.round(width / FINE_CELL));
  const rows = Math.max(1, Math.round(height / FINE_CELL));
  const state = new Uint8Array(columns * rows);
  if (b.width !== width || b.height !== height || width < 4 * MARGIN || height < 4 * MARGIN)
    return { columns, rows, state, cells: 0, moved: new Uint8Array(columns * rows), clippedMore: false };
  // The blurrier picture is explained by the sharper one (a blur can be fitted, detail cannot),
  // unless the caller asks for the other way (`reverse`).
  const aFirst = detailEnergy(a) >= detailEnergy(b) !== reverse;
  const [sharp, soft] = aFirst ? [a, b] : [b, a];
  const cellOfPixel = new Int32Array(width * height);
  const skipped = new Uint8Array(columns * rows);
  const bounds: { x0: number; y0: number; x1: number; y1: number }[] = [];
  for (let r = 0; r < rows; r++) {
    const y0 = Math.floor((r * height) / rows);
    const y1 = Math.floor(((r + 1) * height) / rows);
    for (let c = 0; c < columns; c++) {
      const x0 = Math.floor((c * width) / columns);
      const x1 = Math.floor(((c + 1) * width) / columns);
      const cell = r * columns + c;
      bounds.push({ x0, y0, x1, y1 });
      if (skip((c + 0.5) / columns, (r + 0.5) / rows)) skipped[cell] = 1;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) cellOfPixel[y * width + x] = cell;
    }
  }
  const noise = bounds.map(
    ({ x0, y0, x1, y1 }) =>
      EXCESS * (NOISE_FLOOR + NOISE_SHARE * Math.max(cellStd(a.gray, width, x0, y0, x1, y1), cellStd(b.gray, width, x0, y0, x1, y1))),
  );
  // Fitted twice: the second time without the cells the first fit left too much in (a caption
  // band darkens its part of the picture, which would bend the tone curve everywhere else).
  const fitWithout = (left: Uint8Array): { fit: Fit; left: Uint8Array } => {
    const use = new Uint8Array(width * height);
    for (let i = 0; i < use.length; i++) {
      const cell = cellOfPixel[i] ?? 0;
      use[i] = skipped[cell] || left[cell] ? 0 : 1;
    }
    const fit = fittedResidual(sharp.gray, soft.gray, width, height, use);
    const leftNow = new Uint8Array(columns * rows);
    bounds.forEach(({ x0, y0, x1, y1 }, cell) => {
      if (!skipped[cell] && rms(fit.residual, width, x0, y0, x1, y1) > (noise[cell] ?? 0)) leftNow[cell] = 1;
    });
    return { fit, left: leftNow };
  };
  const { fit, left } = fitWithout(fitWithout(new Uint8Array(columns * rows)).left);
  let cells = 0;
  for (let cell = 0; cell < state.length; cell++) {
    if (skipped[cell]) continue;
    cells += 1;
    state[cell] = left[cell] ?? 0;
  }
  const moved = motion
    ? movedCells(
        bounds.map((box) => localShift(fit, width, height, box)),
        columns,
        rows,
        skipped,
      )
    : new Uint8Array(columns * rows);
  return { columns, rows, state, cells, moved, clippedMore: clippedShare(sharp.gray) > clippedShare(soft.gray) + CLIPPED_MORE };
}

/** What is left of `soft` once explained by `sharp`, and the explanation's detail (for the local shifts). */
interface Fit {
  readonly residual: Float32Array;
  readonly lap: Float32Array;
  readonly gx: Float32Array;
  readonly gy: Float32Array;
}

/** What is left of `soft` once explained by `sharp` (tone curve, blur, sub-pixel shift), fitted on the pixels `use` accepts. */
function fittedResidual(sharp: Float32Array, soft: Float32Array, width: number, height: number, use: Uint8Array): Fit {
  const toned = toneMapped(sharp, soft, use);
  const [gx, gy] = gradients(toned, width, height);
  const lap = laplacian(toned, width, height);
  const features = [lap, laplacian(blurred(toned, width, height), width, height), gx, gy] as const;
  const weights = leastSquares(features, soft, toned, width, height, use);
  const [f0, f1, f2, f3] = features;
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0] = weights;
  const residual = new Float32Array(width * height);
  for (let i = 0; i < residual.length; i++) {
    const model = (toned[i] ?? 0) + w0 * (f0[i] ?? 0) + w1 * (f1[i] ?? 0) + w2 * (f2[i] ?? 0) + w3 * (f3[i] ?? 0);
    residual[i] = (soft[i] ?? 0) - model;
  }
  return { residual, lap, gx, gy };
}

/** What is left in a cell once a shift of its own is fitted there too. */
interface CellShift {
  readonly dx: number;
  readonly dy: number;
  /** Share of what is left (after a level and a blur of the cell's own) that the shift explains. */
  readonly explained: number;
  /** What is left before the shift, RMS gray levels. */
  readonly left: number;
}

/**
 * The shift of one cell against the fitted picture (Lucas–Kanade, with a level and a blur of the
 * cell's own beside it), or null where the cell lacks texture in some direction to measure it by
 * (MOVED_TEXTURE: its gradient's weaker eigenvalue, per pixel).
 */
function localShift(fit: Fit, width: number, height: number, box: { x0: number; y0: number; x1: number; y1: number }): CellShift | null {
  const { residual, lap, gx, gy } = fit;
  // Sums for the 4 x 4 normal equations of r ≈ c + w·lap + dx·gx + dy·gy, kept in locals: this
  // loop runs over every pixel.
  let n = 0;
  let sl = 0;
  let sx = 0;
  let sy = 0;
  let ll = 0;
  let lx = 0;
  let ly = 0;
  let xx0 = 0;
  let xy0 = 0;
  let yy0 = 0;
  let r1 = 0;
  let rl = 0;
  let rx = 0;
  let ry = 0;
  let squares = 0;
  for (let y = Math.max(box.y0, MARGIN); y < Math.min(box.y1, height - MARGIN); y++) {
    for (let x = Math.max(box.x0, MARGIN); x < Math.min(box.x1, width - MARGIN); x++) {
      const i = y * width + x;
      const r = residual[i] ?? 0;
      const l = lap[i] ?? 0;
      const u = gx[i] ?? 0;
      const v = gy[i] ?? 0;
      n += 1;
      sl += l;
      sx += u;
      sy += v;
      ll += l * l;
      lx += l * u;
      ly += l * v;
      xx0 += u * u;
      xy0 += u * v;
      yy0 += v * v;
      r1 += r;
      rl += r * l;
      rx += r * u;
      ry += r * v;
      squares += r * r;
    }
  }
  if (n === 0) return null;
  const [xx, xy, yy] = [xx0 / n, xy0 / n, yy0 / n];
  const weakest = (xx + yy) / 2 - Math.sqrt(Math.max(0, ((xx - yy) / 2) ** 2 + xy * xy));
  if (weakest < MOVED_TEXTURE) return null;
  const products = Float64Array.of(n, sl, sx, sy, sl, ll, lx, ly, sx, lx, xx0, xy0, sy, ly, xy0, yy0);
  const vector = Float64Array.of(r1, rl, rx, ry);
  const matrix = (size: number): Float64Array[] =>
    Array.from({ length: size }, (_, k) => Float64Array.from({ length: size }, (_, l) => products[k * 4 + l] ?? 0));
  // What is left with the level and the blur only, then with the shift too (Σ r² − wᵀv at the optimum).
  const without = solve(matrix(2), vector.slice(0, 2));
  const full = solve(matrix(4), vector);
  const leftWithout = squares - (without[0] ?? 0) * (vector[0] ?? 0) - (without[1] ?? 0) * (vector[1] ?? 0);
  const leftWith = squares - full.reduce((sum, w, k) => sum + w * (vector[k] ?? 0), 0);
  return {
    dx: full[2] ?? 0,
    dy: full[3] ?? 0,
    explained: leftWithout > 0 ? Math.max(0, (leftWithout - leftWith) / leftWithout) : 0,
    left: Math.sqrt(Math.max(0, leftWithout) / n),
  };
}

/**
 * Cells that moved against the rest of the picture. A copy's cells all shift alike: by what the
 * alignment left, a translation the fit took out and a scale or a turn of well under a pixel at
 * the edges (a crop's window found on the 128 px grid), an affine field over the picture. That
 * field is fitted to the cells' shifts, twice (the second time without the cells that left it:
 * a subject that moved pulls the first fit its way). A cell moved where its shift leaves the field
 * by over MOVED_SHIFT px, explains over MOVED_EXPLAINED of what is left there, and what is left is
 * over the noise floor (NOISE_FLOOR, EXCESS; not the share of contrast: a shift in strong texture
 * stays under it).
 */
function movedCells(shifts: readonly (CellShift | null)[], columns: number, rows: number, skipped: Uint8Array): Uint8Array {
  const at = (cell: number): [number, number] => [
    ((cell % columns) + 0.5) / columns - 0.5,
    (Math.floor(cell / columns) + 0.5) / rows - 0.5,
  ];
  let off = new Uint8Array(shifts.length);
  for (let pass = 0; pass < 2; pass++) {
    const products = new Float64Array(9);
    const alongX = new Float64Array(3);
    const alongY = new Float64Array(3);
    shifts.forEach((shift, cell) => {
      if (!shift || skipped[cell] || off[cell]) return;
      const [u, v] = at(cell);
      const basis = [1, u, v];
      for (let k = 0; k < 3; k++) {
        alongX[k] = (alongX[k] ?? 0) + (basis[k] ?? 0) * shift.dx;
        alongY[k] = (alongY[k] ?? 0) + (basis[k] ?? 0) * shift.dy;
        for (let l = 0; l < 3; l++) products[k * 3 + l] = (products[k * 3 + l] ?? 0) + (basis[k] ?? 0) * (basis[l] ?? 0);
      }
    });
    const matrix = (): Float64Array[] => [0, 1, 2].map((k) => products.slice(k * 3, k * 3 + 3));
    const fx = solve(matrix(), alongX);
    const fy = solve(matrix(), alongY);
    const field = (cell: number): [number, number] => {
      const [u, v] = at(cell);
      return [(fx[0] ?? 0) + (fx[1] ?? 0) * u + (fx[2] ?? 0) * v, (fy[0] ?? 0) + (fy[1] ?? 0) * u + (fy[2] ?? 0) * v];
    };
    off = new Uint8Array(shifts.length);
    shifts.forEach((shift, cell) => {
      if (!shift || skipped[cell]) return;
      const [ex, ey] = field(cell);
      if (Math.hypot(shift.dx - ex, shift.dy - ey) > MOVED_SHIFT) off[cell] = 1;
    });
  }
  const moved = new Uint8Array(shifts.length);
  shifts.forEach((shift, cell) => {
    if (off[cell] && shift && shift.explained > MOVED_EXPLAINED && shift.left > NOISE_FLOOR * EXCESS) moved[cell] = 1;
  });
  return moved;
}

/** Share of the pixels at white or black. */
function clippedShare(gray: Float32Array): number {
  let clipped = 0;
  for (const value of gray) if (value >= 250 || value <= 5) clipped += 1;
  return gray.length > 0 ? clipped / gray.length : 0;
}

/** Mean squared Laplacian: how much fine detail a picture holds. */
function detailEnergy(grid: GrayGrid): number {
  const lap = laplacian(grid.gray, grid.width, grid.height);
  let sum = 0;
  let count = 0;
  forInterior(grid.width, grid.height, (i) => {
    sum += (lap[i] ?? 0) ** 2;
    count += 1;
  });
  return count > 0 ? sum / count : 0;
}

/** `from` through the tone curve that maps it best onto `to`: the mean of `to` at each level of `from`, interpolated. */
export function toneMapped(from: Float32Array, to: Float32Array, use: Uint8Array): Float32Array {
  const sums = new Float64Array(TONE_BINS);
  const levels = new Float64Array(TONE_BINS);
  const counts = new Float64Array(TONE_BINS);
  const binOf = (value: number): number => Math.min(TONE_BINS - 1, Math.max(0, Math.floor(value / (256 / TONE_BINS))));
  for (let i = 0; i < from.length; i++) {
    if (!use[i]) continue;
    const bin = binOf(from[i] ?? 0);
    sums[bin] = (sums[bin] ?? 0) + (to[i] ?? 0);
    levels[bin] = (levels[bin] ?? 0) + (from[i] ?? 0);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let bin = 0; bin < TONE_BINS; bin++) {
    const n = counts[bin] ?? 0;
    if (n < TONE_MIN_PIXELS) continue;
    xs.push((levels[bin] ?? 0) / n);
    ys.push((sums[bin] ?? 0) / n);
  }
  const out = new Float32Array(from.length);
  if (xs.length < 2) {
    // One level only (a flat picture): its mean.
    let mean = 0;
    for (const value of to) mean += value;
    out.fill(to.length > 0 ? mean / to.length : 0);
    return out;
  }
  // The curve tabulated at quarter levels: the pictures' levels are whole or resampled numbers in 0..255.
  const table = new Float32Array(1025);
  for (let k = 0; k < table.length; k++) table[k] = interpolate(xs, ys, k / 4);
  for (let i = 0; i < from.length; i++) {
    const at = Math.min(1024, Math.max(0, (from[i] ?? 0) * 4));
    const k = Math.floor(at);
    const t = at - k;
    out[i] = (table[k] ?? 0) * (1 - t) + (table[Math.min(1024, k + 1)] ?? 0) * t;
  }
  return out;
}

/** Piecewise-linear through (xs, ys), xs increasing; flat beyond the ends. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  const last = xs.length - 1;
  if (x <= (xs[0] ?? 0)) return ys[0] ?? 0;
  if (x >= (xs[last] ?? 0)) return ys[last] ?? 0;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] ?? 0) <= x) lo = mid;
    else hi = mid;
  }
  const x0 = xs[lo] ?? 0;
  const x1 = xs[hi] ?? 0;
  const t = x1 > x0 ? (x - x0) / (x1 - x0) : 0;
  return (ys[lo] ?? 0) * (1 - t) + (ys[hi] ?? 0) * t;
}

/** 4-neighbour Laplacian (borders repeat their edge pixel). */
function laplacian(gray: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(gray.length);
  for (let y = 0; y < height; y++) {
    const up = Math.max(0, y - 1) * width;
    const row = y * width;
    const down = Math.min(height - 1, y + 1) * width;
    for (let x = 0; x < width; x++) {
      const left = Math.max(0, x - 1);
      const right = Math.min(width - 1, x + 1);
      out[row + x] =
        (gray[up + x] ?? 0) + (gray[down + x] ?? 0) + (gray[row + left] ?? 0) + (gray[row + right] ?? 0) - 4 * (gray[row + x] ?? 0);
    }
  }
  return out;
}

/** Gaussian blur, sigma about 1 (kernel 1 4 6 4 1 / 16, separable; borders repeat their edge pixel). */
function blurred(gray: Float32Array, width: number, height: number): Float32Array {
  const across = new Float32Array(gray.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const at = (dx: number): number => gray[row + Math.min(width - 1, Math.max(0, x + dx))] ?? 0;
      across[row + x] =
        x >= 2 && x < width - 2
          ? ((gray[row + x - 2] ?? 0) +
              4 * (gray[row + x - 1] ?? 0) +
              6 * (gray[row + x] ?? 0) +
              4 * (gray[row + x + 1] ?? 0) +
              (gray[row + x + 2] ?? 0)) /
            16
          : (at(-2) + 4 * at(-1) + 6 * at(0) + 4 * at(1) + at(2)) / 16;
    }
  }
  const out = new Float32Array(gray.length);
  for (let y = 0; y < height; y++) {
    const rows = [-2, -1, 0, 1, 2].map((dy) => Math.min(height - 1, Math.max(0, y + dy)) * width);
    const [r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0] = rows;
    for (let x = 0; x < width; x++) {
      out[y * width + x] =
        ((across[r0 + x] ?? 0) +
          4 * (across[r1 + x] ?? 0) +
          6 * (across[r2 + x] ?? 0) +
          4 * (across[r3 + x] ?? 0) +
          (across[r4 + x] ?? 0)) /
        16;
    }
  }
  return out;
}

/** Sobel derivatives along x and y, divided by 8: gray levels per pixel (borders repeat their edge pixel). */
function gradients(gray: Float32Array, width: number, height: number): [Float32Array, Float32Array] {
  const gx = new Float32Array(gray.length);
  const gy = new Float32Array(gray.length);
  for (let y = 0; y < height; y++) {
    const up = Math.max(0, y - 1) * width;
    const row = y * width;
    const down = Math.min(height - 1, y + 1) * width;
    for (let x = 0; x < width; x++) {
      const l = Math.max(0, x - 1);
      const r = Math.min(width - 1, x + 1);
      const ul = gray[up + l] ?? 0;
      const ur = gray[up + r] ?? 0;
      const dl = gray[down + l] ?? 0;
      const dr = gray[down + r] ?? 0;
      gx[row + x] = (ur + 2 * (gray[row + r] ?? 0) + dr - ul - 2 * (gray[row + l] ?? 0) - dl) / 8;
      gy[row + x] = (dl + 2 * (gray[down + x] ?? 0) + dr - ul - 2 * (gray[up + x] ?? 0) - ur) / 8;
    }
  }
  return [gx, gy];
}

/** Weights w minimising Σ (target − base − Σ w·feature)² over the interior. */
function leastSquares(
  features: readonly [Float32Array, Float32Array, Float32Array, Float32Array],
  target: Float32Array,
  base: Float32Array,
  width: number,
  height: number,
  use: Uint8Array,
): number[] {
  // The 4 x 4 normal equations, their 10 distinct sums kept in locals: this loop runs over every pixel.
  const [f0, f1, f2, f3] = features;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  let s22 = 0;
  let s23 = 0;
  let s33 = 0;
  let v0 = 0;
  let v1 = 0;
  let v2 = 0;
  let v3 = 0;
  for (let y = MARGIN; y < height - MARGIN; y++) {
    for (let x = MARGIN; x < width - MARGIN; x++) {
      const i = y * width + x;
      if (!use[i]) continue;
      const left = (target[i] ?? 0) - (base[i] ?? 0);
      const a = f0[i] ?? 0;
      const b = f1[i] ?? 0;
      const c = f2[i] ?? 0;
      const d = f3[i] ?? 0;
      s00 += a * a;
      s01 += a * b;
      s02 += a * c;
      s03 += a * d;
      s11 += b * b;
      s12 += b * c;
      s13 += b * d;
      s22 += c * c;
      s23 += c * d;
      s33 += d * d;
      v0 += a * left;
      v1 += b * left;
      v2 += c * left;
      v3 += d * left;
    }
  }
  const matrix = [
    Float64Array.of(s00, s01, s02, s03),
    Float64Array.of(s01, s11, s12, s13),
    Float64Array.of(s02, s12, s22, s23),
    Float64Array.of(s03, s13, s23, s33),
  ];
  return solve(matrix, Float64Array.of(v0, v1, v2, v3));
}

/** Gaussian elimination with partial pivoting and a small ridge (a flat picture's features are all zero). */
function solve(matrix: Float64Array[], vector: Float64Array): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => {
    const copy = Float64Array.from(row);
    copy[i] = (copy[i] ?? 0) * (1 + 1e-6) + 1e-6;
    return copy;
  });
  const b = Float64Array.from(vector);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = row;
    if (pivot !== col) {
      const row = a[col];
      a[col] = a[pivot] ?? new Float64Array(n);
      a[pivot] = row ?? new Float64Array(n);
      const value = b[col] ?? 0;
      b[col] = b[pivot] ?? 0;
      b[pivot] = value;
    }
    const head = a[col] as Float64Array;
    const diagonal = head[col] ?? 0;
    if (Math.abs(diagonal) < 1e-12) continue;
    for (let row = col + 1; row < n; row++) {
      const line = a[row] as Float64Array;
      const factor = (line[col] ?? 0) / diagonal;
      for (let k = col; k < n; k++) line[k] = (line[k] ?? 0) - factor * (head[k] ?? 0);
      b[row] = (b[row] ?? 0) - factor * (b[col] ?? 0);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    const line = a[row] as Float64Array;
    let sum = b[row] ?? 0;
    for (let k = row + 1; k < n; k++) sum -= (line[k] ?? 0) * (x[k] ?? 0);
    const diagonal = line[row] ?? 0;
    x[row] = Math.abs(diagonal) < 1e-12 ? 0 : sum / diagonal;
  }
  return x;
}

function forInterior(width: number, height: number, visit: (i: number) => void): void {
  for (let y = MARGIN; y < height - MARGIN; y++) for (let x = MARGIN; x < width - MARGIN; x++) visit(y * width + x);
}

function rms(values: Float32Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      sum += (values[y * width + x] ?? 0) ** 2;
      count += 1;
    }
  }
  return count > 0 ? Math.sqrt(sum / count) : 0;
}

function cellStd(values: Float32Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let squares = 0;
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const value = values[y * width + x] ?? 0;
      sum += value;
      squares += value * value;
      count += 1;
    }
  }
  if (count === 0) return 0;
  const mean = sum / count;
  return Math.sqrt(Math.max(0, squares / count - mean * mean));
}
