/**
 * The hard-negatives set of `npm run eval`: different pictures that look alike, which must NOT be
 * listed as duplicates, and a few deliberate copies of them, which must be. Built from sources of
 * the project's choosing at eval time (nothing binary is committed), seeded, so every build on one
 * machine gives the same files:
 *
 * - video-people / video-tree / video-camera: real frames 0.3–1 s apart from the opencv-doc sample
 *   videos (video-frames.ts), 4 frames a burst, with EXIF capture times 0.3–1 s apart;
 * - scene-pairs: consecutive video frames, stereo pairs and two views of one scene (opencv-doc);
 * - chessboard: one calibration board in 13 poses, each seen by a left and a right camera;
 * - screenshots, slides, pages, charts, glyphs, themes: generated (hard-negative-pictures.ts);
 * - captioned: unrelated real photos made dark and flat, each with the same white caption box.
 *
 * About a quarter of the items get one or two deliberate copies (JPEG quality 70, 50 % downscale, a
 * 95 % centre crop, or for PNGs a pixel-identical re-save): `copy` names the edit in the ground truth.
 *
 * Groups (a burst, a template, a letter...) are split between a tuning and a report half, per
 * category, as the Copydays-style set is (split.ts), so no burst or template is in both halves. Each
 * half is about 350 files of at most 640 px, in `<root>/<half>/<category>/<group>/`. The ground truth is
 * saved in `<root>/manifest.json`; with `reuse` a later build with the same version returns it
 * without drawing anything again.
 *
 * Score with scoreDuplicates / scoreShots (hard-negative-metrics.ts), or all at once with
 * evaluateHardNegatives (hard-negative-eval.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import sharp from 'sharp';
import { mapLimited } from './eval-set';
import type { HardNegativeFile } from './hard-negative-metrics';
import {
  captionBox,
  chartGroups,
  glyphGroups,
  pageGroups,
  screenshotGroups,
  slideGroups,
  themeGroups,
  type GeneratedGroup,
  type GeneratedItem,
} from './hard-negative-pictures';
import { findSourcePhotos } from './photo-sources';
import { splitHalves, type Half } from './split';
import { BURST_VIDEOS, extractFrames, findVideoFolder, frameTimes, hasFfmpeg, nearestFrames } from './video-frames';

/** Bump when what is drawn changes: a saved set with another version is built again. */
export const HARD_NEGATIVES_VERSION = 1;

const SPLIT_SALT = 'doppel-hard-negatives-v1';
const OPENCV_DATA = 'usr/share/doc/opencv-doc/examples/data';

export interface HardNegativeCategory {
  readonly id: string;
  readonly describe: string;
}

/** Every category, in report order. */
export const HARD_NEGATIVE_CATEGORIES: readonly HardNegativeCategory[] = [
  ...BURST_VIDEOS.map((video) => ({ id: video.category, describe: `${video.file}: ${video.describe}, bursts 0.3–1 s` })),
  { id: 'scene-pairs', describe: 'consecutive frames, stereo pairs, two views of one scene' },
  { id: 'chessboard', describe: 'one board in 13 poses, left and right camera' },
  { id: 'screenshots', describe: 'terminal, document, code, spreadsheet, chat; different text' },
  { id: 'slides', describe: 'slides on one template, different text' },
  { id: 'pages', describe: 'scanned pages on one layout, different text' },
  { id: 'charts', describe: 'one chart template, different values' },
  { id: 'glyphs', describe: 'single letters in three fonts' },
  { id: 'themes', describe: 'one UI layout, light and dark' },
  { id: 'captioned', describe: 'unrelated dark, flat photos, same white caption box' },
];

export interface HardNegativeHalf {
  readonly half: Half;
  /** Folder to index: holds only this half's files. */
  readonly dir: string;
  readonly files: readonly HardNegativeFile[];
}

export interface HardNegativeSet {
  readonly root: string;
  readonly version: number;
  readonly halves: Readonly<Record<Half, HardNegativeHalf>>;
  /** Categories left out on this machine, with why (no ffmpeg, no opencv-doc data). */
  readonly skipped: readonly string[];
}

