import { createRequire } from 'node:module';
import { DecodeError } from '../errors';

interface HeicImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}
type HeicDecode = (input: { buffer: Uint8Array }) => Promise<HeicImage>;

let heicDecode: HeicDecode | undefined;

/**
 * Decodes the primary image of a HEIC file to RGBA with libheif compiled to WebAssembly.
 *
 * On a damaged file libheif-js says why with `console.log` (stdout) and heic-decode throws only a
 * bare "HEIF processing error". The core does not silence it (it would have to patch the global
 * console under concurrent decodes); under `--json` the CLI sends it to stderr, the log
 * (src/cli/json-stdout.ts).
 */
export async function decodeHeic(bytes: Uint8Array, maxPixels: number): Promise<{ width: number; height: number; rgba: Buffer }> {
  // Loaded lazily: the WebAssembly module costs ~100 ms and most libraries have few HEIC files.
  heicDecode ??= createRequire(import.meta.url)('heic-decode') as HeicDecode;
  const image = await heicDecode({ buffer: bytes });
  if (image.width * image.height > maxPixels) {
    throw new DecodeError('HEIC', `${image.width}x${image.height} pixels is over the decode limit`);
  }
  return {
    width: image.width,
    height: image.height,
    rgba: Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength),
  };
}
