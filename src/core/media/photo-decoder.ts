import sharp from 'sharp';
import { DecodeError } from '../errors';
import { readPhotoMetadata, type PhotoMetadata } from './exif';
import { openImage, describeSharpError } from './image-source';
import { PHASH_INPUT_SIZE, perceptualHash, perceptualHashVariants } from './perceptual-hash';

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
    working = await source
      .pipeline()
      .resize({ width: WORKING_SIZE, height: WORKING_SIZE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new DecodeError(filePath, describeSharpError(error, filePath, bytes), { cause: error });
  }
  const raw = { raw: { width: working.info.width, height: working.info.height, channels: working.info.channels } } as const;
  const modelInputSize = options.modelInputSize ?? 0;
  const [thumbnailWebp, gray, modelInput, metadata] = await Promise.all([
    sharp(working.data, raw).webp({ quality: 80, effort: 2 }).toBuffer(),
    sharp(working.data, raw).resize(PHASH_INPUT_SIZE, PHASH_INPUT_SIZE, { fit: 'fill' }).grayscale().raw().toBuffer(),
    modelInputSize > 0
      ? sharp(working.data, raw).resize(modelInputSize, modelInputSize, { fit: 'fill' }).raw().toBuffer()
      : Promise.resolve(null),
    readPhotoMetadata(bytes),
  ]);
  return {
    format: source.format,
    width: source.width,
    height: source.height,
    orientation: source.orientation,
    metadata,
    perceptualHash: perceptualHash(gray),
    perceptualHashVariants: perceptualHashVariants(gray),
    thumbnailWebp,
    modelInput: modelInput ? new Uint8Array(modelInput.buffer, modelInput.byteOffset, modelInput.byteLength) : null,
  };
}
