/**
 * The picture check's verdicts outlive the session: kept beside the library by content pair, read
 * back by the next NearVerifier (which then needs no thumbnail to answer), ignored when written
 * by another version of the check or damaged, and never an error where the library is read-only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bestShotOrder, burstOf, NearVerifier, PICTURE_CHECK_VERSION } from '../../src/core/duplicates/near/near-verifier';
import type { CopyDetails } from '../../src/core/store/duplicate.repository';
import { PictureCheckStore, type StoredVerdict } from '../../src/core/store/picture-check.store';
import { glyphGroups } from '../../src/eval/hard-negative-pictures';
import { drawScene, sharpOf } from '../fixtures/scene';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-picture-checks-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function details(name: string, contentHash: string, width: number): CopyDetails {
  return {
    path: `/photos/${name}`,
    size: 1000,
    mtimeMs: 0,
    inode: `1:${contentHash}`,
    contentHash,
    pixelHash: null,
    width,
    height: (width * 3) / 4,
    format: 'jpeg',
    takenAt: null,
    camera: null,
  };
}

describe('PictureCheckStore', () => {
  it('should read back what it saved, crops, closeness, moments and sharpness included', () => {
    const store = new PictureCheckStore(dir, 'v1');
    const verdicts = new Map<string, StoredVerdict>([
      ['a:b', { verdict: 'same', reason: 'same picture, cropped', cropOf: 'b', closeness: 0.9961 }],
      ['a:d', { verdict: 'same', reason: 'same picture', closeness: 0.9997 }],
      ['a:e', { verdict: 'same', reason: 'same picture' }],
      ['a:c', { verdict: 'different', reason: 'different picture: 40 % of its detail differs' }],
      ['b:c', { verdict: 'different', reason: 'another moment: 5 areas moved', moment: true }],
    ]);
    expect(store.save({ verdicts, sharpness: new Map([['a', 12.5]]), clipped: new Map([['a', 0.02]]) })).toBe(true);
    const loaded = new PictureCheckStore(dir, 'v1').load();
    expect([...loaded.verdicts]).toEqual([...verdicts]);
    expect(loaded.sharpness.get('a')).toBe(12.5);
    expect(loaded.clipped.get('a')).toBe(0.02);
  });

  it('should ignore the checks of another version, and a damaged file, saying so', () => {
    new PictureCheckStore(dir, 'v1').save({
      verdicts: new Map([['a:b', { verdict: 'same', reason: 'same picture' }]]),
      sharpness: new Map(),
      clipped: new Map(),
    });
    const lines: string[] = [];
    expect(new PictureCheckStore(dir, 'v2', (line) => lines.push(line)).load().verdicts.size).toBe(0);
    fs.writeFileSync(path.join(dir, 'picture-checks.json'), '{"version":"v1","verdicts":[["a:b"');
    expect(new PictureCheckStore(dir, 'v1', (line) => lines.push(line)).load().verdicts.size).toBe(0);
    expect(lines).toEqual([expect.stringMatching(/another version/), expect.stringMatching(/cannot be read/)]);
  });

  it('should keep the checks in memory only where the library cannot be written, saying so once', () => {
    // A folder that is not there fails the write as a read-only one does (and root writes anywhere).
    const lines: string[] = [];
    const store = new PictureCheckStore(path.join(dir, 'gone'), 'v1', (line) => lines.push(line));
    const checks = {
      verdicts: new Map([['a:b', { verdict: 'same' as const, reason: 'same picture' }]]),
      sharpness: new Map(),
      clipped: new Map(),
    };
    expect(store.save(checks)).toBe(false);
    expect(store.save(checks)).toBe(false);
    expect(lines).toHaveLength(1);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

/** Thumbnails of a picture (`orig`), a smaller copy of it (`small`) and another picture (`other`). */
async function threePictures(): Promise<{ thumbnails: string; sources: ConstructorParameters<typeof NearVerifier>[0] }> {
  const thumbnails = path.join(dir, 'thumbnails');
  fs.mkdirSync(thumbnails);
  const pathOf = (hash: string): string => path.join(thumbnails, `${hash}.webp`);
  const scene = sharpOf(await drawScene(5, 1024, 768));
  const original = await scene.clone().resize(256).webp().toBuffer();
  fs.writeFileSync(pathOf('orig'), original);
  fs.writeFileSync(pathOf('small'), await sharp(original).resize(128).webp({ quality: 60 }).toBuffer());
  fs.writeFileSync(
    pathOf('other'),
    await sharpOf(await drawScene(9, 1024, 768))
      .resize(256)
      .webp()
      .toBuffer(),
  );
  const copies = new Map([
    ['/photos/orig.jpg', details('orig.jpg', 'orig', 1024)],
    ['/photos/small.jpg', details('small.jpg', 'small', 512)],
    ['/photos/other.jpg', details('other.jpg', 'other', 1024)],
  ]);
  return { thumbnails, sources: { details: () => copies, thumbnails: { pathOf } } };
}

