import sharp from 'sharp';
import { DecodeError, decodeFailureReason, errorMessage } from '../errors';
import { extensionOf, imageKindOf } from '../scan/image-types';
import { readPhotoMetadata } from './exif';
import { decodeHeic } from './heic';
import { findEmbeddedJpegs } from './raw-preview';

/**
 * Decompression-bomb guard: the largest picture Doppel decodes. 250 megapixels is above any camera
 * on sale (the largest phone sensors are 200 MP) and keeps one decode under ~1 GB of pixels.
 */
export const MAX_INPUT_PIXELS = 250_000_000;

const SHARP_INPUT: sharp.SharpOptions = {
  limitInputPixels: MAX_INPUT_PIXELS,
  // 'error' fails on truncated or broken pixel data but tolerates the harmless warnings that many
  // real cameras' JPEGs trigger (extraneous bytes before a marker, and so on).
  failOn: 'error',
};

/** A file opened for decoding: what it is, and how to get oriented pixels from it. */
export interface ImageSource {
  /** Container/codec: jpeg, png, webp, gif, tiff, heif, avif, or `raw+jpeg` for a RAW file's preview. */
  readonly format: string;
  /** Dimensions after EXIF orientation is applied. */
  readonly width: number;
  readonly height: number;
  /** EXIF orientation (1-8) of the file, 1 when absent. */
  readonly orientation: number;
  /** Whether the pixels carry an alpha channel. */
  readonly hasAlpha: boolean;
  /** Already 8-bit sRGB with three channels: no colour conversion needed. */
  readonly plainRgb: boolean;
  /** A fresh sharp pipeline yielding the picture upright (orientation applied). */
  pipeline(): sharp.Sharp;
}

/** Opens a photo's bytes. Throws DecodeError with a human-readable reason when that is impossible. */
export async function openImage(filePath: string, bytes: Uint8Array): Promise<ImageSource> {
  if (bytes.length === 0) throw new DecodeError(filePath, 'empty file (0 bytes)');
  if (imageKindOf(filePath) === 'raw') return openRawPreview(filePath, bytes);

  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(bytes, SHARP_INPUT).metadata();
  } catch (error) {
    if (isHeifContainer(bytes)) return openHeic(filePath, bytes, error);
    throw new DecodeError(filePath, describeSharpError(error, filePath, bytes), { cause: error });
  }
  if (metadata.format === 'heif' && metadata.compression === 'hevc') return openHeic(filePath, bytes, null);
  return fromSharpMetadata(filePath, metadata, () => sharp(bytes, SHARP_INPUT).rotate());
}

function fromSharpMetadata(filePath: string, metadata: sharp.Metadata, pipeline: () => sharp.Sharp, format?: string): ImageSource {
  const { width, height } = metadata;
  if (!width || !height) throw new DecodeError(filePath, 'image has no dimensions');
  guardPixelCount(filePath, width, height);
  const orientation = metadata.orientation ?? 1;
  const swap = orientation >= 5 && orientation <= 8;
  return {
    format: format ?? normaliseFormat(metadata),
    width: swap ? height : width,
    height: swap ? width : height,
    orientation,
    hasAlpha: metadata.hasAlpha,
    plainRgb: metadata.space === 'srgb' && metadata.channels === 3 && metadata.depth === 'uchar' && !metadata.icc,
    pipeline,
  };
}

/** HEIC/HEIF with HEVC coding (every iPhone photo): sharp's prebuilt libvips lacks HEVC, so libheif (WebAssembly) decodes it. */
async function openHeic(filePath: string, bytes: Uint8Array, sharpError: unknown): Promise<ImageSource> {
  let decoded: Awaited<ReturnType<typeof decodeHeic>>;
  try {
    decoded = await decodeHeic(bytes, MAX_INPUT_PIXELS);
  } catch (error) {
    const reason = decodeFailureReason(error);
    const detail = sharpError ? ` (${describeSharpError(sharpError, filePath)})` : '';
    throw new DecodeError(filePath, `not a readable HEIC/HEIF image: ${reason}${detail}`, { cause: error });
  }
  const { width, height, rgba } = decoded;
  // libheif applies the HEIF rotation/mirror properties itself; the EXIF orientation inside HEIC is
  // informational only and must not be applied a second time.
  return {
    format: 'heic',
    width,
    height,
    orientation: 1,
    hasAlpha: true, // libheif hands over RGBA
    plainRgb: false,
    pipeline: () => sharp(rgba, { raw: { width, height, channels: 4 }, limitInputPixels: MAX_INPUT_PIXELS }),
  };
}

