/**
 * Large previews for the compare view: rendered once from an indexed photo (upright, at most 2048 px),
 * then served from the library's `previews/` cache; nothing outside the index is ever read.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { fakeCr2, sharpOf, storedForOrientation, writeScene, type RawImage } from '../fixtures';
import { tempDir } from '../helpers/cli';
import { defined } from '../helpers/defined';

let work: string;
let photos: string;
let doppel: Doppel;

const BLUE = { r: 32, g: 32, b: 208 };
const RED = { r: 208, g: 32, b: 32 };

/** 4000x3000, upright: a blue top-left quarter on red, so a wrong rotation or mirror shows. */
async function uprightPicture(): Promise<RawImage> {
  const width = 4000;
  const height = 3000;
  const data = await sharp({ create: { width, height, channels: 3, background: RED } })
    .composite([{ input: { create: { width: width / 2, height: height / 2, channels: 3, background: BLUE } }, left: 0, top: 0 }])
    .removeAlpha() // composite adds one
    .raw()
    .toBuffer();
  return { data, width, height, channels: 3 };
}

async function pixelAt(file: string, x: number, y: number): Promise<{ r: number; g: number; b: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return { r: defined(data[offset], 'red'), g: defined(data[offset + 1], 'green'), b: defined(data[offset + 2], 'blue') };
}

function closeTo(actual: { r: number; g: number; b: number }, expected: { r: number; g: number; b: number }): boolean {
  return Math.abs(actual.r - expected.r) < 24 && Math.abs(actual.g - expected.g) < 24 && Math.abs(actual.b - expected.b) < 24;
}

beforeAll(async () => {
  work = tempDir('preview');
  photos = path.join(work, 'photos');
  fs.mkdirSync(photos, { recursive: true });
  // Stored sideways with EXIF orientation 6 (rotate 90° clockwise to view), as a phone held upright writes it.
  await sharpOf(storedForOrientation(await uprightPicture(), 6))
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toFile(path.join(photos, 'portrait o6.jpg'));
  await writeScene(path.join(photos, 'small.jpg'), 11, { width: 640, height: 480 });
  await writeScene(path.join(photos, 'cached.jpg'), 12, { width: 800, height: 600 });
  await writeScene(path.join(photos, 'changed.jpg'), 13, { width: 800, height: 600 });
  const rawPreview = await sharpOf(await uprightPicture())
    .jpeg({ quality: 80 })
    .toBuffer();
  fs.writeFileSync(path.join(photos, 'camera.cr2'), fakeCr2(rawPreview, 4000, 3000));
  doppel = await Doppel.open({ libraryDir: path.join(work, 'library'), withoutSimilarity: true });
  const report = await doppel.index([photos]);
  expect(report.errors).toEqual([]);
});

afterAll(async () => {
  await doppel.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('photo previews', () => {
  it('should render a 4000x3000 photo with EXIF orientation 6 upright, 2048 px on its long side', async () => {
    const preview = defined(await doppel.previewPath(path.join(photos, 'portrait o6.jpg')), 'preview');
    expect(path.dirname(preview)).toBe(path.join(work, 'library', 'previews'));
    const metadata = await sharp(preview).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 2048, height: 1536 });
    expect(metadata.orientation).toBeUndefined(); // pixels already upright: no viewer may rotate them again
    expect(closeTo(await pixelAt(preview, 100, 100), BLUE)).toBe(true);
    expect(closeTo(await pixelAt(preview, 1948, 100), RED)).toBe(true);
    expect(closeTo(await pixelAt(preview, 100, 1436), RED)).toBe(true);
  });

  it('should never enlarge a photo smaller than a preview', async () => {
    const preview = defined(await doppel.previewPath(path.join(photos, 'small.jpg')), 'preview');
    expect(await sharp(preview).metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 480 });
  });

  it('should render the embedded preview of a RAW file', async () => {
    const preview = defined(await doppel.previewPath(path.join(photos, 'camera.cr2')), 'preview');
    expect(await sharp(preview).metadata()).toMatchObject({ format: 'jpeg', width: 2048, height: 1536 });
  });

  it('should serve the cached preview the second time without reading the photo again', async () => {
    const photo = path.join(photos, 'cached.jpg');
    const first = defined(await doppel.previewPath(photo), 'first preview');
    const firstBytes = fs.readFileSync(first);
    // Other pixels under the same path: a second decode would notice the change (and give null).
    await writeScene(photo, 99, { width: 800, height: 600 });
    const second = await doppel.previewPath(photo);
    expect(second).toBe(first);
    expect(fs.readFileSync(defined(second, 'second preview')).equals(firstBytes)).toBe(true);
  });

  it('should give null for a file that changed since it was indexed, and cache nothing for it', async () => {
    const previewsBefore = fs.readdirSync(path.join(work, 'library', 'previews')).length;
    await writeScene(path.join(photos, 'changed.jpg'), 98, { width: 800, height: 600 });
    expect(await doppel.previewPath(path.join(photos, 'changed.jpg'))).toBeNull();
    expect(fs.readdirSync(path.join(work, 'library', 'previews'))).toHaveLength(previewsBefore);
  });

  it('should give null for paths the library did not index', async () => {
    const notIndexed = path.join(photos, 'added later.jpg');
    await writeScene(notIndexed, 14);
    expect(await doppel.previewPath(notIndexed)).toBeNull();
    expect(await doppel.previewPath('/etc/passwd')).toBeNull();
    expect(await doppel.previewPath(path.join(photos, 'no such photo.jpg'))).toBeNull();
  });
});
