/**
 * What a first index tells and how it dates: byte copies are copies (a move is only a file gone
 * from one path and found at another), and photos without an EXIF capture time are dated by the
 * moment their file name carries, which the timeline then sorts and sections by.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { writeScene } from '../fixtures';
import { tempDir } from '../helpers/cli';

let work: string;
let photos: string;
let doppel: Doppel;

beforeEach(async () => {
  work = tempDir('first-index');
  photos = path.join(work, 'photos');
  fs.mkdirSync(path.join(photos, 'copies'), { recursive: true });
  doppel = await Doppel.open({ libraryDir: path.join(work, 'library'), withoutSimilarity: true });
});

afterEach(async () => {
  await doppel.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A file time far from any name's date, so that a date from the file time cannot pass for one. */
const FILE_TIME = new Date(2015, 0, 1, 12, 0, 0);

async function writeUndated(name: string, seed: number): Promise<string> {
  const file = path.join(photos, name);
  await writeScene(file, seed, { width: 160, height: 120, format: name.endsWith('.png') ? 'png' : 'jpeg' });
  fs.utimesSync(file, FILE_TIME, FILE_TIME);
  return file;
}

describe('a first index', () => {
  it('should count byte copies as copies, not as moved files', async () => {
    const original = await writeUndated('harbour.jpg', 1);
    fs.copyFileSync(original, path.join(photos, 'copies', 'harbour copy.jpg'));
    fs.copyFileSync(original, path.join(photos, 'copies', 'harbour copy 2.jpg'));
    await writeUndated('meadow.jpg', 2);
    const report = await doppel.index([photos]);
    expect(report).toMatchObject({ scanned: 4, indexed: 4, decoded: 2, copies: 2, moved: 0 });
  });

  it('should call a renamed file moved and a new byte copy a copy on the next index', async () => {
    const original = await writeUndated('harbour.jpg', 1);
    await writeUndated('meadow.jpg', 2);
    await doppel.index([photos]);
    fs.renameSync(path.join(photos, 'meadow.jpg'), path.join(photos, 'copies', 'meadow renamed.jpg'));
    fs.copyFileSync(original, path.join(photos, 'copies', 'harbour copy.jpg'));
    const report = await doppel.index([photos]);
    expect(report).toMatchObject({ removed: 1, indexed: 2, decoded: 0, moved: 1, copies: 1 });
  });
});

describe('dates from file names', () => {
  it('should date a screenshot without EXIF by its name, and section the timeline by it', async () => {
    const screenshot = await writeUndated('Screenshot 2024-05-01 at 10.11.12.png', 3);
    const phone = await writeUndated('IMG_20230214_080910.jpg', 4);
    const plain = await writeUndated('holiday.jpg', 5);
    await doppel.index([photos]);

    expect(doppel.photo(screenshot)).toMatchObject({ takenAt: '2024-05-01T10:11:12', takenAtFromName: true });
    expect(doppel.photo(phone)).toMatchObject({ takenAt: '2023-02-14T08:09:10', takenAtFromName: true });
    expect(doppel.photo(plain).takenAt).toBeNull();
    expect(doppel.photo(plain).takenAtFromName).toBeUndefined();
    expect(doppel.timeline().sections.map((section) => [section.key, section.count])).toEqual([
      ['2024-05', 1],
      ['2023-02', 1],
      ['2015-01', 1],
    ]);
    expect(doppel.photos({ section: '2024-05' }).photos.map((photo) => photo.path)).toEqual([screenshot]);
  });

  it('should date the photos of a library indexed before dates came from names, on its next index', async () => {
    const screenshot = await writeUndated('Screenshot_20240501-101112.png', 6);
    await doppel.index([photos]);
    await doppel.close();
    // The library as an older version left it: no date for the screenshot, and no record of the pass.
    const db = new Database(path.join(work, 'library', 'library.db'));
    db.prepare('UPDATE contents SET taken_at = NULL').run();
    db.prepare("DELETE FROM settings WHERE key = 'file-name-dates'").run();
    db.close();
    doppel = await Doppel.open({ libraryDir: path.join(work, 'library'), withoutSimilarity: true });
    expect(doppel.photo(screenshot).takenAt).toBeNull();

    const report = await doppel.index([photos]);
    expect(report).toMatchObject({ unchanged: 1, indexed: 0 });
    expect(doppel.photo(screenshot).takenAt).toBe('2024-05-01T10:11:12');
    expect(doppel.timeline().sections.map((section) => section.key)).toEqual(['2024-05']);
  });

  it('should keep the EXIF capture time over a date in the name', async () => {
    const file = path.join(photos, 'IMG_20240501_101112.jpg');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#4080c0' } })
      .jpeg()
      .withExif({ IFD2: { DateTimeOriginal: '2022:07:14 09:00:00' } })
      .toFile(file);
    await doppel.index([photos]);
    expect(doppel.photo(file).takenAt).toBe('2022-07-14T09:00:00');
    expect(doppel.photo(file).takenAtFromName).toBeUndefined();
  });
});
