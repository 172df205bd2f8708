import { createHash } from 'node:crypto';
import { DecodeError } from '../errors';
import { describeSharpError, openImage } from './image-source';

/**
 * SHA-256 of the fully decoded, upright, 8-bit sRGB pixels (alpha dropped when fully opaque), with
 * the dimensions: equal for files showing exactly the same picture in different containers (a PNG
 * export of a JPEG, a JPEG with edited metadata). Full-resolution decoding is expensive, so the
 * indexer only asks for it when a cheap signature collides.
 */
export async function pixelHashOf(filePath: string, bytes: Uint8Array): Promise<string> {
  const source = await openImage(filePath, bytes);
  let decoded: { data: Buffer; info: import('sharp').OutputInfo };
  try {
    decoded = await source.pipeline().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new DecodeError(filePath, describeSharpError(error, filePath, bytes), { cause: error });
  }
  const { width, height, channels } = decoded.info;
  let pixels = decoded.data;
  let outChannels = channels;
  if ((channels === 4 || channels === 2) && isFullyOpaque(pixels, channels)) {
    pixels = dropAlpha(pixels, channels);
    outChannels = channels - 1;
  }
  return createHash('sha256').update(`${width}x${height}x${outChannels}:`).update(pixels).digest('hex');
}

function isFullyOpaque(pixels: Buffer, channels: number): boolean {
  for (let i = channels - 1; i < pixels.length; i += channels) if (pixels[i] !== 255) return false;
  return true;
}

function dropAlpha(pixels: Buffer, channels: number): Buffer {
  const colour = channels - 1;
  const out = Buffer.allocUnsafe((pixels.length / channels) * colour);
  for (let i = 0, o = 0; i < pixels.length; i += channels) {
    for (let c = 0; c < colour; c++) out[o++] = pixels[i + c] ?? 0;
  }
  return out;
}
