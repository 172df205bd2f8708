import { pictureQuality, type PictureQuality } from './picture-quality';
import sharp from 'sharp';
import { decodeWorkingCopy } from './working-copy';
import { readPhotoMetadata, type PhotoMetadata } from './exif';
import { openImage } from './image-source';
import { PHASH_INPUT_SIZE, centreHash, perceptualHash, perceptualHashVariants } from './perceptual-hash';
import { encodePixelSignature } from './pixel-signature';
import { resizeArea, resizeBilinearRgb, rgbToGray } from './pixel-resize';

export { WORKING_SIZE } from './working-copy';

export interface DecodedPhoto {
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly orientation: number;
  readonly metadata: PhotoMetadata;
  readonly perceptualHash: string;
  /** Hashes of the 90/180/270-degree rotations and of the mirror image. */
  readonly perceptualHashVariants: readonly string[];
  /** Hash of the picture's middle, without its edges (see `centreHash`). */
  readonly centreHash: string;
  readonly thumbnailWebp: Buffer;
  /** RGB, HWC, `modelInputSize` squared, or null when no model input was asked for. */
  readonly modelInput: Uint8Array | null;
  /** The stored form of the picture's pixel signature (see pixel-signature.ts), or null when it has none. */
  readonly pixelSignature: Uint8Array | null;
  /** Sharpness and exposure of the working copy, for the best-shot suggestion among similar shots. */
  readonly quality: PictureQuality;
}

export interface DecodeOptions {
  /** Side of the square RGB model input to produce (224 for the bundled models); 0 for none. */
  readonly modelInputSize?: number;
}

/**
 * The ONE decode of a photo during indexing: oriented, shrunk on load (JPEG DCT scaling makes a 12 MP
 * JPEG decode at 1/8 size), flattened to RGB at WORKING_SIZE; the thumbnail, the model input, the
 * perceptual hashes and the pixel signature are all derived from that small copy (see
 * working-copy.ts), never from a second decode of the file.
 */
export async function decodePhoto(filePath: string, bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedPhoto> {
  const source = await openImage(filePath, bytes);
  const { image, signature } = await decodeWorkingCopy(filePath, bytes, source);
  const { width, height, data: pixels } = image;
  const modelInputSize = options.modelInputSize ?? 0;
  // The thumbnail encodes on a libuv thread while the small derivatives are computed here.
  const thumbnail = sharp(pixels, { raw: { width, height, channels: 3 } })
    .webp({ quality: 80, effort: 0 })
    .toBuffer();
  const workingGray = rgbToGray(pixels);
  const gray = resizeArea(workingGray, width, height, 1, PHASH_INPUT_SIZE, PHASH_INPUT_SIZE);
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
    centreHash: centreHash(workingGray, width, height),
    thumbnailWebp,
    modelInput,
    pixelSignature: signature ? encodePixelSignature(signature) : null,
    // The best-shot suggestion's measure, on the copy the thumbnail is made of (about 0.3 ms).
    quality: pictureQuality(workingGray, width, height),
  };
}
