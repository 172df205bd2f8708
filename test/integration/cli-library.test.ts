import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuplicatesReport, FindReport, IndexReport } from '../../src/shared/types';
import { buildLibrary, type LibraryManifest } from '../fixtures';
import { ensureCliBuilt, runCli, runCliJson, tempDir } from '../helpers/cli';
import { defined } from '../helpers/defined';

let work: string;
let manifest: LibraryManifest;
let library: string;
let firstRun: IndexReport;
let photoFolderBefore: string[];

function listing(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

const sorted = (paths: readonly string[]) => [...paths].sort();

beforeAll(async () => {
  ensureCliBuilt();
  work = tempDir('cli');
  manifest = await buildLibrary(path.join(work, 'Photos ä'));
  library = path.join(work, 'library');
  photoFolderBefore = listing(manifest.root);
  firstRun = await runCliJson<IndexReport>(['index', manifest.root, '--library', library]);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('doppel index', () => {
  it('should see every photo file, skipping hidden folders and ignoring non-images', () => {
    expect(firstRun.scanned).toBe(manifest.images.length);
    expect(firstRun.indexed).toBe(manifest.images.length);
    expect(firstRun.unchanged).toBe(0);
    expect(firstRun.cancelled).toBe(false);
  });

  it('should report each bad file with a human-readable reason and no other file', () => {
    expect(sorted(firstRun.errors.map((e) => e.path))).toEqual(sorted(manifest.errors.map((e) => e.path)));
    const reasonOf = (kind: string) => firstRun.errors.find((e) => e.path === manifest.errors.find((b) => b.kind === kind)?.path)?.reason;
    expect(reasonOf('empty')).toMatch(/empty file/);
    expect(reasonOf('truncated')).toMatch(/truncated/i);
    expect(reasonOf('not-an-image')).toMatch(/not a recognised image/);
    expect(reasonOf('decompression-bomb')).toMatch(/40000x40000|too large/);
    expect(reasonOf('raw-without-preview')).toMatch(/RAW files are not supported.*no embedded JPEG preview/);
    expect(reasonOf('unsupported')).toBeTruthy();
  });

  it('should decode HEIC (HEVC), AVIF, GIF, TIFF and WebP, and RAW through its preview', () => {
    const failed = new Set(firstRun.errors.map((e) => e.path));
    for (const file of [...Object.values(manifest.formats), manifest.raw.withPreview]) expect(failed.has(file), file).toBe(false);
  });

  it('should decode each distinct content once and make one thumbnail for it', () => {
    const thumbs = fs.readdirSync(path.join(library, 'thumbs'), { recursive: true }).filter((f) => String(f).endsWith('.webp'));
    expect(thumbs.length).toBe(firstRun.decoded);
    const distinctDecodable = manifest.decodable.length - manifest.exactGroups.reduce((n, g) => n + g.length - 1, 0);
    expect(firstRun.decoded).toBe(distinctDecodable);
    // A first index moves nothing: every file with known bytes is a copy.
    expect(firstRun.copies).toBe(manifest.decodable.length - distinctDecodable);
    expect(firstRun.moved).toBe(0);
  });

  it('should write nothing outside the library folder', () => {
    expect(listing(manifest.root)).toEqual(photoFolderBefore);
  });

  it('should skip unchanged files on the next run without reading them', async () => {
    const again = await runCliJson<IndexReport>(['index', manifest.root, '--library', library]);
    expect(again.unchanged).toBe(manifest.images.length);
    expect(again.indexed).toBe(0);
    expect(again.decoded).toBe(0);
    expect(sorted(again.errors.map((e) => e.path))).toEqual(sorted(manifest.errors.map((e) => e.path)));
  });
});

describe('doppel duplicates', () => {
  it('should list byte-identical files as exact groups with absolute paths', async () => {
    const report = await runCliJson<DuplicatesReport>(['duplicates', '--kind', 'exact', '--library', library]);
    expect(report.groups.every((g) => g.kind === 'exact')).toBe(true);
    expect(report.groups.map((g) => sorted(g.files)).sort()).toEqual(manifest.exactGroups.map((g) => sorted(g)).sort());
    expect(report.groups.flatMap((g) => g.files).every((f) => path.isAbsolute(f))).toBe(true);
  });

  it('should count wasted bytes once per inode and sort groups by them', async () => {
    const report = await runCliJson<DuplicatesReport>(['duplicates', '--kind', 'exact', '--library', library]);
    for (const group of report.groups) {
      const sizes = group.files.map((f) => fs.statSync(f).size);
      const inodes = new Set(group.files.map((f) => fs.statSync(f).ino));
      const size = defined(sizes[0], `file size in exact group ${JSON.stringify(group.files)}`);
      expect(group.bytes).toBe(size * inodes.size);
      expect(group.wasted_bytes).toBe(size * (inodes.size - 1));
    }
    const hardLinked = report.groups.find((g) => manifest.hardLinks.some((pair) => pair.every((p) => g.files.includes(p))));
    expect(hardLinked).toBeDefined();
    const wasted = report.groups.map((g) => g.wasted_bytes);
    expect(wasted).toEqual([...wasted].sort((a, b) => b - a));
  });

  it('should group pixel-identical files, including the byte copies of that picture', async () => {
    const report = await runCliJson<DuplicatesReport>(['duplicates', '--kind', 'pixel', '--library', library]);
    expect(report.groups.every((g) => g.kind === 'pixel')).toBe(true);
    for (const expected of manifest.pixelGroups) {
      const first = defined(expected[0], `first file of pixel group ${JSON.stringify(expected)}`);
      const group = defined(
        report.groups.find((g) => g.files.includes(first)),
        `pixel group of ${first}`,
      );
      const copies = manifest.exactGroups.filter((g) => g.some((p) => expected.includes(p))).flat();
      expect(sorted(group.files)).toEqual(sorted([...new Set([...expected, ...copies])]));
    }
    expect(report.groups).toHaveLength(manifest.pixelGroups.length);
  });

  it('should accept every kind and reject an unknown one', async () => {
    for (const kind of ['exact', 'pixel', 'near', 'shots', 'all']) {
      expect((await runCli(['duplicates', '--kind', kind, '--library', library, '--json'])).code).toBe(0);
    }
    const bad = await runCli(['duplicates', '--kind', 'blurry', '--library', library]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--kind must be exact, pixel, near, shots or all/);
  });
});

describe('doppel find', () => {
  it('should find the exact copies of a file from outside the library', async () => {
    const group = defined(manifest.exactGroups[0], 'manifest.exactGroups[0]');
    const outside = path.join(work, 'outside-copy.jpg');
    fs.copyFileSync(defined(group[0], 'first file of manifest.exactGroups[0]'), outside);
    const report = await runCliJson<FindReport>(['find', outside, '--library', library]);
    expect(sorted(report.exact)).toEqual(sorted(group));
    expect(report.pixel).toEqual([]);
  });

  it('should find pixel-identical photos of a re-encoded lossless copy', async () => {
    const group = defined(manifest.pixelGroups[0], 'manifest.pixelGroups[0]');
    const outside = path.join(work, 'outside-export.tif');
    const sharp = (await import('sharp')).default;
    await sharp(group[0]).rotate().tiff({ compression: 'none' }).toFile(outside); // new bytes, same pixels
    const report = await runCliJson<FindReport>(['find', outside, '--library', library]);
    expect(report.exact).toEqual([]);
    for (const member of group) expect(report.pixel).toContain(member);
  });

  it('should say clearly when the image does not exist', async () => {
    const result = await runCli(['find', path.join(work, 'nope.jpg'), '--library', library]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no such file/);
  });
});

describe('command failures', () => {
  it('should exit 2 on bad arguments and 1 on an unusable library', async () => {
    expect((await runCli(['index'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const file = path.join(work, 'a-file');
    fs.writeFileSync(file, 'x');
    const result = await runCli(['duplicates', '--library', path.join(file, 'lib')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Cannot use .* as the library folder: .* is a file, not a folder/);
  });
});
