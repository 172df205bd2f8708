/**
 * A library big enough for the timeline to need virtualizing: `count` small distinct JPEGs over
 * about four years, one folder per year. Most photos carry only a file date (set with utimes);
 * every tenth has an EXIF capture time instead, so both of the timeline's dates are exercised. The
 * newest few are large, so the viewer has more to show than a thumbnail.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { seededRandom } from '../../fixtures/random.js';

export interface TimelinePhoto {
  readonly path: string;
  /** Local time as the library sorts it: EXIF capture time, else the file's modification time. */
  readonly date: Date;
  readonly exif: boolean;
}

const HOUR_MS = 3_600_000;
/** One photo every 7 hours: 5,000 photos span about four years (48 months). */
const SPACING_MS = 7 * HOUR_MS;
const NEWEST = new Date(2026, 9, 30, 18, 0, 0); // 30 Oct 2026, local time
const LARGE_NEWEST = 12;
const WRITES_AT_ONCE = 32;

/** A picture of coloured blocks drawn from `seed`: no two seeds give near-identical pictures. */
function blocks(seed: number, width: number, height: number): Buffer {
  const random = seededRandom(seed);
  const columns = 6;
  const rows = 4;
  const palette = Array.from({ length: columns * rows }, () => [random() * 255, random() * 255, random() * 255]);
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const colour = palette[Math.floor((y * rows) / height) * columns + Math.floor((x * columns) / width)] ?? [0, 0, 0];
      const offset = (y * width + x) * 3;
      const shade = (x + y) % 16;
      pixels[offset] = Math.min(255, (colour[0] ?? 0) + shade);
      pixels[offset + 1] = Math.min(255, (colour[1] ?? 0) + shade);
      pixels[offset + 2] = Math.min(255, (colour[2] ?? 0) + shade);
    }
  }
  return pixels;
}

function exifDate(date: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}:${pad(date.getMonth() + 1)}:${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:00`;
}

async function writePhoto(root: string, index: number): Promise<TimelinePhoto> {
  const date = new Date(NEWEST.getTime() - index * SPACING_MS);
  const exif = index % 10 === 5;
  const large = index < LARGE_NEWEST;
  const [width, height] = large ? [1600, 1200] : [96, 64];
  const file = path.join(root, String(date.getFullYear()), `IMG_${String(index).padStart(5, '0')}.jpg`);
  const image = sharp(blocks(index + 1, width, height), { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 });
  if (exif) image.withExif({ IFD2: { DateTimeOriginal: exifDate(date) } });
  await image.toFile(file);
  // An EXIF photo gets a file date years away: the timeline must use the capture time.
  const fileDate = exif ? new Date(2015, 0, 1) : date;
  await fs.utimes(file, fileDate, fileDate);
  return { path: file, date, exif };
}

/** Newest first, as the timeline shows them by default. */
export async function writeTimelineLibrary(root: string, count: number): Promise<TimelinePhoto[]> {
  const years = new Set(Array.from({ length: count }, (_, index) => new Date(NEWEST.getTime() - index * SPACING_MS).getFullYear()));
  await Promise.all([...years].map((year) => fs.mkdir(path.join(root, String(year)), { recursive: true })));
  const photos: TimelinePhoto[] = [];
  for (let start = 0; start < count; start += WRITES_AT_ONCE) {
    const batch = Array.from({ length: Math.min(WRITES_AT_ONCE, count - start) }, (_, offset) => writePhoto(root, start + offset));
    photos.push(...(await Promise.all(batch)));
  }
  return photos;
}
