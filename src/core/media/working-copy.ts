import sharp from 'sharp';
import { DecodeError } from '../errors';
import { describeSharpError, type ImageSource } from './image-source';
import type { PixelSignature, PixelSignatureKind } from './pixel-signature';
import { signatureFromBlockSums, signatureFromWorkingCopy, type BlockSums } from './signature-grid';

/** Long edge of the working copy every derivative is made from, and of the stored thumbnail. */
export const WORKING_SIZE = 256;

/**
 * Pictures of other formats than JPEG are decoded in full and averaged over 8x8 blocks in
 * JavaScript. Above this the raw pixels (3 bytes each) would weigh too much per decode in flight:
 * sharp shrinks them as it decodes, and they get no pixel signature.
 */
const EXACT_MAX_PIXELS = 30_000_000;

/**
 * sharp decodes a JPEG at 1/8 scale (each pixel the mean of an 8x8 block, from its DC term) only
 * when the picture shrinks by 9 or more: from 2304 px on the long edge for the working copy.
 */
const DC_SCALE_MIN_LONG_EDGE = 9 * WORKING_SIZE;

/** Upright 8-bit RGB pixels, row-major. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface WorkingCopy {
  /** The picture shrunk (never enlarged) to fit WORKING_SIZE, on white where it was transparent. */
  readonly image: RgbImage;
  /** Null for a picture of another format than JPEG over 30 megapixels. */
  readonly signature: PixelSignature | null;
}

/** Working-copy size: the picture fitted inside WORKING_SIZE, as sharp's `fit: 'inside'` rounds it. */
export function workingSize(width: number, height: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= WORKING_SIZE) return { width, height };
  return { width: Math.max(1, Math.round((width * WORKING_SIZE) / long)), height: Math.max(1, Math.round((height * WORKING_SIZE) / long)) };
}

const FIT_WORKING_SIZE: sharp.ResizeOptions = { width: WORKING_SIZE, height: WORKING_SIZE, fit: 'inside', withoutEnlargement: true };

/**
 * The ONE decode of a photo, with its pixel signature (see pixel-signature.ts):
 * - a JPEG is decoded straight to the working copy, shrunk on load by its DCT (the cheapest decode
 *   there is), and its signature is read off the working copy;
 * - any other format is decoded in full, averaged over 8x8 blocks, and the block means are shrunk
 *   to the working copy by the very resize a JPEG's 1/8-scale decode goes through: the same
 *   pixels in a JPEG and in a PNG then give working copies that differ only by rounding.
 */
export async function decodeWorkingCopy(filePath: string, bytes: Uint8Array, source: ImageSource): Promise<WorkingCopy> {
  const { width, height } = source;
  if (source.format === 'jpeg' || source.format === 'raw+jpeg' || width * height > EXACT_MAX_PIXELS) {
    const image = await decode(filePath, bytes, source, source.pipeline().resize(FIT_WORKING_SIZE));
    const kind = jpegKind(source);
    return { image, signature: kind ? signatureFromWorkingCopy(kind, image, null) : null };
  }
  const full = await decode(filePath, bytes, source, source.pipeline());
  const blocks = blockSums(full);
  const long = Math.max(width, height);
  if (width % 8 === 0 && height % 8 === 0 && long >= DC_SCALE_MIN_LONG_EDGE) {
    // As a JPEG of this size would be: block means (its 1/8-scale decode), then the same resize.
    const means = { data: blockMeans(blocks), width: width / 8, height: height / 8 };
    const image = await shrink(filePath, means);
    return {
      image,
      signature: signatureFromWorkingCopy('block-means', image, { blocks, blockColumns: means.width, blockRows: means.height }),
    };
  }
  const image = long <= WORKING_SIZE ? full : await shrink(filePath, full);
  return { image, signature: signatureFromBlockSums('exact', width, height, blocks) };
}

