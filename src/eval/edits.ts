/**
 * Copydays-style edits: what happens to a photo between the camera and a second copy on disk
 * (re-compression, resizing, cropping, colour tweaks, captions, rotation). Each edit turns the
 * decoded original into encoded bytes; all but the quality edits save as JPEG quality 90.
 */
import sharp from 'sharp';

export interface DecodedPhoto {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

export interface PhotoEdit {
  readonly id: string;
  /** Crops, rotations and mirrors move pixels; targets are reported separately for them. */
  readonly geometric: boolean;
  readonly describe: string;
  readonly apply: (photo: DecodedPhoto) => Promise<Buffer>;
}

const pipeline = (photo: DecodedPhoto): sharp.Sharp =>
  sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } });
const jpeg = (image: sharp.Sharp, quality = 90): Promise<Buffer> => image.jpeg({ quality }).toBuffer();

/** Keeps `fraction` of each side; `anchor` 0 = top-left, 0.5 = centre, 1 = bottom-right. */
function crop(fraction: number, anchor: number): (photo: DecodedPhoto) => Promise<Buffer> {
  return (photo) => {
    const width = Math.max(1, Math.round(photo.width * fraction));
    const height = Math.max(1, Math.round(photo.height * fraction));
    const left = Math.round((photo.width - width) * anchor);
    const top = Math.round((photo.height - height) * anchor);
    return jpeg(pipeline(photo).extract({ left, top, width, height }));
  };
}

function scale(fraction: number): (photo: DecodedPhoto) => Promise<Buffer> {
  return (photo) =>
    jpeg(
      pipeline(photo).resize(Math.max(8, Math.round(photo.width * fraction)), Math.max(8, Math.round(photo.height * fraction)), {
        fit: 'fill',
      }),
    );
}

/** A caption banner along the bottom and a logo in a corner, as a photo-sharing site would add. */
function overlaySvg(width: number, height: number): Buffer {
  const banner = Math.round(height * 0.12);
  const logo = Math.round(Math.min(width, height) * 0.12);
  const font = Math.max(8, Math.round(banner * 0.55));
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect x="0" y="${height - banner}" width="${width}" height="${banner}" fill="black" opacity="0.55"/>` +
      `<text x="${Math.round(width * 0.03)}" y="${height - Math.round(banner * 0.3)}" font-family="sans-serif" font-size="${font}" fill="white">© Holiday 2024 · shared with Doppel</text>` +
      `<circle cx="${width - logo}" cy="${logo}" r="${Math.round(logo * 0.7)}" fill="#e8a317" opacity="0.85"/>` +
      `<rect x="${width - logo - Math.round(logo * 0.35)}" y="${logo - Math.round(logo * 0.12)}" width="${Math.round(logo * 0.7)}" height="${Math.round(logo * 0.24)}" fill="white"/>` +
      `</svg>`,
  );
}

export const EDITS: readonly PhotoEdit[] = [
  { id: 'jpeg-q30', geometric: false, describe: 'JPEG quality 30', apply: (p) => jpeg(pipeline(p), 30) },
  { id: 'jpeg-q50', geometric: false, describe: 'JPEG quality 50', apply: (p) => jpeg(pipeline(p), 50) },
  { id: 'jpeg-q70', geometric: false, describe: 'JPEG quality 70', apply: (p) => jpeg(pipeline(p), 70) },
  { id: 'scale-50', geometric: false, describe: 'downscaled to 50 %', apply: scale(0.5) },
  { id: 'scale-25', geometric: false, describe: 'downscaled to 25 %', apply: scale(0.25) },
  { id: 'bright+20', geometric: false, describe: 'pixel values x1.2', apply: (p) => jpeg(pipeline(p).linear(1.2, 0)) },
  { id: 'bright-20', geometric: false, describe: 'pixel values x0.8', apply: (p) => jpeg(pipeline(p).linear(0.8, 0)) },
  {
    id: 'contrast+30',
    geometric: false,
    describe: 'contrast +30 % around mid-grey',
    apply: (p) => jpeg(pipeline(p).linear(1.3, -0.3 * 128)),
  },
  {
    id: 'overlay',
    geometric: false,
    describe: 'caption banner (12 % of height) and logo',
    apply: (p) => jpeg(pipeline(p).composite([{ input: overlaySvg(p.width, p.height) }])),
  },
  { id: 'grayscale', geometric: false, describe: 'grayscale', apply: (p) => jpeg(pipeline(p).grayscale()) },
  { id: 'crop-90', geometric: true, describe: 'centre crop, 90 % of each side', apply: crop(0.9, 0.5) },
  { id: 'crop-80', geometric: true, describe: 'centre crop, 80 % of each side', apply: crop(0.8, 0.5) },
  { id: 'crop-70', geometric: true, describe: 'centre crop, 70 % of each side', apply: crop(0.7, 0.5) },
  { id: 'crop-80-tl', geometric: true, describe: 'top-left crop, 80 % of each side', apply: crop(0.8, 0) },
  { id: 'crop-70-br', geometric: true, describe: 'bottom-right crop, 70 % of each side', apply: crop(0.7, 1) },
  { id: 'rotate-90', geometric: true, describe: 'pixels rotated 90 degrees clockwise', apply: (p) => jpeg(pipeline(p).rotate(90)) },
  { id: 'mirror', geometric: true, describe: 'mirrored left-right', apply: (p) => jpeg(pipeline(p).flop()) },
];

export const GEOMETRIC_EDIT_IDS: ReadonlySet<string> = new Set(EDITS.filter((edit) => edit.geometric).map((edit) => edit.id));

/** Decodes `path` upright, as 8-bit sRGB without alpha (grayscale sources become RGB). */
export async function decodePhoto(path: string): Promise<DecodedPhoto> {
  const { data, info } = await sharp(path).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`Cannot decode ${path} as RGB: got ${info.channels} channels`);
  return { data, width: info.width, height: info.height };
}