export interface HardNegativeOptions {
  /** Where setup unpacked the Debian sample data (default `.cache/eval-photos`). */
  readonly photoRoot?: string;
  /** Return the saved set in `root` when its manifest has this version and every file exists. */
  readonly reuse?: boolean;
  readonly log?: (line: string) => void;
}

interface PlannedGroup {
  readonly category: string;
  readonly id: string;
  /** Groups of one stratum (a template kind, a burst spacing) are dealt to both halves in turn. */
  readonly stratum?: string;
  /** Its pictures are shots of one scene moments apart. */
  readonly burst: boolean;
  readonly items: readonly GeneratedItem[];
}

const MAX_SIDE = 640;

/** A real picture at most MAX_SIDE on its long side, upright sRGB JPEG. */
function fitted(path: string): sharp.Sharp {
  return sharp(path).rotate().toColourspace('srgb').removeAlpha().resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true });
}

const SCENE_PAIRS: readonly { readonly id: string; readonly files: readonly [string, string] }[] = [
  { id: 'basketball', files: ['basketball1.png', 'basketball2.png'] },
  { id: 'rubberwhale', files: ['rubberwhale1.png', 'rubberwhale2.png'] },
  { id: 'aloe', files: ['aloeL.jpg', 'aloeR.jpg'] },
  { id: 'books', files: ['left.jpg', 'right.jpg'] },
  { id: 'graffiti', files: ['graf1.png', 'graf3.png'] },
  { id: 'aerial', files: ['aero1.jpg', 'aero3.jpg'] },
  { id: 'suzanne', files: ['Blender_Suzanne1.jpg', 'Blender_Suzanne2.jpg'] },
];
const CHESSBOARD_POSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14];

function realPicture(id: string, path: string): GeneratedItem {
  return { id, format: 'jpg', render: () => fitted(path).jpeg({ quality: 90 }).toBuffer() };
}

