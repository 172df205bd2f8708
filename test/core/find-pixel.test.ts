import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { PIXEL_CANDIDATE_DISTANCE } from '../../src/core/indexing/pixel-identity.service';
import { decodePhoto } from '../../src/core/media/photo-decoder';
import { hammingDistance } from '../../src/core/media/perceptual-hash';
import { writeScene } from '../fixtures';
import { tempDir } from '../helpers/cli';

let work: string;
let libraryDir: string;
let frame: string;

/** Whether the library has a full-resolution pixel hash of the content of `file`. */
function hasPixelHash(file: string): boolean {
  const db = new Database(path.join(libraryDir, 'library.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT c.pixel_hash FROM files f JOIN contents c ON c.hash = f.content_hash WHERE f.path = ?').get(file) as
      { pixel_hash: string | null } | undefined;
    if (!row) throw new Error(`${file} is not in the library`);
    return row.pixel_hash !== null;
  } finally {
    db.close();
  }
}

/** A frame of the same scene one exposure step brighter: same size, the same perceptual hash. */
async function brighterFrame(source: string, target: string): Promise<void> {
  await sharp(source).linear(1.02, 0).jpeg({ quality: 90 }).toFile(target);
}

beforeAll(async () => {
  work = tempDir('find-pixel');
  const photos = path.join(work, 'photos');
  fs.mkdirSync(photos);
  frame = path.join(photos, 'frame.jpg');
  // Large enough for the 1/8-scale JPEG decode (the signature a 12 MP photo gets).
  await writeScene(frame, 91, { width: 2400, height: 1800 });
  libraryDir = path.join(work, 'library');
  const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
  try {
    await doppel.index([photos]);
  } finally {
    await doppel.close();
  }
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('find, pixel-identical photos', () => {
  it('should tell a burst look-alike from the same pixels without decoding the library photo in full', async () => {
    const lookAlike = path.join(work, 'next-frame.jpg');
    await brighterFrame(frame, lookAlike);
    const [ours, theirs] = await Promise.all([frame, lookAlike].map(async (file) => decodePhoto(file, fs.readFileSync(file))));
    // A look-alike by size and perceptual hash: without the signatures it would be decoded in full.
    expect(hammingDistance(ours?.perceptualHash ?? '', theirs?.perceptualHash ?? '')).toBeLessThanOrEqual(PIXEL_CANDIDATE_DISTANCE);
    const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
    try {
      const report = await doppel.find(lookAlike);
      expect(report.exact).toEqual([]);
      expect(report.pixel).toEqual([]);
    } finally {
      await doppel.close();
    }
    // Its perceptual hash made the library frame a candidate; its pixel signature ruled it out.
    expect(hasPixelHash(frame)).toBe(false);
  });

  it('should still find the photo whose pixels a lossless export shows', async () => {
    const exported = path.join(work, 'export.png');
    await sharp(frame).png({ compressionLevel: 1 }).toFile(exported);
    const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
    try {
      expect((await doppel.find(exported)).pixel).toEqual([frame]);
    } finally {
      await doppel.close();
    }
    expect(hasPixelHash(frame)).toBe(true);
  });
});
