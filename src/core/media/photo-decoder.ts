import sharp from 'sharp';
import { DecodeError } from '../errors';
import { readPhotoMetadata, type PhotoMetadata } from './exif';
import { openImage, describeSharpError } from './image-source';
import { PHASH_INPUT_SIZE, perceptualHash, perceptualHashVariants } from './perceptual-hash';
import { resizeArea, resizeBilinearRgb, rgbToGray } from './pixel-resize';

/** Long edge of the working copy every derivative is made from, and of the stored thumbnail. */
export const WORKING_SIZE = 256;

export interface DecodedPhoto {
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly orientation: number;
  readonly metadata: PhotoMetadata;
  readonly perceptualHash: string;
  /** Hashes of the 90/180/270-degree rotations and of the mirror image. */
  readonly perceptualHashVariants: readonly string[];
  readonly thumbnailWebp: Buffer;
  /** RGB, HWC, `modelInputSize` squared, or null when no model input was asked for. */
  readonly modelInput: Uint8Array | null;
}

export interface DecodeOptions {
  /** Side of the square RGB model input to produce (224 for the bundled models); 0 for none. */
  readonly modelInputSize?: number;
}

/**
 * The ONE decode of a photo during indexing: oriented, shrunk on load (JPEG DCT scaling makes a 12 MP
 * JPEG decode at 1/8 size), flattened to RGB at WORKING_SIZE; the thumbnail, the model input and the
 * perceptual hashes are all derived from that small copy, never from a second decode of the file.
 */
export async function decodePhoto(filePath: string, bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedPhoto> {
  const source = await openImage(filePath, bytes);
  let working: { data: Buffer; info: sharp.OutputInfo };
  try {
    let pipeline = source.pipeline().resize({ width: WORKING_SIZE, height: WORKING_SIZE, fit: 'inside', withoutEnlargement: true });
    // Transparent pictures go on white, as a viewer shows them; opaque ones skip the extra pass.
    if (source.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' }).removeAlpha();
    if (!source.plainRgb) pipeline = pipeline.toColourspace('srgb'); // CMYK, grayscale, 16-bit, ICC-tagged
    working = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new DecodeError(filePath, describeSharpError(error, filePath, bytes), { cause: error });
  }
  const { width, height, channels } = working.info;
  if (channels !== 3) throw new DecodeError(filePath, `unexpected pixel layout after decoding (${channels} channels)`);
  const modelInputSize = options.modelInputSize ?? 0;
  // The thumbnail encodes on a libuv thread while the small derivatives are computed here.
  const thumbnail = sharp(working.data, { raw: { width, height, channels } }).webp({ quality: 80, effort: 0 }).toBuffer();
  const pixels = new Uint8Array(working.data.buffer, working.data.byteOffset, working.data.byteLength);
  const gray = resizeArea(rgbToGray(pixels), width, height, 1, PHASH_INPUT_SIZE, PHASH_INPUT_SIZE);
  const modelInput = modelInputSize > 0 ? resizeBilinearRgb(pixels, width, height, modelInputSize, modelInputSize) : null;
  const [thumbnailWebp, metadata] = await Promise.all([thumbnail, readPhotoMetadata(bytes)]);
  return {
    format: source.format,
    width: source.width,
    height: source.height,
    orientation: source.orientation,
    metadata,
    perceptualHash: perceptualHash(gray),
    perceptualHashVariants: perceptualHashVariants(gray),
    thumbnailWebp,
    modelInput,
  };
}
