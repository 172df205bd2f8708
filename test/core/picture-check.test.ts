/**
 * The near-pair picture check on pictures made here: edited copies of one picture are the same
 * picture (resized, re-compressed, cropped, turned, mirrored, brightened, with a caption and a
 * logo); frames with a subject that moved, screenshots of other text and other scenes are not.
 * Each picture goes through what the library keeps of it: the 256 px WebP thumbnail.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fineCompare, FINE_DIFFERING_SHARE, type GrayGrid } from '../../src/core/duplicates/near/fine-check';
import { comparePictures, layoutGridOf, reversed, unexplainedCells, type LayoutGrid } from '../../src/core/duplicates/near/picture-check';
import { EDITS } from '../../src/eval/edits';
import { glyphGroups, slideGroups } from '../../src/eval/hard-negative-pictures';
import { DARKNET_DATA_DIR } from '../fixtures/real-photos';
import { drawScene, sharpOf } from '../fixtures/scene';

/** A picture decoded as the eval's edits take it. */
async function decodePhoto(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The grid of a picture as the verifier reads it: through a 256 px WebP thumbnail. */
async function gridOf(image: sharp.Sharp): Promise<LayoutGrid> {
  const thumbnail = await image.resize(256, 256, { fit: 'inside' }).webp({ quality: 80 }).toBuffer();
  const { data, info } = await sharp(thumbnail).grayscale().raw().toBuffer({ resolveWithObject: true });
  return layoutGridOf(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
}

/** A street-like frame: the scene with a dark figure standing at `x` (a share of the width), mid-frame. */
async function frame(x: number): Promise<Buffer> {
  const scene = await sharpOf(await drawScene(7, 640, 480))
    .png()
    .toBuffer();
  const figure = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><ellipse cx="${Math.round(640 * x)}" cy="200" rx="40" ry="110" fill="#202020"/><circle cx="${Math.round(640 * x)}" cy="80" r="28" fill="#e0b090"/></svg>`,
  );
  return sharp(scene)
    .composite([{ input: figure }])
    .png()
    .toBuffer();
}

const caption = (width: number, height: number): Buffer =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect y="${height * 0.88}" width="${width}" height="${height * 0.12}" fill="black" opacity="0.55"/><text x="${width * 0.03}" y="${height * 0.96}" font-family="sans-serif" font-size="${height * 0.06}" fill="white">© Holiday 2024 · shared</text><circle cx="${width * 0.92}" cy="${height * 0.1}" r="${height * 0.06}" fill="#e8a317"/></svg>`,
  );

let original: Buffer;
let grid: LayoutGrid;

beforeAll(async () => {
  original = await sharpOf(await drawScene(3, 1024, 768))
    .png()
    .toBuffer();
  grid = await gridOf(sharp(original));
});

describe('comparePictures on edited copies', () => {
  const edits: Record<string, (image: sharp.Sharp) => sharp.Sharp> = {
    'JPEG quality 40': (image) => image.jpeg({ quality: 40 }),
    'downscaled to 25 %': (image) => image.resize(256),
    'brighter and more contrast': (image) => image.linear(1.25, -20),
    grayscale: (image) => image.grayscale(),
    'turned 90°': (image) => image.rotate(90),
    mirrored: (image) => image.flop(),
    'cropped to 80 %, off centre': (image) => image.extract({ left: 40, top: 120, width: 819, height: 614 }),
    'captioned, with a logo': (image) => image.composite([{ input: caption(1024, 768) }]),
  };
  for (const [name, edit] of Object.entries(edits)) {
    it(`should call a copy ${name} the same picture`, async () => {
      const copy = await gridOf(sharp(await edit(sharp(original)).toBuffer()));
      const result = comparePictures(grid, copy);
      expect(result.verdict, result.reason).toBe('same');
      expect(result.reason).toMatch(/^same picture/);
    });
  }

  it("should call a dark landscape photo with the eval's caption band and corner logo the same picture", async () => {
    // A night sky: dark, smooth, lit along the bottom, where a logo differs from every cell it touches.
    const sky = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="640"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#0b1a3a"/><stop offset="0.8" stop-color="#2a3f6e"/><stop offset="1" stop-color="#f0c060"/></linearGradient></defs><rect width="960" height="640" fill="url(#g)"/>` +
        Array.from(
          { length: 9 },
          (_, i) => `<rect x="${60 + i * 100}" y="${220 + (i % 3) * 60}" width="14" height="${420 - (i % 3) * 60}" fill="#8090a0"/>`,
        ).join('') +
        `</svg>`,
    );
    const landscape = await sharp(sky).png().toBuffer();
    const overlay = EDITS.find((edit) => edit.id === 'overlay');
    if (!overlay) throw new Error('the eval has no overlay edit');
    const copy = await overlay.apply(await decodePhoto(landscape));
    const result = comparePictures(await gridOf(sharp(landscape)), await gridOf(sharp(copy)));
    expect(result.verdict, result.reason).toBe('same');
    expect(result.reason).toBe('same picture, with an overlay');
  });

  it('should call a real photo brightened until its white sky clipped the same picture, and its contrast-edited copy', async () => {
    // Darknet's kite beach: a sky of pale clouds that a brightening clips to white. The brightened
    // copy, its contrast higher everywhere else, reads as the sharper picture, which cannot
    // explain the clouds it lost: the other picture explains it.
    const kite = await readFile(path.join(DARKNET_DATA_DIR, 'kite.jpg'));
    const photo = await decodePhoto(kite);
    for (const id of ['bright+20', 'contrast+30']) {
      const edit = EDITS.find((candidate) => candidate.id === id);
      if (!edit) throw new Error(`the eval has no ${id} edit`);
      const result = comparePictures(await gridOf(sharp(kite)), await gridOf(sharp(await edit.apply(photo))));
      expect(result.verdict, `${id}: ${result.reason}`).toBe('same');
    }
  });

  it('should find the mirrored copy of a picture nearly symmetric, which lines up with itself unmirrored', async () => {
    // A symmetric scene with one textured patch left of the middle: unmirrored, the copy matches
    // everywhere but there (and where the patch went), well enough that the turns were not searched.
    const half = await sharpOf(await drawScene(11, 320, 480))
      .png()
      .toBuffer();
    const patch = await sharpOf(await drawScene(4, 60, 60))
      .png()
      .toBuffer();
    const symmetric = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#000' } })
      .composite([
        { input: half, left: 0, top: 0 },
        { input: await sharp(half).flop().toBuffer(), left: 320, top: 0 },
        { input: patch, left: 190, top: 200 },
      ])
      .png()
      .toBuffer();
    const result = comparePictures(await gridOf(sharp(symmetric)), await gridOf(sharp(symmetric).flop()));
    expect(result.verdict, result.reason).toBe('same');
    expect(result.reason).toBe('same picture, mirrored');
  });

  it('should say how a turned copy was turned, as it was turned', async () => {
    const turned = await gridOf(sharp(await sharp(original).rotate(90).toBuffer()));
    expect(comparePictures(grid, turned).reason).toBe('same picture, turned 90°');
  });

  it('should say of a pair seen from the other side what the copy is of it, reversed', async () => {
    const turned = await gridOf(sharp(await sharp(original).rotate(90).toBuffer()));
    expect(reversed(comparePictures(grid, turned)).reason).toBe('same picture, turned 270°');
    const crop = await gridOf(sharp(original).extract({ left: 102, top: 77, width: 819, height: 614 }));
    const back = reversed(comparePictures(grid, crop));
    expect(back).toMatchObject({ verdict: 'same', reason: 'same picture, cropped', alignment: { direction: 'a-in-b' } });
  });

  it('should say a crop is a crop, and which picture is the window', async () => {
    const crop = await gridOf(sharp(original).extract({ left: 102, top: 77, width: 819, height: 614 }));
    const result = comparePictures(grid, crop);
    expect(result.reason).toBe('same picture, cropped');
    expect(result.alignment).toMatchObject({ direction: 'b-in-a' });
    expect(result.alignment.scale).toBeCloseTo(0.8, 1);
    expect(comparePictures(crop, grid).alignment).toMatchObject({ direction: 'a-in-b' });
  });
});

describe('comparePictures on look-alikes', () => {
  it('should call two frames where a person moved across the middle different pictures', async () => {
    const [left, right] = await Promise.all([frame(0.35), frame(0.6)]);
    const result = comparePictures(await gridOf(sharp(left)), await gridOf(sharp(right)));
    expect(result.verdict).toBe('different');
    expect(result.reason).toMatch(/^different picture: \d+ of \d+ areas differ$/);
  });

  it('should not take a mirrored match that differs in a corner for a mirrored copy with an overlay', async () => {
    // Stereo views of a symmetric subject match each other's mirror but where the symmetry breaks
    // (Blender's Suzanne in opencv-doc): a mirror is only a copy when it holds everywhere.
    const detail = await sharpOf(await drawScene(11, 200, 150))
      .png()
      .toBuffer();
    const view = await sharp(original)
      .composite([{ input: detail, left: 800, top: 40 }])
      .png()
      .toBuffer();
    const result = comparePictures(await gridOf(sharp(view)), await gridOf(sharp(original).flop()));
    expect(result.verdict, result.reason).toBe('different');
    expect(result.alignment.mirror).toBe(true);
  });

  it('should call two frames where the leaves in a quarter of the scene moved different pictures', async () => {
    // Foliage as fine noise over a region two fifths wide and seven tenths high, other noise in each
    // frame: at 128 px it averages out and lines up, at 256 px it differs in about a quarter of the cells.
    const leaves = (): Promise<Buffer> =>
      sharp({ create: { width: 420, height: 540, channels: 3, background: '#507040', noise: { type: 'gaussian', mean: 110, sigma: 40 } } })
        .png()
        .toBuffer();
    const frame = async (): Promise<Buffer> =>
      sharp(original)
        .composite([{ input: await leaves(), left: 180, top: 120 }])
        .png()
        .toBuffer();
    const [first, second] = await Promise.all([frame(), frame()]);
    const result = comparePictures(await gridOf(sharp(first)), await gridOf(sharp(second)));
    expect(result.verdict, result.reason).toBe('different');
    // …while a re-compressed copy of one frame is the same picture.
    const copy = comparePictures(await gridOf(sharp(first)), await gridOf(sharp(await sharp(first).jpeg({ quality: 60 }).toBuffer())));
    expect(copy.verdict, copy.reason).toBe('same');
  });

  it('should call two frames where a textured subject moved a pixel against the rest another moment', async () => {
    // A face that turned a little between two frames of a fixed camera: too few cells differ for
    // the share of detail to tell, but what differs there is a shift, and a copy has none.
    const blotches = await sharp({
      create: { width: 10, height: 12, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 120, sigma: 60 } },
    })
      .png()
      .toBuffer();
    const subject = await sharp(blotches).resize(200, 240, { kernel: 'cubic' }).png().toBuffer();
    const frame = (dx: number): Promise<Buffer> =>
      sharp(original)
        .composite([{ input: subject, left: 420 + dx, top: 260 }])
        .png()
        .toBuffer();
    const [first, second] = await Promise.all([frame(0), frame(4)]);
    const result = comparePictures(await gridOf(sharp(first)), await gridOf(sharp(second)));
    expect(result.verdict, result.reason).toBe('different');
    expect(result.moment).toBe(true);
    expect(result.reason).toMatch(/^another moment: \d+ areas moved$/);
    // …while a downscaled, re-compressed copy of one frame is the same picture.
    const copy = await sharp(first).resize(512).jpeg({ quality: 50 }).toBuffer();
    const same = comparePictures(await gridOf(sharp(first)), await gridOf(sharp(copy)));
    expect(same.verdict, same.reason).toBe('same');
    expect(same.moment).toBeUndefined();
  });

  it('should call two different scenes different pictures', async () => {
    const other = await gridOf(sharpOf(await drawScene(11, 1024, 768)));
    expect(comparePictures(grid, other).verdict).toBe('different');
  });
});