describe('NearVerifier shots', () => {
  const grouping = {};
  it('should list a picture that has a copy among similar shots by its original, whichever came first', async () => {
    const { sources } = await threePictures();
    const group = {
      kind: 'near' as const,
      files: ['/photos/other.jpg', '/photos/small.jpg', '/photos/orig.jpg'],
      closest: [1, 2], // small.jpg and orig.jpg
      pictures: { grouping, numbers: [7, 8, 9] },
    };
    const verifier = new NearVerifier(sources);
    const { duplicates, shots } = await verifier.split([group]);
    expect(duplicates).toEqual([{ kind: 'near', files: ['/photos/small.jpg', '/photos/orig.jpg'] }]);
    expect(shots).toEqual([expect.objectContaining({ kind: 'near', files: ['/photos/other.jpg', '/photos/orig.jpg'], grouping })]);
    // One set per picture: the original stands for its copy, and the set holds both pictures (regroupShots weighs them).
    expect(shots[0]?.sets).toEqual([
      { files: ['/photos/other.jpg'], pictures: [7] },
      { files: ['/photos/orig.jpg'], pictures: [8, 9] },
    ]);
    // Two against the centre, one along the closest pair.
    expect(verifier.compared).toBe(3);
  });

  it('should look for copies among the members only along the pairs the group ranks closest', async () => {
    // Checking every pair of a group costs its square (a burst of 36 look-alikes: 630 checks).
    const { sources } = await threePictures();
    const group = { kind: 'near' as const, files: ['/photos/other.jpg', '/photos/small.jpg', '/photos/orig.jpg'], closest: [] };
    const verifier = new NearVerifier(sources);
    const { duplicates, shots } = await verifier.split([group]);
    expect(duplicates).toEqual([]);
    expect(shots).toEqual([
      expect.objectContaining({ kind: 'near', files: ['/photos/other.jpg', '/photos/small.jpg', '/photos/orig.jpg'] }),
    ]);
    expect(verifier.compared).toBe(2);
  });
});

describe('NearVerifier on two moments and a copy that matches both', () => {
  it('should keep two shots one camera took at different instants apart, joining the copy to one of them', async () => {
    // Two frames of a still scene, a second apart, and a downscaled copy without metadata of the
    // first: the copy passes for a copy of either frame, and would chain the two into one picture.
    const thumbnails = path.join(dir, 'thumbnails');
    fs.mkdirSync(thumbnails);
    const pathOf = (hash: string): string => path.join(thumbnails, `${hash}.webp`);
    const scene = sharpOf(await drawScene(5, 1024, 768));
    fs.writeFileSync(pathOf('first'), await scene.clone().resize(256).webp({ quality: 90 }).toBuffer());
    fs.writeFileSync(pathOf('second'), await scene.clone().resize(256).webp({ quality: 85 }).toBuffer());
    fs.writeFileSync(pathOf('copy'), await scene.clone().resize(128).webp({ quality: 60 }).toBuffer());
    const shot = (name: string, takenAt: string): CopyDetails => ({
      ...details(name, name.split('.')[0] ?? '', 1024),
      camera: 'Pixel 8',
      takenAt,
    });
    const copies = new Map([
      ['/photos/copy.jpg', details('copy.jpg', 'copy', 512)],
      ['/photos/first.jpg', shot('first.jpg', '2024-05-01T10:11:12')],
      ['/photos/second.jpg', shot('second.jpg', '2024-05-01T10:11:13')],
    ]);
    const verifier = new NearVerifier({ details: () => copies, thumbnails: { pathOf } });
    // The copy first: star clustering made it the centre, and both frames pass against it.
    const { duplicates, shots } = await verifier.split([
      { kind: 'near', files: ['/photos/copy.jpg', '/photos/first.jpg', '/photos/second.jpg'] },
    ]);
    expect(duplicates).toHaveLength(1);
    const joined = duplicates[0]?.files ?? [];
    expect(joined).toContain('/photos/copy.jpg');
    expect(joined.filter((file) => file !== '/photos/copy.jpg')).toHaveLength(1);
    expect(shots).toHaveLength(1);
    expect(shots[0]?.sets).toHaveLength(2);
  });
});

