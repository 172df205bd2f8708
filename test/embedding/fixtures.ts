import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { elementAt } from '../helpers/defined';

export const DARKNET_DIR = '/usr/share/darknet/data';
export const DARKNET_PHOTOS = ['dog', 'eagle', 'giraffe', 'horses', 'kite', 'person', 'scream'].map((name) => `${DARKNET_DIR}/${name}.jpg`);
/** Real photos ship with Debian's darknet package; tests that need them are skipped without it. */
// On CI setup installs darknet, so the photo tests must run there (a missing package fails them).
export const hasDarknetPhotos = DARKNET_PHOTOS.every((path) => existsSync(path)) || Boolean(process.env.CI);

/** A photo as the decode pipeline hands it over: `size` x `size`, RGB, uint8, row-major. */
export async function decodeRgb(path: string, size = 224): Promise<Uint8Array> {
  const pixels = await sharp(path).removeAlpha().toColourspace('srgb').resize(size, size, { fit: 'fill' }).raw().toBuffer();
  return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
}

/** Deterministic pseudo-random RGB image (no two seeds alike). */
export function noiseImage(seed: number, size = 224): Uint8Array {
  const pixels = new Uint8Array(size * size * 3);
  let state = seed >>> 0;
  for (let i = 0; i < pixels.length; i += 1) {
    state = (state * 1664525 + 1013904223) >>> 0;
    pixels[i] = state >>> 24;
  }
  return pixels;
}

/** Smooth synthetic picture: a colour gradient with a bright disc, different per seed. */
export function gradientImage(seed: number, size = 224): Uint8Array {
  const pixels = new Uint8Array(size * size * 3);
  const cx = (seed * 37) % size;
  const cy = (seed * 91) % size;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const at = (y * size + x) * 3;
      const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < (size / 5) ** 2;
      pixels[at] = inDisc ? 250 : (x * 255) / size;
      pixels[at + 1] = inDisc ? 240 : ((y + seed * 13) * 255) / size;
      pixels[at + 2] = inDisc ? 30 : (seed * 53) % 256;
    }
  }
  return pixels;
}

/** Inner product of two vectors of the same length. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`Cannot take the dot product of vectors of length ${a.length} and ${b.length}`);
  return a.reduce((sum, value, i) => sum + value * elementAt(b, i, 'second vector'), 0);
}

export function l2norm(values: Float32Array): number {
  return Math.sqrt(dot(values, values));
}

export function rowOf(vectors: Float32Array, row: number, dim: number): Float32Array {
  return vectors.subarray(row * dim, (row + 1) * dim);
}