/** A spreadsheet-like screenshot: one grid of rows and columns, the numbers drawn from `seed`. */
async function sheet(seed: number): Promise<Buffer> {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const cells: string[] = [];
  for (let row = 0; row < 17; row++) {
    const y = 40 + row * 21;
    cells.push(`<line x1="0" x2="640" y1="${y + 6}" y2="${y + 6}" stroke="#ddd"/>`);
    for (let column = 0; column < 5; column++) {
      const value = (next() * 10000).toFixed(2);
      cells.push(`<text x="${110 + column * 105}" y="${y}" font-family="sans-serif" font-size="13" fill="#222">${value}</text>`);
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400"><rect width="640" height="400" fill="white"/><rect width="640" height="22" fill="#eee"/>${cells.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('comparePictures on documents', () => {
  it('should call two screenshots of one sheet with other numbers different pictures, its copies the same', async () => {
    const [first, second] = await Promise.all([sheet(1), sheet(2)]);
    const a = await gridOf(sharp(first));
    const other = comparePictures(a, await gridOf(sharp(second)));
    expect(other.verdict, other.reason).toBe('different');
    for (const copy of [sharp(first).jpeg({ quality: 70 }), sharp(first).resize(320)]) {
      const same = comparePictures(a, await gridOf(sharp(await copy.toBuffer())));
      expect(same.verdict, same.reason).toBe('same');
    }
  });

  it('should not call a letter a crop of another letter it lines up with in part', async () => {
    // The eval's glyphs: a centred crop of a sans I lines up with the stem of a serif L.
    const glyphs = glyphGroups().flatMap((group) => group.items);
    const render = (id: string): Promise<Buffer> => {
      const item = glyphs.find((each) => each.id === id);
      if (!item) throw new Error(`no glyph ${id}`);
      return item.render();
    };
    const [l, i] = await Promise.all([render('L-serif'), render('I-sans')]);
    const crop = sharp(i).extract({ left: 8, top: 8, width: 304, height: 304 });
    const result = comparePictures(await gridOf(sharp(l)), await gridOf(crop));
    expect(result.verdict, result.reason).toBe('different');
    expect(result.reason).toMatch(/^different picture: a part lines up/);
  });

  it('should find a 95 % crop of a slide, whose lines line up at several scales when coarse', async () => {
    const slides = slideGroups(4, 7).flatMap((group) => group.items);
    let found = 0;
    for (const slide of slides.slice(0, 8)) {
      const full = await slide.render();
      const { width, height } = await sharp(full).metadata();
      const w = Math.round(width * 0.95);
      const h = Math.round(height * 0.95);
      const crop = sharp(full).extract({ left: Math.round((width - w) / 2), top: Math.round((height - h) / 2), width: w, height: h });
      const result = comparePictures(await gridOf(sharp(full)), await gridOf(crop));
      if (result.verdict === 'same') found += 1;
    }
    expect(found).toBe(8);
  });

  it('should not call a small window of a picture that lines up with another a crop of it', async () => {
    const detail = await gridOf(sharp(original).extract({ left: 300, top: 200, width: 410, height: 307 }));
    const result = comparePictures(grid, detail);
    expect(result.verdict).toBe('different');
    expect(result.reason).toMatch(/^different picture: only \d+ % of it lines up$/);
  });
});

describe('fineCompare, the second look at 256 px', () => {
  /** The 256 px thumbnail's gray pixels, as the second look gets them once aligned. */
  async function thumbnailOf(image: sharp.Sharp): Promise<GrayGrid> {
    const thumbnail = await image.resize(256, 256, { fit: 'inside' }).webp({ quality: 80 }).toBuffer();
    const { data, info } = await sharp(thumbnail).grayscale().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, gray: Float32Array.from(data) };
  }
  const share = (result: { state: Uint8Array; cells: number }): number => result.state.reduce((sum, cell) => sum + cell, 0) / result.cells;

  it('should find other numbers in most cells of a sheet, and little in its re-compressed, resized or brightened copies', async () => {
    const [first, second] = await Promise.all([sheet(1), sheet(2)]);
    const a = await thumbnailOf(sharp(first));
    expect(share(fineCompare(a, await thumbnailOf(sharp(second))))).toBeGreaterThanOrEqual(FINE_DIFFERING_SHARE);
    for (const copy of [sharp(first).jpeg({ quality: 50 }), sharp(first).resize(400).resize(640), sharp(first).linear(0.8, 10)]) {
      const b = await thumbnailOf(sharp(await copy.toBuffer()));
      expect(share(fineCompare(a, b))).toBeLessThan(FINE_DIFFERING_SHARE / 2);
    }
  });

  it('should leave out the cells it is told to (an overlay the coarse look found)', async () => {
    const [first, second] = await Promise.all([sheet(1), sheet(2)]);
    const result = fineCompare(await thumbnailOf(sharp(first)), await thumbnailOf(sharp(second)), { skip: () => true });
    expect(result.cells).toBe(0);
  });
});

