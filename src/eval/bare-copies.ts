/**
 * The hard-negatives set as most copies on a disk come: without capture metadata. Frames a user
 * cut from a video, pictures saved from a messenger or a browser carry no EXIF, so the check must
 * tell burst frames apart by their pixels alone (issue 20: "the visual check must stand on its
 * own"). Every JPEG is copied with its APP1 segments (EXIF, XMP) left out, byte for byte
 * otherwise: the pixels stay the pixels the set was scored on; other files are copied as they are.
 */
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import type { HardNegativeHalf, HardNegativeSet } from './hard-negatives';

/** JPEG markers: start of image, start of scan, APP1 (EXIF and XMP). */
const SOI = 0xd8;
const SOS = 0xda;
const APP1 = 0xe1;

/**
 * The JPEG without its APP1 segments (EXIF, XMP); anything that does not parse as a JPEG's header
 * segments is returned as it is.
 * @example withoutCaptureMetadata(await readFile('IMG_0001.jpg'))
 */
export function withoutCaptureMetadata(bytes: Buffer): Buffer {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return bytes;
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return bytes;
    const marker = bytes[at + 1] ?? 0;
    if (marker === SOS) break;
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) return bytes;
    if (marker !== APP1) kept.push(bytes.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  kept.push(bytes.subarray(at));
  return Buffer.concat(kept);
}

/** A copy of `set` under `root` whose JPEGs carry no capture metadata; same ground truth, new paths. */
export async function bareCopyOf(set: HardNegativeSet, root: string): Promise<HardNegativeSet> {
  await rm(root, { recursive: true, force: true });
  const copyHalf = async (half: HardNegativeHalf): Promise<HardNegativeHalf> => {
    const dir = join(root, relative(set.root, half.dir));
    await copyTree(half.dir, dir);
    return { ...half, dir, files: half.files.map((file) => ({ ...file, path: join(dir, relative(half.dir, file.path)) })) };
  };
  return {
    ...set,
    root,
    halves: { tune: await copyHalf(set.halves.tune), report: await copyHalf(set.halves.report) },
  };
}

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await copyTree(source, target);
    else if (['.jpg', '.jpeg'].includes(extname(entry.name).toLowerCase()))
      await writeFile(target, withoutCaptureMetadata(await readFile(source)));
    else if (entry.isFile()) await copyFile(source, target);
  }
}
