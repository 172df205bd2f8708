/**
 * A small real photo folder: distinct JPEGs, a byte copy (exact duplicate), a PNG export of the
 * same pixels (pixel duplicate) and a smaller re-encoded copy (near duplicate), written with sharp.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export interface PhotoFolder {
  readonly root: string;
  readonly original: string;
  readonly byteCopy: string;
  readonly pngExport: string;
  readonly resized: string;
  readonly all: readonly string[];
}

/** A smooth, seed-dependent picture: gradients plus rings, so each seed looks clearly different. */
async function paintJpeg(file: string, seed: number, width = 480, height = 360, takenAt?: string): Promise<void> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const ring = Math.sin(Math.hypot(x - (width * ((seed * 37) % 100)) / 100, y - height / 2) / (6 + seed)) * 60;
      const offset = (y * width + x) * 3;
      pixels[offset] = (x * (seed + 1) * 255) / width / 2 + ring + 60;
      pixels[offset + 1] = (y * 255) / height / (1 + (seed % 3)) + ring + 40;
      pixels[offset + 2] = ((seed * 53) % 200) + ring;
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 88 });
  // libvips names the EXIF sub-IFD (where DateTimeOriginal lives) IFD2.
  if (takenAt) image.withExif({ IFD2: { DateTimeOriginal: takenAt } });
  await image.toFile(file);
}

export async function writePhotoFolder(root: string): Promise<PhotoFolder> {
  await fs.mkdir(path.join(root, 'copies'), { recursive: true });
  const original = path.join(root, 'harbour.jpg');
  const byteCopy = path.join(root, 'copies', 'harbour-copy.jpg');
  const pngExport = path.join(root, 'harbour-export.png');
  await paintJpeg(original, 1);
  await fs.copyFile(original, byteCopy);
  await sharp(original).png().toFile(pngExport);
  const resized = path.join(root, 'copies', 'harbour-small.jpg');
  await sharp(original).resize(240).jpeg({ quality: 70 }).toFile(resized);
  const others = [path.join(root, 'meadow.jpg'), path.join(root, 'sunset.jpg'), path.join(root, 'copies', 'street.jpg')];
  await Promise.all(others.map((file, index) => paintJpeg(file, index + 4)));
  return { root, original, byteCopy, pngExport, resized, all: [original, byteCopy, pngExport, resized, ...others] };
}

export interface DatedPhoto {
  readonly path: string;
  /** As the core reports it: `2021-06-01T10:00:00`. */
  readonly takenAt: string;
}

/**
 * `count` small distinct JPEGs with EXIF capture times one day apart from `firstDay` (the last one
 * newest), enough to fill more than one page of the Library grid.
 */
export async function writeDatedPhotos(folder: string, count: number, firstDay = '2021-01-01'): Promise<DatedPhoto[]> {
  const DAY_MS = 86_400_000;
  await fs.mkdir(folder, { recursive: true });
  // Seeds follow the day, so photos of different calls (and days) are different pictures.
  const firstDayNumber = Math.floor(Date.parse(`${firstDay}T00:00:00Z`) / DAY_MS);
  const photos = Array.from({ length: count }, (_, index) => {
    const dayNumber = firstDayNumber + index;
    const takenAt = `${new Date(dayNumber * DAY_MS).toISOString().slice(0, 10)}T09:30:00`;
    const file = path.join(folder, `day-${String(index + 1).padStart(3, '0')}.jpg`);
    return { path: file, takenAt, seed: 10 + (dayNumber % 1000) };
  });
  await Promise.all(
    photos.map(({ path: file, takenAt, seed }) => {
      const exifDate = `${takenAt.slice(0, 10).replaceAll('-', ':')} ${takenAt.slice(11)}`; // 2021:06:01 09:30:00
      return paintJpeg(file, seed, 96, 72, exifDate);
    }),
  );
  return photos.map(({ path: file, takenAt }) => ({ path: file, takenAt }));
}