describe('NearVerifier across groups', () => {
  it('should join two crops grouped apart from their photo to it along a link, with one check', async () => {
    // Two crops that match each other through their middles formed a star of their own.
    const thumbnails = path.join(dir, 'thumbnails');
    fs.mkdirSync(thumbnails);
    const pathOf = (hash: string): string => path.join(thumbnails, `${hash}.webp`);
    const photo = await sharpOf(await drawScene(5, 1024, 768))
      .png()
      .toBuffer();
    const crop = (side: number): Promise<Buffer> =>
      sharp(photo)
        .extract({ left: Math.round((1024 - side) / 2), top: Math.round((768 - (side * 3) / 4) / 2), width: side, height: (side * 3) / 4 })
        .resize(256)
        .webp()
        .toBuffer();
    fs.writeFileSync(pathOf('photo'), await sharp(photo).resize(256).webp().toBuffer());
    fs.writeFileSync(pathOf('small'), await sharp(photo).resize(128).webp({ quality: 60 }).toBuffer());
    fs.writeFileSync(pathOf('crop80'), await crop(816));
    fs.writeFileSync(pathOf('crop70'), await crop(716));
    const copies = new Map([
      ['/photos/photo.jpg', details('photo.jpg', 'photo', 1024)],
      ['/photos/small.jpg', details('small.jpg', 'small', 512)],
      ['/photos/crop80.jpg', details('crop80.jpg', 'crop80', 816)],
      ['/photos/crop70.jpg', details('crop70.jpg', 'crop70', 716)],
    ]);
    const groups = [
      { kind: 'near' as const, files: ['/photos/photo.jpg', '/photos/small.jpg'] },
      { kind: 'near' as const, files: ['/photos/crop80.jpg', '/photos/crop70.jpg'] },
    ];
    const apart = await new NearVerifier({ details: () => copies, thumbnails: { pathOf } }).split(groups);
    expect(apart.duplicates.map((group) => group.files)).toEqual([
      ['/photos/photo.jpg', '/photos/small.jpg'],
      ['/photos/crop80.jpg', '/photos/crop70.jpg'],
    ]);
    const verifier = new NearVerifier({ details: () => copies, thumbnails: { pathOf } });
    const seen: number[][][][] = [];
    const { duplicates, shots } = await verifier.split(groups, {
      links: (sets) => {
        seen.push(sets.map((group) => group.sets.map((set) => [...set.pictures])));
        return [[1, 0, 0, 0]];
      },
    });
    expect(duplicates).toHaveLength(1);
    expect([...(duplicates[0]?.files ?? [])].sort()).toEqual([
      '/photos/crop70.jpg',
      '/photos/crop80.jpg',
      '/photos/photo.jpg',
      '/photos/small.jpg',
    ]);
    expect(shots).toEqual([]);
    // One set a group, numbered as the groups came (here without numbers); one check within each group, one for the link.
    expect(seen).toEqual([[[[]], [[]]]]);
    expect(verifier.compared).toBe(3);
  });
});

