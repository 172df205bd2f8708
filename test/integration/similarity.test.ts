import { limits } from '../../src/shared/limits';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import type { DuplicatesReport, FindReport, SimilarReport } from '../../src/shared/types';
import { buildLibrary, type LibraryManifest, type NearGroupFixture } from '../fixtures';
import { ensureCliBuilt, runCli, runCliJson, tempDir } from '../helpers/cli';
import { defined } from '../helpers/defined';
import { formatBytes } from '../../src/cli/format';

let work: string;
let manifest: LibraryManifest;
let library: string;

beforeAll(async () => {
  ensureCliBuilt();
  work = tempDir('similarity');
  manifest = await buildLibrary(path.join(work, 'Photos'));
  library = path.join(work, 'library');
  await runCliJson(['index', manifest.root, '--library', library]);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The horses near group: a real photo (files[0]), then its re-encoded and resized copies. */
function horsesGroup(): NearGroupFixture {
  return defined(manifest.nearGroups[2], 'manifest.nearGroups[2] (horses)');
}

function horsesOriginal(): string {
  return defined(horsesGroup().files[0], 'horses original (manifest.nearGroups[2].files[0])');
}

function firstRealPhoto(): string {
  return defined(manifest.realPhotos[0], 'manifest.realPhotos[0]');
}

describe('near-duplicate groups', () => {
  it('should put each set of edited copies together', async () => {
    const report = await runCliJson<DuplicatesReport>(['duplicates', '--kind', 'near', '--library', library]);
    for (const expected of manifest.nearGroups) {
      const original = defined(expected.files[0], `original of ${expected.why}`);
      const group = defined(
        report.groups.find((g) => g.files.includes(original)),
        `near group with ${original} (${expected.why})`,
      );
      for (const file of expected.files) expect(group.files, `${expected.why}: ${file}`).toContain(file);
    }
  });

  it('should not mix unrelated photos into a group', async () => {
    const report = await runCliJson<DuplicatesReport>(['duplicates', '--kind', 'near', '--library', library]);
    const familyOf = new Map<string, number>();
    const families = [...manifest.nearGroups.map((g) => g.files), ...manifest.pixelGroups, ...manifest.exactGroups];
    families.forEach((files, i) => files.forEach((file) => familyOf.set(file, familyOf.get(file) ?? i)));
    // exact and pixel families of one picture are one family
    for (const group of report.groups) {
      const keys = new Set(group.files.map((file) => familyKey(file)));
      expect(keys.size, JSON.stringify(group.files)).toBe(1);
    }
    function familyKey(file: string): string {
      const near = manifest.nearGroups.findIndex((g) => g.files.includes(file));
      if (near >= 0) return `near${near}`;
      const pixel = manifest.pixelGroups.findIndex(
        (g) => g.includes(file) || manifest.exactGroups.some((e) => e.includes(file) && e.some((x) => g.includes(x))),
      );
      if (pixel >= 0) return `pixel${pixel}`;
      return file;
    }
  });

  it('should score each copy by its similarity to the keeper, never below the threshold in force', async () => {
    for (const threshold of [limits.nearThreshold.min, 0.9, limits.nearThreshold.max]) {
      const report = await runCliJson<DuplicatesReport>([
        'duplicates',
        '--kind',
        'near',
        '--threshold',
        String(threshold),
        '--library',
        library,
      ]);
      for (const group of report.groups) {
        expect(group.kind).toBe('near');
        expect(group.copies.map((copy) => copy.path)).toEqual(group.files);
        expect(group.copies[0]).toMatchObject({ match: 'keeper', score: 1 });
        for (const copy of group.copies.slice(1)) {
          if (copy.match === 'near' && copy.score !== null) expect(copy.score).toBeGreaterThanOrEqual(threshold);
          if (copy.match !== 'near') expect(copy.score).toBe(1);
          expect(copy.score === null || copy.score <= 1).toBe(true);
        }
      }
    }
  });

  it('should not repeat byte- or pixel-identical files as near groups of their own', async () => {
    const report = await runCliJson<DuplicatesReport>(['duplicates', '--kind', 'all', '--library', library]);
    const near = report.groups.filter((g) => g.kind === 'near');
    for (const identical of [...manifest.exactGroups, ...manifest.pixelGroups]) {
      expect(near.some((g) => g.files.every((f) => identical.includes(f)))).toBe(false);
    }
    expect(report.groups.some((g) => g.kind === 'exact')).toBe(true);
    expect(report.groups.some((g) => g.kind === 'pixel')).toBe(true);
  });

  it('should show each file in one group only with kind all, byte copies marked inside near groups, space counted once', async () => {
    const report = await runCliJson<DuplicatesReport>(['duplicates', '--kind', 'all', '--library', library]);
    const files = report.groups.flatMap((group) => group.files);
    expect(new Set(files).size).toBe(files.length);
    expect(report.wastedBytes).toBe(report.groups.reduce((sum, group) => sum + group.wasted_bytes, 0));
    const exact = await runCliJson<DuplicatesReport>(['duplicates', '--kind', 'exact', '--library', library]);
    for (const exactGroup of exact.groups) {
      const merged = defined(
        report.groups.find((group) => group.files.includes(defined(exactGroup.files[0], 'first file'))),
        `group holding ${JSON.stringify(exactGroup.files)}`,
      );
      expect(merged.files).toEqual(expect.arrayContaining([...exactGroup.files]));
      // The byte copies are said to be byte copies: of the keeper, or of an earlier copy.
      const marked = merged.copies.filter((copy) => exactGroup.files.includes(copy.path));
      expect(marked.filter((copy) => copy.match === 'keeper' || (copy.match !== 'exact' && !copy.copyOf)).length).toBeLessThanOrEqual(1);
      // The keeper of the exact view is the first of those files in the all view (one keeper rule).
      expect(merged.files.find((file) => exactGroup.files.includes(file))).toBe(exactGroup.files[0]);
    }
    const text = await runCli(['duplicates', '--kind', 'all', '--library', library]);
    expect(text.stdout).toContain(`${formatBytes(report.wastedBytes)} could be freed`);
  });

  it('should group with a stricter threshold only what the loosest one groups too', async () => {
    const loose = await runCliJson<DuplicatesReport>([
      'duplicates',
      '--kind',
      'near',
      '--threshold',
      String(limits.nearThreshold.min),
      '--hash-distance',
      String(limits.nearHashDistance.max),
      '--library',
      library,
    ]);
    const strict = await runCliJson<DuplicatesReport>([
      'duplicates',
      '--kind',
      'near',
      '--threshold',
      String(limits.nearThreshold.max),
      '--hash-distance',
      String(limits.nearHashDistance.min),
      '--library',
      library,
    ]);
    // The picture check takes the look-alikes out at any setting: what the strict setting groups,
    // the loose one groups too, and the loose one never groups less.
    const pairs = (r: DuplicatesReport) => r.groups.reduce((n, g) => n + g.files.length - 1, 0);
    const together = (r: DuplicatesReport, a: string, b: string) => r.groups.some((g) => g.files.includes(a) && g.files.includes(b));
    for (const group of strict.groups)
      for (const file of group.files.slice(1)) expect(together(loose, group.files[0] ?? '', file)).toBe(true);
    expect(pairs(strict)).toBeLessThanOrEqual(pairs(loose));
    expect(pairs(loose)).toBeGreaterThan(0);
  });
});

describe('doppel similar', () => {
  it('should rank the edited copies of a library photo first, without the photo itself', async () => {
    const [, ...copies] = horsesGroup().files;
    const horses = horsesOriginal();
    const reports = await runCliJson<SimilarReport[]>(['similar', horses, '--limit', '5', '--library', library]);
    const report = defined(reports[0], `similar report for ${horses}`);
    expect(report.query).toBe(horses);
    expect(report.results.map((r) => r.path)).not.toContain(horses);
    expect(
      report.results
        .slice(0, copies.length)
        .map((r) => r.path)
        .sort(),
    ).toEqual([...copies].sort());
    const scores = report.results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(report.results).toHaveLength(5);
  });

  it('should answer for an image outside the library, and for several at once', async () => {
    const outside = path.join(work, 'outside-horses.jpg');
    await sharp(horsesOriginal()).resize(300).jpeg({ quality: 50 }).toFile(outside);
    const reports = await runCliJson<SimilarReport[]>(['similar', outside, firstRealPhoto(), '--limit', '3', '--library', library]);
    expect(reports).toHaveLength(2);
    const best = defined(reports[0]?.results[0], `best result for ${outside}`);
    expect(horsesGroup().files).toContain(best.path);
    expect(best.score).toBeGreaterThan(0.9);
  });

  it('should report an unreadable query without failing the others', async () => {
    const reports = await runCliJson<SimilarReport[]>(['similar', path.join(work, 'nope.jpg'), firstRealPhoto(), '--library', library]);
    const [unreadable, readable] = reports;
    expect(defined(unreadable, 'report for nope.jpg').error).toMatch(/no such file/);
    expect(defined(readable, 'report for the real photo').results.length).toBeGreaterThan(0);
  });
});

describe('doppel find (near)', () => {
  it('should list near copies of an edited photo with scores', async () => {
    const outside = path.join(work, 'outside-edit.jpg');
    await sharp(horsesOriginal()).modulate({ brightness: 1.1 }).jpeg({ quality: 60 }).toFile(outside);
    const report = await runCliJson<FindReport>(['find', outside, '--library', library]);
    expect(report.exact).toEqual([]);
    expect(report.near.map((n) => n.path)).toContain(horsesOriginal());
    expect(report.near.every((n) => n.score > 0 && n.score <= 1)).toBe(true);
  });
});

describe('vector index persistence', () => {
  it('should rebuild a missing or corrupt index file from the stored vectors', async () => {
    const query = horsesOriginal();
    const before = await runCliJson<SimilarReport[]>(['similar', query, '--library', library]);
    const indexFile = defined(
      fs.readdirSync(library).find((f) => f.endsWith('.faiss')),
      `.faiss index file in ${library}`,
    );
    fs.writeFileSync(path.join(library, indexFile), 'garbage');
    const afterCorrupt = await runCliJson<SimilarReport[]>(['similar', query, '--library', library]);
    expect(afterCorrupt).toEqual(before);
    fs.rmSync(path.join(library, indexFile));
    const afterMissing = await runCliJson<SimilarReport[]>(['similar', query, '--library', library]);
    expect(afterMissing).toEqual(before);
    expect(fs.existsSync(path.join(library, indexFile))).toBe(true);
  });

  it('should drop deleted photos from results', async () => {
    const copy = path.join(manifest.root, 'Horses copy for deletion.jpg');
    const query = horsesOriginal();
    await sharp(query).resize(500).jpeg({ quality: 80 }).toFile(copy);
    await runCliJson(['index', manifest.root, '--library', library]);
    const [withCopy] = await runCliJson<SimilarReport[]>(['similar', query, '--library', library]);
    expect(defined(withCopy, `similar report for ${query}`).results.map((r) => r.path)).toContain(copy);
    fs.rmSync(copy);
    await runCliJson(['index', manifest.root, '--library', library]);
    const [afterDelete] = await runCliJson<SimilarReport[]>(['similar', query, '--library', library]);
    expect(defined(afterDelete, `similar report for ${query}`).results.map((r) => r.path)).not.toContain(copy);
  });

  it('should re-embed the library when the model changes, never mixing vectors', async () => {
    const other = path.join(work, 'library-v2');
    fs.cpSync(library, other, { recursive: true });
    const doppel = await Doppel.open({ libraryDir: other, modelId: 'mobilenet-v2-100' });
    try {
      expect(doppel.stats().model).toBe('mobilenet-v2-100');
      expect(doppel.stats().vectors).toBe(0);
      const report = await doppel.index([manifest.root]);
      expect(report.decoded).toBe(0);
      const stats = doppel.stats();
      expect(stats.vectors).toBeGreaterThan(0);
      const [similar] = await doppel.similar([horsesOriginal()], { limit: 2 });
      const best = defined(similar?.results[0], 'best result for the horses original');
      expect(horsesGroup().files).toContain(best.path);
    } finally {
      await doppel.close();
    }
  });
});

describe('without a model', () => {
  it('should still index and find exact duplicates, and say clearly why similarity is off', async () => {
    const emptyModels = path.join(work, 'no-models');
    fs.mkdirSync(emptyModels);
    const result = await runCli(['similar', firstRealPhoto(), '--library', path.join(work, 'lib-nomodel')], {
      DOPPEL_MODELS_DIR: emptyModels,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Similarity search is unavailable: .*missing.*npm run setup/s);
  });
});