describe('unexplainedCells', () => {
  /** A grid of `columns` x `rows` cells, the listed [row, column] ones differing. */
  const grid = (columns: number, rows: number, differing: readonly [number, number][]): Uint8Array => {
    const state = new Uint8Array(columns * rows);
    for (const [r, c] of differing) state[r * columns + c] = 1;
    return state;
  };
  // A 3:2 photo at 128 px: 8 x 5 cells, corner boxes of one cell.
  const band: [number, number][] = Array.from({ length: 7 }, (_, c) => [4, c]);

  it('should explain a caption band along the bottom and a logo in a corner cell', () => {
    expect(unexplainedCells(grid(8, 5, [...band, [0, 7]]), 8, 5, true)).toBe(0);
  });

  it("should explain, on the coarse grid, a corner logo that reaches over the corner box's edge", () => {
    expect(unexplainedCells(grid(8, 5, [...band, [0, 6], [0, 7]]), 8, 5, true)).toBe(0);
    expect(unexplainedCells(grid(8, 5, [...band, [0, 6], [0, 7]]), 8, 5, false)).toBe(1);
  });

  it('should not explain a cell next to the corner box when the corner cell itself matches', () => {
    expect(unexplainedCells(grid(8, 5, [...band, [0, 6]]), 8, 5, true)).toBe(1);
  });

  it('should not explain cells two away from the corner box', () => {
    expect(
      unexplainedCells(
        grid(8, 5, [
          [0, 5],
          [0, 6],
          [0, 7],
        ]),
        8,
        5,
        true,
      ),
    ).toBe(1);
  });
});