/** The signature kind of a JPEG decoded to its working copy; null when it has none. */
function jpegKind(source: ImageSource): PixelSignatureKind | null {
  if (source.format === 'raw+jpeg') return 'raw-preview';
  if (source.format !== 'jpeg') return null;
  const { width, height } = source;
  const dcScaled = Math.max(width, height) >= DC_SCALE_MIN_LONG_EDGE && width % 8 === 0 && height % 8 === 0;
  return dcScaled && source.plainRgb ? 'jpeg-dc' : 'jpeg';
}

async function decode(filePath: string, bytes: Uint8Array, source: ImageSource, pipeline: sharp.Sharp): Promise<RgbImage> {
  // Transparent pictures go on white, as a viewer shows them; opaque ones skip the extra pass.
  if (source.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' }).removeAlpha();
  if (!source.plainRgb) pipeline = pipeline.toColourspace('srgb'); // CMYK, grayscale, 16-bit, ICC-tagged
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    decoded = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new DecodeError(filePath, describeSharpError(error, filePath, bytes), { cause: error });
  }
  const { channels, width, height } = decoded.info;
  if (channels !== 3) throw new DecodeError(filePath, `unexpected pixel layout after decoding (${channels} channels)`);
  return { data: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), width, height };
}

/** Raw pixels shrunk to fit WORKING_SIZE by sharp (the resize its JPEG decode applies after shrink-on-load). */
async function shrink(filePath: string, image: RgbImage): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(FIT_WORKING_SIZE)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (error) {
    throw new DecodeError(filePath, `cannot shrink the decoded picture (${describeSharpError(error, filePath)})`, { cause: error });
  }
}

/**
 * Sums of R, G, B over each 8x8 block of a full decode (edge blocks may be partial), the pixel
 * count of each block, and which blocks have a channel at 0 or 255 (where a JPEG's full decode
 * clamps, and its DC terms do not).
 */
export function blockSums(image: RgbImage): BlockSums {
  const { data, width, height } = image;
  const blockColumns = Math.ceil(width / 8);
  const blockRows = Math.ceil(height / 8);
  const sums = new Float64Array(blockColumns * blockRows * 3);
  const counts = new Float64Array(blockColumns * blockRows);
  const clipped = new Uint8Array(blockColumns * blockRows);
  // Row by row, so the pixels are read in memory order; a row adds into one row of blocks.
  for (let y = 0; y < height; y++) {
    const blockRow = (y >> 3) * blockColumns;
    let p = y * width * 3;
    for (let bx = 0; bx < blockColumns; bx++) {
      const end = Math.min(width, (bx + 1) * 8);
      let r = 0;
      let g = 0;
      let b = 0;
      let extreme = 0;
      for (let x = bx * 8; x < end; x++, p += 3) {
        const red = data[p] ?? 0;
        const green = data[p + 1] ?? 0;
        const blue = data[p + 2] ?? 0;
        r += red;
        g += green;
        b += blue;
        // 0 or 255 in any channel: (v + 1) & 0xff is 0 or 1 for those two values only.
        extreme |= (((red + 1) & 0xff) <= 1 ? 1 : 0) | (((green + 1) & 0xff) <= 1 ? 1 : 0) | (((blue + 1) & 0xff) <= 1 ? 1 : 0);
      }
      const block = blockRow + bx;
      sums[block * 3] = (sums[block * 3] ?? 0) + r;
      sums[block * 3 + 1] = (sums[block * 3 + 1] ?? 0) + g;
      sums[block * 3 + 2] = (sums[block * 3 + 2] ?? 0) + b;
      counts[block] = (counts[block] ?? 0) + (end - bx * 8);
      if (extreme) clipped[block] = 1;
    }
  }
  return { sums, counts, clipped };
}

/** The image of block means (one RGB pixel per block), rounded to 8 bits as a JPEG's DC decode is. */
function blockMeans(blocks: BlockSums): Uint8Array {
  const { sums, counts } = blocks;
  const means = new Uint8Array(sums.length);
  for (let block = 0; block < counts.length; block++) {
    const count = Math.max(1, counts[block] ?? 0);
    for (let c = 0; c < 3; c++) means[block * 3 + c] = Math.round((sums[block * 3 + c] ?? 0) / count);
  }
  return means;
}
