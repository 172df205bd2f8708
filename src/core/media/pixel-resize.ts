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
  // Separable: rows first (sourceHeight x width), then columns; each pass is a weighted sum over
  // contiguous runs, with the channel loop innermost so memory is read in order. Every index read
  // below is in range (source checked here, spans built in range, passes sized to their loops), so
  // the hot loops read `?? 0` rather than call a check per element.
  assertMinLength(source, sourceWidth * sourceHeight * channels, 'source pixels');
  const xSpans = spans(sourceWidth, width);
  const ySpans = spans(sourceHeight, height);
  const rowPass = new Float32Array(sourceHeight * width * channels);
  for (let y = 0; y < sourceHeight; y++) {
    const sourceRow = y * sourceWidth * channels;
    let target = y * width * channels;
    for (let x = 0; x < width; x++, target += channels) {
      if (channels === 3) {
        // The common case (RGB), unrolled: this loop runs ~400k times per photo.
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
        rowPass[target] = r;
        rowPass[target + 1] = g;
        rowPass[target + 2] = b;
        continue;
      }
      for (let k = xSpans.start[x] ?? 0, to = xSpans.start[x + 1] ?? 0; k < to; k++) {
        const weight = xSpans.weight[k] ?? 0;
        const from = sourceRow + (xSpans.index[k] ?? 0) * channels;
        for (let c = 0; c < channels; c++) rowPass[target + c] = (rowPass[target + c] ?? 0) + (source[from + c] ?? 0) * weight;
      }
    }
  }
  const rowLength = width * channels;
  const columnPass = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const target = y * rowLength;
    for (let k = ySpans.start[y] ?? 0, to = ySpans.start[y + 1] ?? 0; k < to; k++) {
      const weight = ySpans.weight[k] ?? 0;
      const from = (ySpans.index[k] ?? 0) * rowLength;
      for (let i = 0; i < rowLength; i++) columnPass[target + i] = (columnPass[target + i] ?? 0) + (rowPass[from + i] ?? 0) * weight;
    }
  }
  const out = new Uint8Array(columnPass.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(255, Math.round(columnPass[i] ?? 0));
  return out;
}

/** Rec. 601 luma of interleaved RGB pixels (what "grayscale" means for the perceptual hash). */
export function rgbToGray(rgb: Uint8Array): Uint8Array {
  const gray = new Uint8Array(rgb.length / 3);
  // gray has floor(rgb.length / 3) pixels, so p + 2 < rgb.length.
  for (let i = 0, p = 0; i < gray.length; i++, p += 3) {
    gray[i] = Math.round(0.299 * (rgb[p] ?? 0) + 0.587 * (rgb[p + 1] ?? 0) + 0.114 * (rgb[p + 2] ?? 0));
  }
  return gray;
}

/** Per output coordinate o: source coordinates index[start[o]..start[o+1]) with weights summing to 1. */
interface Spans {
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly weight: Float32Array;
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
  const out = new Uint8Array(width * height * 3);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const row0 = (ys.first[y] ?? 0) * sourceWidth * 3;
    const row1 = (ys.second[y] ?? 0) * sourceWidth * 3;
    const wy1 = ys.weight[y] ?? 0;
    const wy0 = 256 - wy1;
    for (let x = 0; x < width; x++) {
      const c0 = (xs.first[x] ?? 0) * 3;
      const c1 = (xs.second[x] ?? 0) * 3;
      const wx1 = xs.weight[x] ?? 0;
      const wx0 = 256 - wx1;
      for (let c = 0; c < 3; c++) {
        const top = (source[row0 + c0 + c] ?? 0) * wx0 + (source[row0 + c1 + c] ?? 0) * wx1;
        const bottom = (source[row1 + c0 + c] ?? 0) * wx0 + (source[row1 + c1 + c] ?? 0) * wx1;
        out[o++] = (top * wy0 + bottom * wy1 + 32768) >>> 16;
      }
    }
  }
  return out;
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
