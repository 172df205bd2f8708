import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLibrary, drawScene, realPhotoPaths, sharpOf, writeBenchPhotos, type LibraryManifest } from './fixtures';

const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

async function uprightPixels(path: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(path).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** 64-bit average hash over a 8x8 grayscale thumbnail: enough to tell pictures apart. */
async function averageHash(image: sharp.Sharp): Promise<bigint> {
  const pixels = await image.grayscale().resize(8, 8, { fit: 'fill' }).raw().toBuffer();
  const mean = pixels.reduce((sum, value) => sum + value, 0) / pixels.length;
  return [...pixels].reduce((hash, value) => (hash << 1n) | (value > mean ? 1n : 0n), 0n);
}

const hamming = (a: bigint, b: bigint): number => Array.from((a ^ b).toString(2)).filter((bit) => bit === '1').length;

function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

let tmp: string;
let library: LibraryManifest;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'doppel-fixtures-'));
  library = await buildLibrary(join(tmp, 'library'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('drawScene', () => {
  it('should render the same pixels for the same seed', async () => {
    const [first, second] = await Promise.all([drawScene(7, 320, 240), drawScene(7, 320, 240)]);
    expect(first.data.equals(second.data)).toBe(true);
  });

  it('should give distinct seeds clearly different perceptual hashes', async () => {
    const hashes = await Promise.all(Array.from({ length: 12 }, async (_, seed) => averageHash(sharpOf(await drawScene(seed, 320, 240)))));
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) expect(hamming(hashes[i] ?? 0n, hashes[j] ?? 0n)).toBeGreaterThan(8);
    }
  });
});

describe('writeBenchPhotos', () => {
  it('should write distinct 12 MP JPEGs with camera EXIF', async () => {
    const paths = await writeBenchPhotos(join(tmp, 'bench'), 2, 1);
    const metadata = await sharp(paths[0]).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['jpeg', 4000, 3000]);
    expect((await stat(paths[0] ?? '')).size).toBeGreaterThan(1_000_000);
    expect(await sha256(paths[0] ?? '')).not.toBe(await sha256(paths[1] ?? ''));
    expect(await exifr.parse(paths[0] ?? '', ['Model'])).toMatchObject({ Model: 'Bench Camera 12MP' });
  });
});

describe('buildLibrary', () => {
  it('should copy the real darknet photos', () => {
    expect(realPhotoPaths().length).toBeGreaterThanOrEqual(7);
    expect(library.realPhotos).toHaveLength(realPhotoPaths().length);
  });

  it('should make every exact group byte-identical', async () => {
    for (const group of library.exactGroups) {
      const hashes = new Set(await Promise.all(group.map(sha256)));
      expect(hashes.size, group.join(', ')).toBe(1);
    }
  });

  it('should make pixel groups differ in bytes but decode to identical upright pixels', async () => {
    for (const group of library.pixelGroups) {
      expect(new Set(await Promise.all(group.map(sha256))).size).toBe(group.length);
      const decodable = group.filter((path) => path !== library.raw.withPreview);
      const [reference, ...others] = await Promise.all(decodable.map(uprightPixels));
      for (const [i, other] of others.entries()) {
        expect(other.width, decodable[i + 1]).toBe(reference?.width);
        expect(other.data.equals(reference?.data ?? Buffer.alloc(0)), decodable[i + 1]).toBe(true);
      }
    }
  });

  it('should embed the twin JPEG byte for byte as the CR2 preview, where EXIF readers find it', async () => {
    const cr2 = await readFile(library.raw.withPreview);
    const twin = await readFile(library.raw.previewTwin);
    expect(cr2.indexOf(twin)).toBeGreaterThan(0);
    const thumbnail = await exifr.thumbnail(cr2);
    expect(Buffer.from(thumbnail ?? new Uint8Array()).equals(twin)).toBe(true);
    expect(await exifr.parse(cr2, ['Make'])).toMatchObject({ Make: 'Canon' });
  });

  it('should store each EXIF orientation so that applying it shows the same upright picture', async () => {
    const upright = await uprightPixels(library.orientation.files[0]?.path ?? '');
    const decoded = await Promise.all(library.orientation.files.map((file) => uprightPixels(file.path)));
    for (const [i, file] of library.orientation.files.entries()) {
      const metadata = await sharp(file.path).metadata();
      expect([metadata.orientation, metadata.width, metadata.height]).toEqual([file.orientation, file.storedWidth, file.storedHeight]);
      const pixels = decoded[i];
      expect([pixels?.width, pixels?.height]).toEqual([library.orientation.uprightWidth, library.orientation.uprightHeight]);
      expect(meanAbsoluteDifference(pixels?.data ?? Buffer.alloc(0), upright.data)).toBeLessThan(3);
      for (const other of decoded.slice(i + 1)) expect(other.data.equals(pixels?.data ?? Buffer.alloc(0))).toBe(false);
    }
  });

  it('should write EXIF Make, Model and DateTimeOriginal', async () => {
    const tags = (await exifr.parse(library.exif.path, ['Make', 'Model', 'DateTimeOriginal'])) as Record<string, unknown> | undefined;
    expect(tags).toMatchObject({ Make: library.exif.make, Model: library.exif.model });
    expect(tags?.DateTimeOriginal).toBeInstanceOf(Date);
  });

  it('should write an HEVC HEIC that the prebuilt sharp cannot decode', async () => {
    const heic = await readFile(library.formats.heic);
    expect(heic.toString('latin1', 4, 12)).toBe('ftypheic');
    await expect(sharp(heic).raw().toBuffer()).rejects.toThrow();
  });

  it('should write the other formats so that sharp decodes them', async () => {
    const formats = await Promise.all(
      [library.formats.avif, library.formats.gif, library.formats.tiff, library.formats.webp].map(
        async (path) => (await sharp(path).metadata()).format,
      ),
    );
    expect(formats).toEqual(['heif', 'gif', 'tiff', 'webp']);
  });

  it('should write a decompression bomb that is tiny on disk but declares 40000 x 40000', async () => {
    const bomb = library.errors.find((error) => error.kind === 'decompression-bomb')?.path ?? '';
    expect((await stat(bomb)).size).toBeLessThan(200);
    const metadata = await sharp(bomb, { limitInputPixels: false }).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['png', 40_000, 40_000]);
    await expect(sharp(bomb).raw().toBuffer()).rejects.toThrow(/pixel limit/);
  });

  it('should write bad files that sharp cannot decode', async () => {
    for (const { path, kind } of library.errors) {
      await expect(sharp(path).raw().toBuffer(), `${kind} ${path}`).rejects.toThrow();
    }
    const empty = library.errors.find((error) => error.kind === 'empty')?.path ?? '';
    expect((await stat(empty)).size).toBe(0);
  });

  it('should list every image once and keep groups, singles and errors disjoint', () => {
    const listed = [
      ...library.exactGroups.flat(),
      ...library.pixelGroups.flat(),
      ...library.nearGroups.flatMap((group) => group.files),
      ...library.singles,
    ];
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(library.decodable);
    expect(library.images).toHaveLength(library.decodable.length + library.errors.length);
  });

  it('should hide one image and make a symlink loop to the root', async () => {
    expect(library.skipped.every((path) => path.includes('/.hidden/'))).toBe(true);
    expect((await lstat(library.symlinkLoop)).isSymbolicLink()).toBe(true);
    expect(await readlink(library.symlinkLoop)).toBe('..');
    expect((await stat(library.hardLinks[0]?.[0] ?? '')).nlink).toBe(2);
  });
});