describe('NearVerifier on a crop listed before its original', () => {
  it('should find the crop a copy, comparing the larger picture first', async () => {
    // The eval's serif J and its centred 95 % crop: compared crop first, it lined up at the whole frame only.
    const glyph = glyphGroups()
      .flatMap((group) => group.items)
      .find((item) => item.id === 'J-serif');
    if (!glyph) throw new Error('no J-serif glyph');
    const full = await glyph.render();
    const crop = await sharp(full).extract({ left: 8, top: 8, width: 304, height: 304 }).png().toBuffer();
    const thumbnails = path.join(dir, 'thumbnails');
    fs.mkdirSync(thumbnails);
    const pathOf = (hash: string): string => path.join(thumbnails, `${hash}.webp`);
    fs.writeFileSync(pathOf('full'), await sharp(full).resize(256).webp().toBuffer());
    fs.writeFileSync(pathOf('crop'), await sharp(crop).resize(256).webp().toBuffer());
    const copies = new Map([
      ['/photos/crop.png', { ...details('crop.png', 'crop', 304), height: 304, format: 'png' }],
      ['/photos/full.png', { ...details('full.png', 'full', 320), height: 320, format: 'png' }],
    ]);
    const verifier = new NearVerifier({ details: () => copies, thumbnails: { pathOf } });
    const { duplicates, evidence } = await verifier.split([{ kind: 'near', files: ['/photos/crop.png', '/photos/full.png'] }]);
    expect(duplicates).toEqual([{ kind: 'near', files: ['/photos/crop.png', '/photos/full.png'] }]);
    expect(evidence.get('/photos/full.png')?.reason).toMatch(/^same picture, cropped/);
  });
});

describe('NearVerifier with a store', () => {
  it('should check a pair once: the next session answers from the store, without the thumbnails', async () => {
    const { thumbnails, sources } = await threePictures();
    const group = { kind: 'near' as const, files: ['/photos/orig.jpg', '/photos/small.jpg', '/photos/other.jpg'] };

    const first = await new NearVerifier({ ...sources, store: new PictureCheckStore(dir, PICTURE_CHECK_VERSION) }).split([group]);
    expect(first.duplicates).toEqual([{ kind: 'near', files: ['/photos/orig.jpg', '/photos/small.jpg'] }]);
    expect(first.shots).toEqual([expect.objectContaining({ kind: 'near', files: ['/photos/orig.jpg', '/photos/other.jpg'] })]);

    fs.rmSync(thumbnails, { recursive: true });
    const next = new NearVerifier({ ...sources, store: new PictureCheckStore(dir, PICTURE_CHECK_VERSION) });
    const again = await next.split([group]);
    expect(again.duplicates).toEqual(first.duplicates);
    expect(again.shots).toEqual(first.shots);
    expect(again.evidence.get('/photos/small.jpg')?.reason).toBe(first.evidence.get('/photos/small.jpg')?.reason);
    expect(next.sharpnessOf('/photos/other.jpg')).toBeGreaterThan(0);

    // Without the store, the same question without thumbnails cannot be checked: a similar shot.
    const unchecked = await new NearVerifier(sources).split([group]);
    expect(unchecked.duplicates).toEqual([]);
  });
});

describe('burstOf', () => {
  it('should call shots one camera took within seconds a burst, and say how long it took', () => {
    const shot = (takenAt: string | null, camera: string | null = 'Pixel 8'): { camera: string | null; takenAt: string | null } => ({
      camera,
      takenAt,
    });
    expect(burstOf([shot('2024-05-01T10:11:12.10'), shot('2024-05-01T10:11:12.45'), shot('2024-05-01T10:11:13.90')])).toBe(
      'burst: 3 shots within 2 s',
    );
    expect(burstOf([shot('2024-05-01T10:11:12.10'), shot('2024-05-01T10:11:12.40')])).toBe('burst: 2 shots within 0.3 s');
    expect(burstOf([shot('2024-05-01T10:11:12'), shot('2024-05-01T10:12:12')])).toBeNull(); // a minute apart: retakes
    expect(burstOf([shot('2024-05-01T10:11:12'), shot('2024-05-01T10:11:13', 'Other')])).toBeNull();
    expect(burstOf([shot('2024-05-01T10:11:12'), shot(null)])).toBeNull();
  });
});

