import { describe, expect, it } from 'vitest';
import { orderByKeeperRule, type KeeperCandidate } from '../../src/core/cleanup/keeper-rules';

const MB = 1_000_000;
/** Canon R6 capture of 2024-07-14: what a camera writes into its own files. */
const CAMERA = { takenAt: '2024-07-14T10:11:12', camera: 'Canon EOS R6' } as const;
const NO_METADATA = { takenAt: null, camera: null } as const;

function copy(path: string, over: Partial<KeeperCandidate> = {}): KeeperCandidate {
  return {
    path,
    size: MB,
    mtimeMs: Date.parse('2024-07-14T10:11:12Z'),
    width: 4000,
    height: 3000,
    takenAt: null,
    camera: null,
    format: 'jpeg',
    contentHash: `content of ${path}`,
    pixelHash: `pixels of ${path}`,
    ...over,
  };
}

const paths = (copies: readonly KeeperCandidate[]): string[] => copies.map((candidate) => candidate.path);

describe('orderByKeeperRule, same pixels', () => {
  // The group: a lossless PNG made from a camera JPEG, newer, bigger, deeper in no folder.
  const jpeg = copy('/photos/IMG_0001.jpg', { ...CAMERA, size: 0.9 * MB, contentHash: 'J', pixelHash: 'P' });
  const png = copy('/photos/IMG_0001.png', { ...NO_METADATA, size: 3.5 * MB, format: 'png', contentHash: 'N', pixelHash: 'P' });

  it('should keep the camera JPEG with its metadata over its bigger PNG export', () => {
    expect(paths(orderByKeeperRule([png, jpeg]))).toEqual([jpeg.path, png.path]);
    expect(paths(orderByKeeperRule([jpeg, png]))).toEqual([jpeg.path, png.path]);
  });

  it('should keep the camera format over an export when neither carries metadata', () => {
    const bare = { ...jpeg, ...NO_METADATA };
    expect(orderByKeeperRule([png, bare])[0]?.path).toBe(jpeg.path);
    const tiff = { ...png, path: '/a.tif', format: 'tiff' };
    const webp = { ...png, path: '/a.webp', format: 'webp', size: 0.5 * MB };
    expect(orderByKeeperRule([tiff, webp, bare])[0]?.path).toBe(jpeg.path);
  });

  it('should keep the copy that carries the camera metadata over a stripped copy of the same pixels', () => {
    // Stripped and re-packed without optimised Huffman tables: bigger, the same pixels.
    const stripped = copy('/a/IMG_0001.jpg', { ...NO_METADATA, size: 0.95 * MB, contentHash: 'S', pixelHash: 'P' });
    expect(orderByKeeperRule([stripped, jpeg])[0]?.path).toBe(jpeg.path);
  });

  it('should keep the smallest of same-pixel files that carry the same metadata in the same format', () => {
    const resaved = copy('/a/IMG_0001.jpg', { ...CAMERA, size: 1.2 * MB, contentHash: 'R', pixelHash: 'P' });
    expect(paths(orderByKeeperRule([resaved, jpeg]))).toEqual([jpeg.path, resaved.path]);
  });

  it('should keep a RAW file over the JPEG of the same pixels (the JPEG is its preview)', () => {
    const raw = copy('/photos/IMG_0001.CR3', { ...CAMERA, size: 25 * MB, format: 'raw+jpeg', contentHash: 'W', pixelHash: 'P' });
    expect(orderByKeeperRule([jpeg, raw])[0]?.path).toBe(raw.path);
  });

  it('should keep the oldest of byte copies, then the one with the shortest path, as before', () => {
    const older = copy('/photos/backup/old/IMG_0001.jpg', { ...CAMERA, contentHash: 'J', pixelHash: 'P', mtimeMs: 1 });
    const newer = copy('/photos/IMG_0001.jpg', { ...CAMERA, contentHash: 'J', pixelHash: 'P', mtimeMs: 2 });
    expect(orderByKeeperRule([newer, older])[0]?.path).toBe(older.path);
    const deep = { ...older, mtimeMs: 2 };
    expect(paths(orderByKeeperRule([deep, newer]))).toEqual([newer.path, deep.path]);
  });

  it('should order byte copies alike whatever else is in the group (the exact view and the all view agree)', () => {
    const a = copy('/b/IMG_0001.jpg', { ...NO_METADATA, contentHash: 'J', pixelHash: 'P' });
    const b = copy('/a/IMG_0001.jpg', { ...NO_METADATA, contentHash: 'J', pixelHash: 'P', mtimeMs: a.mtimeMs + 1 });
    const upscale = copy('/x.png', { ...NO_METADATA, width: 8000, height: 6000, format: 'png' });
    const small = copy('/small.jpg', { ...CAMERA, width: 2000, height: 1500 });
    const alone = paths(orderByKeeperRule([b, a]));
    const amongOthers = paths(orderByKeeperRule([small, b, upscale, a])).filter((path) => alone.includes(path));
    expect(amongOthers).toEqual(alone);
  });
});

