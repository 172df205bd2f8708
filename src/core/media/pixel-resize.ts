import { assertMinLength } from '../assert';

/**
 * Small resizes of the decoded working copy, done in JavaScript. Making a 224x224 model input or a
 * 32x32 hash input from a 256 px image is ~50k pixels of arithmetic, but a sharp pipeline per output
 * costs 2-3 ms of setup each — a tenth of the photo's whole decode. Area averaging (each output
 * pixel is the mean of the source area it covers, fractional edges weighted) is the fair filter for
 * these mild downscales and is exact for integer ratios.
 */

/** Resizes interleaved 8-bit pixels (`channels` per pixel) to `width` x `height`, ignoring aspect ratio. */
export function resizeArea(
  source: Uint8Array,
  sourceWidth: number,
  sourceHeight: number,
  channels: number,
  width: number,
  height: number,
): Uint8Array {
  // Separable and streamed: each source row is summed across (into `row`), then added with its
  // weights into the one or two output rows it falls in. Nothing of the source's size is allocated,
  // and the scratch rows are reused: this runs once per photo on its 1/8-scale decode (500 x 375),
  // where a per-call intermediate of that size cost more in garbage collection than in arithmetic.
  // Every index read below is in range (source checked here, spans built in range, scratch sized to
  // the loops), so the hot loops read `?? 0` rather than call a check per element.
  assertMinLength(source, sourceWidth * sourceHeight * channels, 'source pixels');
  const xSpans = spansOf(sourceWidth, width);
  const yShares = sharesOf(sourceHeight, height);
  const rowLength = width * channels;
  const row = scratch(0, rowLength);
  const sums = scratch(1, rowLength * height);
  sums.fill(0, 0, rowLength * height);
  for (let y = 0; y < sourceHeight; y++) {
    const sourceRow = y * sourceWidth * channels;
    if (channels === 3) {
      // The common case (RGB), unrolled.
      for (let x = 0, target = 0; x < width; x++, target += 3) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = xSpans.start[x] ?? 0, to = xSpans.start[x + 1] ?? 0; k < to; k++) {
          const weight = xSpans.weight[k] ?? 0;
          const from = sourceRow + (xSpans.index[k] ?? 0) * 3;
          r += (source[from] ?? 0) * weight;
          g += (source[from + 1] ?? 0) * weight;
          b += (source[from + 2] ?? 0) * weight;
        }
        row[target] = r;
        row[target + 1] = g;
        row[target + 2] = b;
      }
    } else {
      for (let x = 0, target = 0; x < width; x++, target += channels) {
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let k = xSpans.start[x] ?? 0, to = xSpans.start[x + 1] ?? 0; k < to; k++) {
            sum += (source[sourceRow + (xSpans.index[k] ?? 0) * channels + c] ?? 0) * (xSpans.weight[k] ?? 0);
          }
          row[target + c] = sum;
        }
      }
    }
    for (let k = yShares.start[y] ?? 0, to = yShares.start[y + 1] ?? 0; k < to; k++) {
      const weight = yShares.weight[k] ?? 0;
      const target = (yShares.index[k] ?? 0) * rowLength;
      for (let i = 0; i < rowLength; i++) sums[target + i] = (sums[target + i] ?? 0) + (row[i] ?? 0) * weight;
    }
  }
  const out = new Uint8Array(rowLength * height);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(255, Math.round(sums[i] ?? 0));
  return out;
}

const scratchBuffers: Float32Array[] = [];

/** A reusable Float32Array of at least `length` (slot 0: one row, slot 1: the output sums). */
function scratch(slot: number, length: number): Float32Array {
  const existing = scratchBuffers[slot];
  if (existing && existing.length >= length) return existing;
  const buffer = new Float32Array(length);
  scratchBuffers[slot] = buffer;
  return buffer;
}

/** Rec. 601 luma of interleaved RGB pixels (what "grayscale" means for the perceptual hash). */
export function rgbToGray(rgb: Uint8Array): Uint8Array {
  const gray = new Uint8Array(rgb.length / 3);
  // 0.299, 0.587 and 0.114 in 16-bit fixed point (they sum to exactly 65536, so white stays 255):
  // integer arithmetic, several times faster than rounding a float per pixel.
  // gray has floor(rgb.length / 3) pixels, so p + 2 < rgb.length.
  for (let i = 0, p = 0; i < gray.length; i++, p += 3) {
    gray[i] = (19595 * (rgb[p] ?? 0) + 38470 * (rgb[p + 1] ?? 0) + 7471 * (rgb[p + 2] ?? 0) + 32768) >>> 16;
  }
  return gray;
}

/** Per output coordinate o: source coordinates index[start[o]..start[o+1]) with weights summing to 1. */
interface Spans {
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly weight: Float32Array;
}

/** Span tables by "source:size": a library has few distinct photo sizes, each resize reuses them. */
const spanCache = new Map<string, { spans: Spans; shares: Spans }>();

function tablesOf(sourceSize: number, size: number): { spans: Spans; shares: Spans } {
  const key = `${sourceSize}:${size}`;
  let tables = spanCache.get(key);
  if (!tables) {
    const forward = spans(sourceSize, size);
    tables = { spans: forward, shares: transpose(forward, sourceSize) };
    if (spanCache.size >= 64) spanCache.clear();
    spanCache.set(key, tables);
  }
  return tables;
}