describe('bestShotOrder', () => {
  const shots = ['/a.jpg', '/b.jpg', '/c.jpg', '/d.jpg'].map((path) => ({ path }));

  it('should suggest the sharpest shot, the others after it sharpest first, the unread last', () => {
    const quality = new Map([
      ['/a.jpg', { sharpness: 10, clipped: 0.01 }],
      ['/b.jpg', { sharpness: 40, clipped: 0.02 }],
      ['/c.jpg', { sharpness: 25, clipped: 0 }],
    ]);
    const { order, exposureMattered } = bestShotOrder(shots, (path) => quality.get(path) ?? null);
    expect(order.map((shot) => shot.path)).toEqual(['/b.jpg', '/c.jpg', '/a.jpg', '/d.jpg']);
    expect(exposureMattered).toBe(false);
  });

  it('should pass over a sharper shot with its highlights blown', () => {
    const quality = new Map([
      ['/a.jpg', { sharpness: 10, clipped: 0.01 }],
      ['/b.jpg', { sharpness: 40, clipped: 0.3 }],
      ['/c.jpg', { sharpness: 25, clipped: 0.02 }],
    ]);
    const { order, exposureMattered } = bestShotOrder(shots.slice(0, 3), (path) => quality.get(path) ?? null);
    expect(order.map((shot) => shot.path)).toEqual(['/c.jpg', '/b.jpg', '/a.jpg']);
    expect(exposureMattered).toBe(true);
  });
});

describe('NearVerifier on a chain through a smaller copy', () => {
  /**
   * One near group of the pictures `widths` names (name → width), split by a verifier that knows
   * the verdicts given (both ways round) and has no thumbnail to check more.
   */
  async function splitKnowing(widths: Record<string, number>, known: Record<string, StoredVerdict>) {
    const copies = new Map(Object.entries(widths).map(([name, width]) => [`/photos/${name}.jpg`, details(`${name}.jpg`, name, width)]));
    const verdicts = new Map<string, StoredVerdict>();
    for (const [pair, verdict] of Object.entries(known)) {
      const [a = '', b = ''] = pair.split(':');
      verdicts.set(`${a}:${b}`, verdict);
      verdicts.set(`${b}:${a}`, verdict);
    }
    const store = { load: () => ({ verdicts, sharpness: new Map(), clipped: new Map() }), save: () => true };
    const verifier = new NearVerifier({ details: () => copies, thumbnails: { pathOf: (hash) => path.join(dir, `${hash}.webp`) }, store });
    const split = await verifier.split([{ kind: 'near', files: [...copies.keys()] }]);
    return { ...split, compared: verifier.compared };
  }
  const same = (closeness: number): StoredVerdict => ({ verdict: 'same', reason: 'same picture', closeness });
  const different: StoredVerdict = { verdict: 'different', reason: 'different picture: 40 % of its detail differs' };

  it('should not join two full frames through a downscale of one that passes for both', async () => {
    // Two frames of a waving tree: a half-size copy of the first blurs away the leaves that tell
    // it from the second, and passes for a copy of both; the frames themselves differ.
    const { duplicates, shots, compared } = await splitKnowing(
      { half: 512, first: 1024, second: 1024 },
      { 'half:first': same(0.995), 'half:second': same(0.988), 'first:second': different },
    );
    expect(duplicates.map((group) => group.files)).toEqual([['/photos/half.jpg', '/photos/first.jpg']]);
    expect(shots).toHaveLength(1);
    expect(compared).toBe(0);
  });

  it('should still join a copy to its original through a chain that only goes down in size', async () => {
    // An original, its half and its quarter: the quarter fails against the original (too much
    // detail lost) and passes against the half, which passes against the original.
    const { duplicates, shots } = await splitKnowing(
      { original: 1024, half: 512, quarter: 256 },
      { 'original:half': same(0.995), 'half:quarter': same(0.99), 'original:quarter': different },
    );
    expect(duplicates.map((group) => [...group.files].sort())).toEqual([
      ['/photos/half.jpg', '/photos/original.jpg', '/photos/quarter.jpg'],
    ]);
    expect(shots).toEqual([]);
  });
});