describe('orderByKeeperRule, edited copies', () => {
  const original = copy('/photos/IMG_0002.jpg', { ...CAMERA, width: 4000, height: 3000, size: 4 * MB });

  it('should keep the original with its metadata over an upscale of it that has none', () => {
    const upscale = copy('/exports/IMG_0002 (4x).png', { ...NO_METADATA, width: 16000, height: 12000, size: 90 * MB, format: 'png' });
    expect(orderByKeeperRule([upscale, original])[0]?.path).toBe(original.path);
    // An upscale saved as a JPEG, its sides rounded: still no more detail than the camera took.
    const jpegUpscale = copy('/exports/IMG_0002 big.jpg', { ...NO_METADATA, width: 5347, height: 4010, size: 6 * MB });
    expect(orderByKeeperRule([jpegUpscale, original])[0]?.path).toBe(original.path);
  });

  it('should still keep the largest picture when the larger copy is not an upscale of a camera file', () => {
    const downscale = copy('/small/IMG_0002.jpg', { ...CAMERA, width: 2000, height: 1500, size: MB });
    expect(orderByKeeperRule([downscale, original])[0]?.path).toBe(original.path);
    // No member carries camera metadata: nothing says the bigger one is an upscale.
    const bareOriginal = { ...original, ...NO_METADATA };
    const bareSmall = { ...downscale, ...NO_METADATA };
    expect(orderByKeeperRule([bareSmall, bareOriginal])[0]?.path).toBe(original.path);
    // Another shape (a crop or another shot) is not taken for an upscale without the derivedFrom relation.
    const wide = copy('/pano.jpg', { ...NO_METADATA, width: 9000, height: 3000 });
    expect(orderByKeeperRule([original, wide])[0]?.path).toBe(wide.path);
  });

  it('should keep the larger file of two pictures that differ, at equal resolution, metadata and format', () => {
    const q40 = copy('/edits/IMG_0002 q40.jpg', { ...CAMERA, size: 0.8 * MB });
    expect(orderByKeeperRule([q40, original])[0]?.path).toBe(original.path);
  });

  it('should put a source before anything derivedFrom says was made from it', () => {
    // An upscaled crop: bigger than the original, another shape, no metadata; only the relation tells.
    const crop = copy('/edits/IMG_0002 crop.png', { ...NO_METADATA, width: 6000, height: 6000, format: 'png', size: 40 * MB });
    const cropOfCrop = copy('/edits/IMG_0002 crop small.jpg', { ...NO_METADATA, width: 5000, height: 5000 });
    const sources = new Map([
      [crop.contentHash, original.contentHash],
      [cropOfCrop.contentHash, crop.contentHash],
    ]);
    const derivedFrom = (derived: string, source: string): boolean => sources.get(derived) === source;
    expect(orderByKeeperRule([crop, original])[0]?.path).toBe(crop.path); // without the relation: the most pixels
    expect(paths(orderByKeeperRule([cropOfCrop, crop, original], undefined, { derivedFrom }))).toEqual([
      original.path,
      crop.path,
      cropOfCrop.path,
    ]);
    // A rule the user chose still comes first; the relation only breaks its ties.
    expect(orderByKeeperRule([original, crop], { rule: 'largest' }, { derivedFrom })[0]?.path).toBe(crop.path);
    const sameSize = { ...crop, size: original.size };
    expect(orderByKeeperRule([sameSize, original], { rule: 'largest' }, { derivedFrom })[0]?.path).toBe(original.path);
  });

  it('should not loop on a relation that goes round in circles', () => {
    const other = copy('/other.jpg', { ...NO_METADATA, width: 3000, height: 3000 });
    const derivedFrom = (): boolean => true;
    expect(paths(orderByKeeperRule([other, original], undefined, { derivedFrom })).sort()).toEqual([original.path, other.path].sort());
  });
});

describe('orderByKeeperRule, the rule the user chose', () => {
  const jpeg = copy('/photos/IMG_0001.jpg', { ...CAMERA, size: 0.9 * MB, contentHash: 'J', pixelHash: 'P' });
  const png = copy('/photos/exports/IMG_0001.png', { ...NO_METADATA, size: 3.5 * MB, format: 'png', contentHash: 'N', pixelHash: 'P' });

  it('should keep the PNG export with --keep largest', () => {
    expect(orderByKeeperRule([jpeg, png], { rule: 'largest' })[0]?.path).toBe(png.path);
  });

  it('should follow every other rule before the default order', () => {
    expect(orderByKeeperRule([png, jpeg], { rule: 'smallest' })[0]?.path).toBe(jpeg.path);
    expect(orderByKeeperRule([jpeg, png], { rule: 'in-folder', folder: '/photos/exports' })[0]?.path).toBe(png.path);
    const newerJpeg = { ...jpeg, mtimeMs: png.mtimeMs + 1, takenAt: null };
    expect(orderByKeeperRule([newerJpeg, png], { rule: 'newest' })[0]?.path).toBe(jpeg.path);
    expect(orderByKeeperRule([png, newerJpeg], { rule: 'oldest' })[0]?.path).toBe(png.path);
    expect(orderByKeeperRule([png, jpeg], { rule: 'shortest-path' })[0]?.path).toBe(jpeg.path);
  });

  it('should order by the default rule when none is given', () => {
    expect(orderByKeeperRule([png, jpeg])).toEqual(orderByKeeperRule([png, jpeg], { rule: 'highest-resolution' }));
  });
});