/** `Make`/`Model` and a capture time `seconds` after `base` (EXIF local time, with hundredths). */
function captureExif(model: string, base: Date, seconds: number): sharp.Exif {
  const at = new Date(base.getTime() + Math.round(seconds * 1000));
  const pad = (value: number, length = 2): string => String(value).padStart(length, '0');
  const stamp = `${at.getUTCFullYear()}:${pad(at.getUTCMonth() + 1)}:${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
  return {
    IFD0: { Make: 'Doppel eval', Model: model, DateTime: stamp },
    IFD2: { DateTimeOriginal: stamp, SubSecTimeOriginal: pad(Math.floor(at.getUTCMilliseconds() / 10)) },
  };
}

/** Burst frames: each asked time snapped to a decoded frame; EXIF capture time = the frame's own time. */
async function videoGroups(folder: string): Promise<PlannedGroup[]> {
  const groups: PlannedGroup[] = [];
  for (const [v, video] of BURST_VIDEOS.entries()) {
    const path = join(folder, video.file);
    const times = await frameTimes(path);
    const bursts = video.bursts.map((burst) => ({ burst, numbers: nearestFrames(burst.times, times) }));
    let frames: Promise<Map<number, Buffer>> | null = null;
    const frame = async (n: number): Promise<Buffer> => {
      // One decoding pass a video, on the first frame asked for.
      frames ??= extractFrames(
        path,
        bursts.flatMap((entry) => entry.numbers),
        MAX_SIDE,
      );
      const bytes = (await frames).get(n);
      if (bytes === undefined) throw new Error(`no frame ${n} of ${video.file}`);
      return bytes;
    };
    const base = new Date(Date.UTC(2024, 5, 1 + v, 10, 0, 0));
    for (const { burst, numbers } of bursts) {
      groups.push({
        category: video.category,
        id: burst.id,
        stratum: `every ${burst.spacing} s`,
        burst: true,
        items: numbers.map((n, f) => ({
          id: `${burst.id}-f${f + 1}`,
          format: 'jpg' as const,
          render: async () =>
            sharp(await frame(n))
              .removeAlpha()
              .jpeg({ quality: 90 })
              .withExif(captureExif(video.file, base, times[n] ?? 0))
              .toBuffer(),
        })),
      });
    }
  }
  return groups;
}

function sceneGroups(folder: string): PlannedGroup[] {
  const pairs = SCENE_PAIRS.filter((pair) => pair.files.every((file) => existsSync(join(folder, file)))).map((pair) => ({
    category: 'scene-pairs',
    id: pair.id,
    burst: true,
    items: pair.files.map((file, i) => realPicture(`${pair.id}-${i + 1}`, join(folder, file))),
  }));
  const poses = CHESSBOARD_POSES.map((pose) => String(pose).padStart(2, '0'))
    .filter((pose) => existsSync(join(folder, `left${pose}.jpg`)) && existsSync(join(folder, `right${pose}.jpg`)))
    .map((pose) => ({
      category: 'chessboard',
      id: `pose${pose}`,
      burst: true,
      items: ['left', 'right'].map((camera) => realPicture(`pose${pose}-${camera}`, join(folder, `${camera}${pose}.jpg`))),
    }));
  return [...pairs, ...poses];
}

/** Dark, flat versions of the eval's real photos (the scene pairs' photos left out), one caption box on all. */
function captionedGroups(photoRoot: string): PlannedGroup[] {
  const inScenePairs = new Set(SCENE_PAIRS.flatMap((pair) => pair.files));
  const photos = findSourcePhotos({ unpackedRoot: photoRoot })
    .filter((photo) => !inScenePairs.has(photo.path.split('/').pop() ?? ''))
    .slice(0, 30);
  return photos.map((photo, i) => ({
    category: 'captioned',
    id: photo.id,
    burst: false,
    items: [
      {
        id: photo.id,
        format: 'jpg' as const,
        render: async () => {
          const { data, info } = await fitted(photo.path).raw().toBuffer({ resolveWithObject: true });
          // Contrast down to a third or less, kept dark: a dim, hazy photo.
          const gain = 0.22 + (i % 4) * 0.04;
          const flat = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).linear(
            gain,
            20 + (i % 3) * 12,
          );
          const darkened = await flat.png().toBuffer();
          return sharp(darkened)
            .composite([{ input: captionBox(info.width, info.height) }])
            .jpeg({ quality: 88 })
            .toBuffer();
        },
      },
    ],
  }));
}

function generatedGroups(): PlannedGroup[] {
  const as = (category: string, groups: readonly GeneratedGroup[], burst = false): PlannedGroup[] =>
    groups.map((group) => ({
      category,
      id: group.id,
      ...(group.stratum === undefined ? {} : { stratum: group.stratum }),
      burst,
      items: group.items,
    }));
  return [
    ...as('screenshots', screenshotGroups(7, 1_000)),
    ...as('slides', slideGroups(7, 20_000)),
    ...as('pages', pageGroups(6, 30_000)),
    ...as('charts', chartGroups(4, 40_000)),
    ...as('glyphs', glyphGroups()),
    ...as('themes', themeGroups(16, 50_000)),
  ];
}

// ------------------------------------------------------------------ deliberate copies

interface CopyEdit {
  readonly id: string;
  readonly apply: (bytes: Buffer, format: 'png' | 'jpg') => Promise<{ bytes: Buffer; format: 'png' | 'jpg' }>;
}

const encode = (image: sharp.Sharp, format: 'png' | 'jpg'): Promise<Buffer> =>
  format === 'png' ? image.png().toBuffer() : image.keepExif().jpeg({ quality: 90 }).toBuffer();

const COPY_EDITS: Readonly<Record<string, CopyEdit>> = {
  'jpeg-q70': {
    id: 'jpeg-q70',
    apply: async (bytes) => ({
      bytes: await sharp(bytes).keepExif().flatten({ background: '#ffffff' }).jpeg({ quality: 70 }).toBuffer(),
      format: 'jpg',
    }),
  },
  'scale-50': {
    id: 'scale-50',
    apply: async (bytes, format) => {
      const { width, height } = await sharp(bytes).metadata();
      return { bytes: await encode(sharp(bytes).resize(Math.round(width / 2), Math.round(height / 2), { fit: 'fill' }), format), format };
    },
  },
  'crop-95': {
    id: 'crop-95',
    apply: async (bytes, format) => {
      const { width, height } = await sharp(bytes).metadata();
      const w = Math.round(width * 0.95);
      const h = Math.round(height * 0.95);
      return {
        bytes: await encode(
          sharp(bytes).extract({ left: Math.round((width - w) / 2), top: Math.round((height - h) / 2), width: w, height: h }),
          format,
        ),
        format,
      };
    },
  },
  'png-resave': {
    id: 'png-resave',
    // Same pixels, other bytes: maximum compression and no adaptive filtering.
    apply: async (bytes) => ({
      bytes: await sharp(bytes).png({ compressionLevel: 9, adaptiveFiltering: false, effort: 10 }).toBuffer(),
      format: 'png',
    }),
  },
};

const EDITS_FOR: Readonly<Record<'png' | 'jpg', readonly string[]>> = {
  png: ['png-resave', 'jpeg-q70', 'scale-50', 'crop-95'],
  jpg: ['jpeg-q70', 'scale-50', 'crop-95'],
};

/**
 * Which items get deliberate copies: every fourth item of a category (in build order), two copies
 * for every eighth; the edits cycle through the item format's list, so each edit appears in each category.
 */
function copyPlan(groups: readonly PlannedGroup[]): Map<string, string[]> {
  const plan = new Map<string, string[]>();
  const seen = new Map<string, number>();
  for (const group of groups) {
    for (const item of group.items) {
      const index = seen.get(group.category) ?? 0;
      seen.set(group.category, index + 1);
      if (index % 4 !== 0) continue;
      const edits = EDITS_FOR[item.format];
      const first = (index / 4) % edits.length;
      const count = index % 8 === 0 ? 2 : 1;
      plan.set(
        `${group.category}/${item.id}`,
        Array.from({ length: count }, (_, k) => edits[(first + k) % edits.length] ?? 'jpeg-q70'),
      );
    }
  }
  return plan;
}

// ------------------------------------------------------------------ building

/**
 * Splits groups between the halves, never an item or a group across both: per category, each
 * stratum in the order split.ts gives it (a hash of the group id), then all strata dealt in turn, so
 * each half gets half of every stratum and of every category (within one group).
 */
function splitGroups(groups: readonly PlannedGroup[]): Record<Half, PlannedGroup[]> {
  const byHalf: Record<Half, PlannedGroup[]> = { tune: [], report: [] };
  for (const category of [...new Set(groups.map((group) => group.category))]) {
    const inCategory = groups.filter((group) => group.category === category);
    const ordered: PlannedGroup[] = [];
    for (const stratum of [...new Set(inCategory.map((group) => group.stratum))]) {
      const split = splitHalves(
        inCategory.filter((group) => group.stratum === stratum),
        (group) => `${category}/${group.id}`,
        SPLIT_SALT,
      );
      split.tune.forEach((group, i) => ordered.push(...[group, split.report[i]].filter((entry) => entry !== undefined)));
    }
    ordered.forEach((group, i) => byHalf[i % 2 === 0 ? 'tune' : 'report'].push(group));
  }
  return byHalf;
}

interface Manifest {
  readonly version: number;
  readonly skipped: readonly string[];
  readonly halves: Readonly<Record<Half, readonly HardNegativeFile[]>>;
}

async function readManifest(root: string): Promise<HardNegativeSet | null> {
  try {
    const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.version !== HARD_NEGATIVES_VERSION) return null;
    const half = (name: Half): HardNegativeHalf => ({
      half: name,
      dir: join(root, name),
      files: manifest.halves[name].map((file) => ({ ...file, path: resolve(root, file.path) })),
    });
    const set: HardNegativeSet = {
      root,
      version: manifest.version,
      skipped: manifest.skipped,
      halves: { tune: half('tune'), report: half('report') },
    };
    return [...set.halves.tune.files, ...set.halves.report.files].every((file) => existsSync(file.path)) ? set : null;
  } catch {
    return null;
  }
}

async function writeGroup(dir: string, group: PlannedGroup, copies: ReadonlyMap<string, string[]>): Promise<HardNegativeFile[]> {
  const folder = join(dir, group.category, group.id);
  await mkdir(folder, { recursive: true });
  const files: HardNegativeFile[] = [];
  for (const item of group.items) {
    const bytes = await item.render();
    const path = join(folder, `${item.id}.${item.format}`);
    await writeFile(path, bytes);
    const base = { category: group.category, group: group.id, item: `${group.category}/${item.id}`, burst: group.burst };
    files.push({ ...base, path, copy: null });
    for (const editId of copies.get(base.item) ?? []) {
      const edit = COPY_EDITS[editId];
      if (edit === undefined) throw new Error(`hard negatives: no copy edit ${editId}`);
      const copy = await edit.apply(bytes, item.format);
      const copyPath = join(folder, `${item.id}~${edit.id}.${copy.format}`);
      await writeFile(copyPath, copy.bytes);
      files.push({ ...base, path: copyPath, copy: edit.id });
    }
  }
  return files;
}

/**
 * Builds the hard-negatives set under `root` (its `tune/` and `report/` folders are replaced) and
 * returns its ground truth. Categories whose sources are missing are skipped and named in `skipped`.
 *
 * @example
 * const set = await buildHardNegatives('/tmp/hard-negatives', { reuse: true });
 * set.halves.report.files.filter((file) => file.category === 'slides').length // 21 slides + copies
 */
export async function buildHardNegatives(root: string, options: HardNegativeOptions = {}): Promise<HardNegativeSet> {
  const log = options.log ?? ((): void => undefined);
  const absoluteRoot = resolve(root);
  if (options.reuse) {
    const saved = await readManifest(absoluteRoot);
    if (saved !== null) {
      log(`  hard negatives: reusing the set saved in ${absoluteRoot}`);
      return saved;
    }
  }
  const photoRoot = resolve(options.photoRoot ?? '.cache/eval-photos');
  const opencv = findVideoFolder([join('/', OPENCV_DATA), join(photoRoot, OPENCV_DATA), join(photoRoot, 'debian', OPENCV_DATA)]);
  const skipped: string[] = [];
  const groups: PlannedGroup[] = [];
  if (opencv === null) skipped.push(`video, scene-pairs, chessboard: no opencv-doc sample data under ${photoRoot} (run npm run setup)`);
  else if (!(await hasFfmpeg())) skipped.push('video: ffmpeg not found (apt-get install ffmpeg)');
  else groups.push(...(await videoGroups(opencv)));
  if (opencv !== null) groups.push(...sceneGroups(opencv));
  groups.push(...generatedGroups());
  const captioned = captionedGroups(photoRoot);
  if (captioned.length < 4) skipped.push(`captioned: found ${captioned.length} real photos, need 4`);
  else groups.push(...captioned);
  const copies = copyPlan(groups);

  const byHalf = splitGroups(groups);
  const build = async (half: Half): Promise<HardNegativeHalf> => {
    const dir = join(absoluteRoot, half);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const files = (await mapLimited(byHalf[half], 2, (group) => writeGroup(dir, group, copies))).flat();
    log(`  hard negatives, ${half} half: ${files.length} files in ${byHalf[half].length} groups`);
    return { half, dir, files };
  };
  const halves = { tune: await build('tune'), report: await build('report') };
  const manifest: Manifest = {
    version: HARD_NEGATIVES_VERSION,
    skipped,
    halves: {
      tune: halves.tune.files.map((file) => ({ ...file, path: relative(absoluteRoot, file.path) })),
      report: halves.report.files.map((file) => ({ ...file, path: relative(absoluteRoot, file.path) })),
    },
  };
  await mkdir(dirname(join(absoluteRoot, 'manifest.json')), { recursive: true });
  await writeFile(join(absoluteRoot, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return { root: absoluteRoot, version: HARD_NEGATIVES_VERSION, halves, skipped };
}