function spansOf(sourceSize: number, size: number): Spans {
  return tablesOf(sourceSize, size).spans;
}

/** Per source coordinate s: the output coordinates it contributes to, with the same weights. */
function sharesOf(sourceSize: number, size: number): Spans {
  return tablesOf(sourceSize, size).shares;
}

function transpose(forward: Spans, sourceSize: number): Spans {
  const start = new Int32Array(sourceSize + 1);
  for (const s of forward.index) start[s + 1] = (start[s + 1] ?? 0) + 1;
  for (let s = 0; s < sourceSize; s++) start[s + 1] = (start[s + 1] ?? 0) + (start[s] ?? 0);
  const fill = Int32Array.from(start.subarray(0, sourceSize));
  const index = new Int32Array(forward.index.length);
  const weight = new Float32Array(forward.index.length);
  for (let o = 0; o + 1 < forward.start.length; o++) {
    for (let k = forward.start[o] ?? 0; k < (forward.start[o + 1] ?? 0); k++) {
      const s = forward.index[k] ?? 0;
      const at = fill[s] ?? 0;
      fill[s] = at + 1;
      index[at] = o;
      weight[at] = forward.weight[k] ?? 0;
    }
  }
  return { start, index, weight };
}

/** For each output coordinate, the source coordinates it covers and how much of each (normalised). */
function spans(sourceSize: number, size: number): Spans {
  const scale = sourceSize / size;
  const start = new Int32Array(size + 1);
  const index: number[] = [];
  const weight: number[] = [];
  for (let o = 0; o < size; o++) {
    start[o] = index.length;
    const from = o * scale;
    const to = from + scale;
    for (let s = Math.floor(from); s < Math.min(sourceSize, Math.ceil(to)); s++) {
      const covered = Math.min(to, s + 1) - Math.max(from, s);
      if (covered > 1e-9) {
        index.push(s);
        weight.push(covered / scale);
      }
    }
  }
  start[size] = index.length;
  return { start, index: Int32Array.from(index), weight: Float32Array.from(weight) };
}

/**
 * Bilinear resize of interleaved RGB in fixed-point integer arithmetic: for the model input, a mild
 * downscale (the 256 px working copy to 224 x 224) where bilinear matches area averaging and costs
 * a third of it.
 */
export function resizeBilinearRgb(
  source: Uint8Array,
  sourceWidth: number,
  sourceHeight: number,
  width: number,
  height: number,
): Uint8Array {
  // Every index read below is in range (source checked here, taps within the source, sized to
  // their loops), so the hot loop reads `?? 0` rather than call a check per element.
  assertMinLength(source, sourceWidth * sourceHeight * 3, 'source pixels');
  const xs = bilinearTaps(sourceWidth, width);
  const ys = bilinearTaps(sourceHeight, height);
  // Separable: each source row is interpolated across once (into `across`), then pairs of those
  // rows are blended down. Same integer arithmetic as blending the four taps of each pixel.
  const rowLength = width * 3;
  const across = scratchInt32(sourceHeight * rowLength);
  const firstRow = ys.first[0] ?? 0;
  const lastRow = ys.second[height - 1] ?? sourceHeight - 1;
  for (let y = firstRow; y <= lastRow; y++) {
    const sourceRow = y * sourceWidth * 3;
    for (let x = 0, t = y * rowLength; x < width; x++, t += 3) {
      const c0 = sourceRow + (xs.first[x] ?? 0) * 3;
      const c1 = sourceRow + (xs.second[x] ?? 0) * 3;
      const wx1 = xs.weight[x] ?? 0;
      const wx0 = 256 - wx1;
      across[t] = (source[c0] ?? 0) * wx0 + (source[c1] ?? 0) * wx1;
      across[t + 1] = (source[c0 + 1] ?? 0) * wx0 + (source[c1 + 1] ?? 0) * wx1;
      across[t + 2] = (source[c0 + 2] ?? 0) * wx0 + (source[c1 + 2] ?? 0) * wx1;
    }
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0, o = 0; y < height; y++) {
    const top = (ys.first[y] ?? 0) * rowLength;
    const bottom = (ys.second[y] ?? 0) * rowLength;
    const wy1 = ys.weight[y] ?? 0;
    const wy0 = 256 - wy1;
    for (let i = 0; i < rowLength; i++, o++) out[o] = ((across[top + i] ?? 0) * wy0 + (across[bottom + i] ?? 0) * wy1 + 32768) >>> 16;
  }
  return out;
}

let int32Scratch = new Int32Array(0);

/** A reusable Int32Array of at least `length` elements (callers are synchronous, so one suffices). */
function scratchInt32(length: number): Int32Array {
  if (int32Scratch.length < length) int32Scratch = new Int32Array(length);
  return int32Scratch;
}

/** Pixel-centre-aligned source neighbours and the weight (0..256) of the second one. */
function bilinearTaps(sourceSize: number, size: number): { first: Int32Array; second: Int32Array; weight: Int32Array } {
  const first = new Int32Array(size);
  const second = new Int32Array(size);
  const weight = new Int32Array(size);
  const scale = sourceSize / size;
  for (let o = 0; o < size; o++) {
    const position = Math.min(sourceSize - 1, Math.max(0, (o + 0.5) * scale - 0.5));
    const base = Math.floor(position);
    first[o] = base;
    second[o] = Math.min(sourceSize - 1, base + 1);
    weight[o] = Math.round((position - base) * 256);
  }
  return { first, second, weight };
}
