/**
 * Real photographs for the evaluation, from Debian packages. Only photographs are allow-listed:
 * drawings, charts, renders and the second frame of stereo or video pairs (which would be true
 * near-duplicates of the first, and so false "unrelated" distractors) are left out on purpose.
 *
 * Packages: `darknet` (installed), `python3-skimage` and `opencv-doc`. The latter two pull in heavy
 * dependencies, so setup may instead unpack their .deb files (`apt-get download` + `dpkg -x`) under
 * `.cache/eval-photos/`; both layouts are searched, as is `$DOPPEL_EVAL_PHOTO_DIRS` (colon-separated
 * folders of extra photos, every image in them taken).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';

export interface SourcePhoto {
  /** Unique, file-name safe id, e.g. `skimage-chelsea`. */
  readonly id: string;
  readonly path: string;
  /** The package (or folder) it came from. */
  readonly origin: string;
}

interface PhotoPackage {
  readonly origin: string;
  /** Data folder relative to the file-system root (installed) or to an unpacked .deb. */
  readonly folder: string;
  readonly files: readonly string[];
}

const PACKAGES: readonly PhotoPackage[] = [
  {
    origin: 'darknet',
    folder: 'usr/share/darknet/data',
    files: ['dog.jpg', 'eagle.jpg', 'giraffe.jpg', 'horses.jpg', 'kite.jpg', 'person.jpg', 'scream.jpg'],
  },
  {
    origin: 'skimage',
    folder: 'usr/lib/python3/dist-packages/skimage/data',
    files: [
      'astronaut.png',
      'chelsea.png',
      'coffee.png',
      'motorcycle_left.png',
      'camera.png',
      'coins.png',
      'moon.png',
      'brick.png',
      'ihc.png',
      'rocket.jpg',
      'hubble_deep_field.jpg',
      'retina.jpg',
    ],
  },
  {
    origin: 'opencv',
    folder: 'usr/share/doc/opencv-doc/examples/data',
    files: [
      'aero1.jpg',
      'aloeL.jpg',
      'apple.jpg',
      'baboon.jpg',
      'board.jpg',
      'building.jpg',
      'butterfly.jpg',
      'fruits.jpg',
      'home.jpg',
      'leuvenA.jpg',
      'messi5.jpg',
      'orange.jpg',
      'squirrel_cls.jpg',
      'stuff.jpg',
      'ela_original.jpg',
      'chicky_512.png',
      'graf1.png',
      'basketball1.png',
      'rubberwhale1.png',
      'smarties.png',
    ],
  },
];

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff']);

/** Where packages may be: installed at `/`, or unpacked into each folder under `unpackedRoot`. */
function packageRoots(unpackedRoot: string): string[] {
  const roots = ['/'];
  if (existsSync(unpackedRoot)) {
    const folders = readdirSync(unpackedRoot)
      .map((name) => join(unpackedRoot, name))
      .filter((path) => statSync(path).isDirectory());
    roots.push(unpackedRoot, ...folders);
  }
  return roots;
}

function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '_');
}

/**
 * Every allow-listed photo found on this machine (first location wins), then extra folders; sorted by id.
 *
 * @example
 * findSourcePhotos({ unpackedRoot: '.cache/eval-photos' }) // [{ id: 'darknet-dog', path: '/usr/share/darknet/data/dog.jpg', origin: 'darknet' }, ...]
 */
export function findSourcePhotos(options: { unpackedRoot?: string; extraDirs?: readonly string[] } = {}): SourcePhoto[] {
  const unpackedRoot = resolve(options.unpackedRoot ?? '.cache/eval-photos');
  const found = new Map<string, SourcePhoto>();
  for (const pkg of PACKAGES) {
    for (const file of pkg.files) {
      const id = safeId(`${pkg.origin}-${basename(file, extname(file))}`);
      if (found.has(id)) continue;
      const path = packageRoots(unpackedRoot)
        .map((root) => join(root, pkg.folder, file))
        .find((candidate) => existsSync(candidate));
      if (path !== undefined) found.set(id, { id, path, origin: pkg.origin });
    }
  }
  for (const dir of options.extraDirs ?? []) {
    for (const name of readdirSync(dir).sort()) {
      if (!IMAGE_EXTENSIONS.has(extname(name).toLowerCase())) continue;
      const id = safeId(`extra-${basename(name, extname(name))}`);
      if (!found.has(id)) found.set(id, { id, path: join(dir, name), origin: dir });
    }
  }
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
}