async function openRawPreview(filePath: string, bytes: Uint8Array): Promise<ImageSource> {
  const extension = extensionOf(filePath).toUpperCase();
  for (const preview of findEmbeddedJpegs(bytes)) {
    let metadata: sharp.Metadata;
    try {
      metadata = await sharp(preview, SHARP_INPUT).metadata();
      if (metadata.format !== 'jpeg' || !metadata.width || !metadata.height) continue;
    } catch {
      continue; // a broken candidate: try the next one
    }
    // The RAW's own EXIF (TIFF IFD0) says how the camera was held; the preview usually has none.
    const rawOrientation = (await readPhotoMetadata(bytes)).orientation ?? metadata.orientation ?? 1;
    const oriented = { ...metadata, orientation: rawOrientation };
    return fromSharpMetadata(filePath, oriented, () => orient(sharp(preview, SHARP_INPUT), rawOrientation), 'raw+jpeg');
  }
  throw new DecodeError(filePath, `${extension} RAW files are not supported and this one has no embedded JPEG preview`, {
    unsupported: true,
  });
}

/** Applies an EXIF orientation explicitly (for pixels whose own metadata does not carry it). */
export function orient(pipeline: sharp.Sharp, orientation: number): sharp.Sharp {
  switch (orientation) {
    case 2:
      return pipeline.flop();
    case 3:
      return pipeline.rotate(180);
    case 4:
      return pipeline.flip();
    case 5:
      return pipeline.rotate(90).flop();
    case 6:
      return pipeline.rotate(90);
    case 7:
      return pipeline.rotate(270).flop();
    case 8:
      return pipeline.rotate(270);
    default:
      return pipeline;
  }
}

function guardPixelCount(filePath: string, width: number, height: number): void {
  if (width * height > MAX_INPUT_PIXELS) {
    throw new DecodeError(
      filePath,
      `image is too large to decode safely: ${width}x${height} pixels is over the ${MAX_INPUT_PIXELS / 1e6}-megapixel limit (possible decompression bomb)`,
    );
  }
}

function normaliseFormat(metadata: sharp.Metadata): string {
  if (metadata.format === 'heif') return metadata.compression === 'av1' ? 'avif' : 'heif';
  return metadata.format;
}

/** A JPEG (SOI marker) whose data does not end with the EOI marker, trailing padding aside. */
function isTruncatedJpeg(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  let end = bytes.length;
  while (end > 2 && (bytes[end - 1] === 0x00 || bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end -= 1;
  return !(bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9);
}

/** `ftyp` box with a HEIF brand at offset 4. */
function isHeifContainer(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const boxType = String.fromCharCode(...bytes.subarray(4, 8));
  if (boxType !== 'ftyp') return false;
  const brand = String.fromCharCode(...bytes.subarray(8, 12));
  return ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand);
}

/**
 * Turns libvips' terse messages into reasons a person understands. libvips reports errors through a
 * process-wide buffer, so under concurrent decodes the message can arrive as a bare "Unknown error":
 * the bytes themselves are checked too (a JPEG without its end marker is truncated).
 */
export function describeSharpError(error: unknown, filePath: string, bytes?: Uint8Array): string {
  const message = errorMessage(error);
  const extension = extensionOf(filePath);
  if (bytes && isTruncatedJpeg(bytes)) return 'truncated JPEG (premature end of data)';
  if (/unsupported image format/i.test(message)) {
    return `not a recognised image (the content is not ${extension ? extension.toUpperCase() : 'image'} data)`;
  }
  if (/premature end|truncated|unexpected end|end of file|not enough data|short read/i.test(message)) {
    return `truncated ${extension === 'jpg' || extension === 'jpeg' ? 'JPEG' : 'image'} (premature end of data)`;
  }
  if (/pixel limit/i.test(message)) {
    return `image is too large to decode safely (over the ${MAX_INPUT_PIXELS / 1e6}-megapixel limit; possible decompression bomb)`;
  }
  if (/compression format has not been built in/i.test(message)) return `unsupported compression (${message.trim()})`;
  return `corrupt or unsupported image data (${message.trim()})`;
}
