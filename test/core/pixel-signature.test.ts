import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../src/core/media/photo-decoder';
import {
  CROSS_KIND_MAX_MEAN_RESIDUAL,
  CROSS_KIND_MIN_USABLE_CELLS,
  CROSS_KIND_MAX_OFFSET,
  SAME_KIND_MAX_DIFFERENCE,
  SAME_KIND_MAX_OFFSET,
  decodePixelSignature,
  mayHaveSamePixels,
  signatureDifference,
  type PixelSignature,
} from '../../src/core/media/pixel-signature';
import { exifSegment, rewrapJpegMetadata } from '../fixtures/jpeg-segments';
import { drawScene, sharpOf, type RawImage } from '../fixtures/scene';

async function signatureOf(bytes: Buffer, name = 'photo.jpg'): Promise<PixelSignature> {
  const signature = decodePixelSignature((await decodePhoto(name, bytes)).pixelSignature);
  if (!signature) throw new Error(`${name} has no pixel signature`);
  return signature;
}

function raw(data: Buffer, width: number, height: number): sharp.Sharp {
  return sharp(data, { raw: { width, height, channels: 3 } });
}

/** A saturated, hard-edged graphic: the worst case for JPEG block means against clamped full decodes. */
async function drawGraphic(width: number, height: number): Promise<RawImage> {
  const bars = ['#ff0000', '#00ff00', '#0000ff', '#ffff00', '#ff00ff', '#00ffff', '#ffffff', '#000000']
    .map((fill, i) => `<rect x="${(i * width) / 8}" y="0" width="${width / 8}" height="${height}" fill="${fill}"/>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${bars}<circle cx="${width / 2}" cy="${height / 2}" r="${height / 3}" fill="#ff2000"/><text x="20" y="${height / 5}" font-size="${height / 8}" fill="#00ff40">Doppel 123</text></svg>`;
  const data = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  return { data, width, height, channels: 3 };
}

/** Patches of fully saturated colours with grain: most pixels clip in a full decode. */
function drawSaturatedPatches(width: number, height: number): RawImage {
  const data = Buffer.alloc(width * height * 3);
  const colours = [
    [255, 0, 0],
    [255, 255, 0],
    [255, 0, 255],
    [0, 0, 255],
    [255, 128, 0],
  ] as const;
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = colours[(Math.floor(x / 24) * 7 + Math.floor(y / 24) * 3) % colours.length] ?? [0, 0, 0];
      for (let c = 0; c < 3; c++) {
        const value = (colour[c] ?? 0) + (next() - 0.5) * 30;
        data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  return { data, width, height, channels: 3 };
}

/** Black text on white paper: hard edges between the two ends of the range. */
async function drawDocument(width: number, height: number): Promise<RawImage> {
  const lines = Array.from(
    { length: 24 },
    (_, i) =>
      `<text x="40" y="${60 + i * (height / 25)}" font-size="${height / 32}" fill="#000">Line ${i}: the quick brown fox jumps over</text>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${lines}</svg>`;
  const data = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  return { data, width, height, channels: 3 };
}

interface Case {
  readonly label: string;
  readonly picture: () => Promise<RawImage>;
  readonly jpeg: sharp.JpegOptions;
}

// Every decode path: 1/8 (2304 px and up), 1/4, 1/2 and full (under 512 px); 4:2:0 and 4:4:4; qualities 70-95;
// photo-like scenes, and pictures that clip nearly everywhere (saturated graphics, a white page).
const CASES: readonly Case[] = [
  { label: '2560x1920 scene q90 4:2:0', picture: () => drawScene(41, 2560, 1920), jpeg: { quality: 90 } },
  { label: '2304x1728 scene q80 4:4:4', picture: () => drawScene(44, 2304, 1728), jpeg: { quality: 80, chromaSubsampling: '4:4:4' } },
  { label: '2560x1920 graphic q75 4:4:4', picture: () => drawGraphic(2560, 1920), jpeg: { quality: 75, chromaSubsampling: '4:4:4' } },
  { label: '1024x768 scene q80 4:4:4', picture: () => drawScene(42, 1024, 768), jpeg: { quality: 80, chromaSubsampling: '4:4:4' } },
  { label: '640x480 graphic q95 4:2:0', picture: () => drawGraphic(640, 480), jpeg: { quality: 95 } },
  { label: '400x300 scene q85 4:2:0', picture: () => drawScene(43, 400, 300), jpeg: { quality: 85 } },
  {
    label: '1024x768 saturated q75 4:4:4',
    picture: () => Promise.resolve(drawSaturatedPatches(1024, 768)),
    jpeg: { quality: 75, chromaSubsampling: '4:4:4' },
  },
  { label: '2560x1920 document q70 4:2:0', picture: () => drawDocument(2560, 1920), jpeg: { quality: 70 } },
];

interface Worst {
  sameOffset: number;
  sameMax: number;
  crossOffset: number;
  crossMeanResidual: number;
}

describe('pixel signature of identical pixels in other containers', () => {
  const worst: Worst = { sameOffset: 0, sameMax: 0, crossOffset: 0, crossMeanResidual: 0 };
  const verdicts: { pair: string; matches: boolean }[] = [];
  const compared = { cross: 0 };

  beforeAll(async () => {
    const exif = await exifSegment({ IFD0: { Make: 'Doppel', Model: 'Retagger' }, IFD2: { DateTimeOriginal: '2021:02:03 04:05:06' } });
    for (const { label, picture, jpeg: options } of CASES) {
      const { data, width, height } = await picture();
      const jpeg = await raw(data, width, height).jpeg(options).toBuffer();
      const pixels = await sharp(jpeg).raw().toBuffer(); // what every lossless copy below holds
      const copies: [string, Buffer, string][] = [
        ['retagged JPEG', rewrapJpegMetadata(jpeg, { exif, comment: 'tags edited' }), 'copy.jpg'],
        ['PNG', await raw(pixels, width, height).png({ compressionLevel: 1 }).toBuffer(), 'copy.png'],
        ['TIFF', await raw(pixels, width, height).tiff({ compression: 'lzw' }).toBuffer(), 'copy.tif'],
        // Stored turned, with the EXIF orientation that turns them back (6: 90 degrees clockwise).
        ['PNG stored turned, orientation 6', await storedWithOrientation(pixels, width, height, 6, 'png'), 'turned.png'],
        ['WebP stored turned, orientation 3', await storedWithOrientation(pixels, width, height, 3, 'webp'), 'turned.webp'],
      ];
      const reference = await signatureOf(jpeg);
      for (const [what, bytes, name] of copies) record(`${label}: JPEG vs ${what}`, reference, await signatureOf(bytes, name));

      // A JPEG stored turned with orientation 6, against the upright PNG of what it shows.
      const turned = await raw(data, width, height).rotate(270).withMetadata({ orientation: 6 }).jpeg(options).toBuffer();
      const upright = await sharp(turned).rotate().png({ compressionLevel: 1 }).toBuffer();
      record(`${label}: JPEG orientation 6 vs upright PNG`, await signatureOf(turned), await signatureOf(upright, 'upright.png'));
    }
  }, 120_000);

  /** Measures a pair as mayHaveSamePixels compares it: across kinds, on the cells the exact decode saw unclipped. */
  function record(pair: string, a: PixelSignature, b: PixelSignature): void {
    const sameKind = a.kind === b.kind;
    const difference = signatureDifference(a, b, !sameKind);
    if (sameKind && difference) {
      worst.sameOffset = Math.max(worst.sameOffset, Math.abs(difference.offset));
      worst.sameMax = Math.max(worst.sameMax, difference.maxDifference);
    } else if (
      difference &&
      difference.cells >= CROSS_KIND_MIN_USABLE_CELLS &&
      new Set([a.kind, b.kind]).size === 2 &&
      [a.kind, b.kind].includes('jpeg-dc') &&
      [a.kind, b.kind].includes('block-means')
    ) {
      worst.crossOffset = Math.max(worst.crossOffset, Math.abs(difference.offset));
      worst.crossMeanResidual = Math.max(worst.crossMeanResidual, difference.meanResidual);
      compared.cross += 1;
    }
    verdicts.push({ pair, matches: mayHaveSamePixels(a, b) });
  }

  it('should match every pair of files holding the same pixels', () => {
    expect(verdicts.filter((verdict) => !verdict.matches)).toEqual([]);
    expect(verdicts).toHaveLength(CASES.length * 6);
  });

  it('should keep the worst difference seen under half of each tolerance', () => {
    // The JPEG-vs-lossless pairs of the two large photo-like scenes are compared on their signatures
    // (4 each); the graphics and the document clip nearly everywhere, and smaller JPEGs are not
    // decoded from their DC terms: those pairs are hashed in full by design.
    expect(compared.cross).toBe(8);
    // The margin the tolerances are chosen with: a factor of two over the worst measured case.
    expect(worst.sameOffset).toBeLessThanOrEqual(SAME_KIND_MAX_OFFSET / 2);
    expect(worst.sameMax).toBeLessThanOrEqual(SAME_KIND_MAX_DIFFERENCE / 2);
    expect(worst.crossOffset).toBeLessThanOrEqual(CROSS_KIND_MAX_OFFSET / 2);
    expect(worst.crossMeanResidual).toBeLessThanOrEqual(CROSS_KIND_MAX_MEAN_RESIDUAL / 2);
  });
});

describe('pixel signature of burst frames', () => {
  const width = 2560;
  const height = 1920;
  const margin = 4;
  let canvas: RawImage;
  let first: PixelSignature;

  /** One frame of the burst: the scene seen from (dx, dy), with its exposure raised by `levels`. */
  async function frame(dx: number, dy: number, levels = 0, gain = 1): Promise<PixelSignature> {
    const crop = await sharpOf(canvas)
      .extract({ left: margin + dx, top: margin + dy, width, height })
      .raw()
      .toBuffer();
    for (let i = 0; i < crop.length; i++) crop[i] = Math.max(0, Math.min(255, Math.round((crop[i] ?? 0) * gain + levels)));
    return signatureOf(await raw(crop, width, height).jpeg({ quality: 90 }).toBuffer());
  }

  beforeAll(async () => {
    canvas = await drawScene(77, width + 2 * margin, height + 2 * margin);
    first = await frame(0, 0);
  }, 60_000);

  it('should tell frames one or two exposure levels apart', async () => {
    expect(mayHaveSamePixels(first, await frame(0, 0, 1))).toBe(false);
    expect(mayHaveSamePixels(first, await frame(0, 0, -2))).toBe(false);
    expect(mayHaveSamePixels(first, await frame(0, 0, 0, 1.01))).toBe(false);
  });

  it('should tell frames shifted by one pixel apart', async () => {
    expect(mayHaveSamePixels(first, await frame(1, 0))).toBe(false);
    expect(mayHaveSamePixels(first, await frame(0, 1))).toBe(false);
  });

  it('should match a frame with itself re-encoded losslessly', async () => {
    const crop = await sharpOf(canvas).extract({ left: margin, top: margin, width, height }).jpeg({ quality: 90 }).toBuffer();
    const png = await sharp(crop).png().toBuffer();
    expect(mayHaveSamePixels(first, await signatureOf(png, 'frame.png'))).toBe(true);
  });
});

async function storedWithOrientation(
  pixels: Buffer,
  width: number,
  height: number,
  orientation: 3 | 6,
  format: 'png' | 'webp',
): Promise<Buffer> {
  // The stored pixels are the upright ones turned back: 6 shows them turned 90 degrees clockwise.
  const stored = await raw(pixels, width, height)
    .rotate(orientation === 6 ? 270 : 180)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const encoder = sharp(stored.data, { raw: { width: stored.info.width, height: stored.info.height, channels: 3 } }).withMetadata({
    orientation,
  });
  return format === 'png' ? encoder.png({ compressionLevel: 1 }).toBuffer() : encoder.webp({ lossless: true, effort: 0 }).toBuffer();
}
