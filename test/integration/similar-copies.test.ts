/**
 * "Photos like this one" lists the photo's own copies first: its byte copies, then the files with
 * its pixels (another format), each with score 1, and only then the look-alikes by similarity, so
 * a downscaled copy never ranks above the pixel-identical export.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { writeScene } from '../fixtures';
import { tempDir } from '../helpers/cli';
import { defined } from '../helpers/defined';

let work: string;
let doppel: Doppel;
const files = { original: '', byteCopy: '', pngExport: '', downscaled: '' };

beforeAll(async () => {
  work = tempDir('similar-copies');
  const photos = path.join(work, 'photos');
  fs.mkdirSync(path.join(photos, 'exports'), { recursive: true });
  files.original = path.join(photos, 'harbour.jpg');
  files.byteCopy = path.join(photos, 'exports', 'harbour copy.jpg');
  files.pngExport = path.join(photos, 'exports', 'harbour.png');
  files.downscaled = path.join(photos, 'exports', 'harbour small.jpg');
  await writeScene(files.original, 7, { width: 640, height: 480 });
  fs.copyFileSync(files.original, files.byteCopy);
  await sharp(files.original).png().toFile(files.pngExport);
  await sharp(files.original).resize(320).jpeg({ quality: 92 }).toFile(files.downscaled);
  for (let seed = 20; seed < 26; seed++) await writeScene(path.join(photos, `scene ${seed}.jpg`), seed, { width: 320, height: 240 });
  doppel = await Doppel.open({ libraryDir: path.join(work, 'library') });
  await doppel.index([photos]);
});

afterAll(async () => {
  await doppel.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('similar photos of a library photo', () => {
  it('should list the byte copy, then the pixel-identical export, with score 1, before the downscaled copy', async () => {
    const [report] = await doppel.similar([files.original], { limit: 5 });
    const results = defined(report, 'similar report').results;
    expect(results.slice(0, 2)).toEqual([
      { path: files.byteCopy, score: 1, match: 'exact' },
      { path: files.pngExport, score: 1, match: 'pixel' },
    ]);
    expect(results[2]?.path).toBe(files.downscaled);
    expect(results[2]?.match).toBeUndefined();
    expect(results.map((result) => result.path)).not.toContain(files.original);
  });

  it('should list the original and its byte copy first for the export', async () => {
    const [report] = await doppel.similar([files.pngExport], { limit: 3 });
    expect(defined(report, 'similar report').results.slice(0, 2)).toEqual([
      { path: files.byteCopy, score: 1, match: 'pixel' },
      { path: files.original, score: 1, match: 'pixel' },
    ]);
  });
});
