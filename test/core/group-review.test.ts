import { describe, expect, it } from 'vitest';
import { GroupReview, mergeOverlapping, pairKey } from '../../src/core/duplicates/group-review';
import type { CopyDetails } from '../../src/core/store/duplicate.repository';
import { cameraName } from '../../src/core/store/photo.repository';

/** A library of five files: a, a2 (byte copy of a), b (same pixels as a), c (similar), d (similar to c only). */
function file(path: string, over: Partial<CopyDetails> = {}): CopyDetails {
  return {
    path,
    size: 1000,
    mtimeMs: 0,
    inode: `1:${path}`,
    contentHash: `hash-${path}`,
    pixelHash: `pixels-${path}`,
    width: 100,
    height: 100,
    format: 'jpeg',
    takenAt: null,
    camera: null,
    ...over,
  };
}
const files = new Map<string, CopyDetails>(
  [
    file('/p/a.jpg', { width: 200, contentHash: 'A', pixelHash: 'PA' }),
    file('/p/copy/a.jpg', { width: 200, contentHash: 'A', pixelHash: 'PA' }),
    file('/p/b.png', { width: 200, size: 3000, contentHash: 'B', pixelHash: 'PA' }),
    file('/p/c.jpg', { contentHash: 'C', pixelHash: 'PC', size: 500 }),
    file('/p/d.jpg', { contentHash: 'D', pixelHash: 'PD', size: 400 }),
  ].map((details) => [details.path, details]),
);
/** Unit embeddings: C is 0.95 similar to B (and A), D only 0.5. */
const embeddings: Record<string, Float32Array> = {
  A: Float32Array.of(1, 0),
  B: Float32Array.of(1, 0),
  C: Float32Array.of(0.95, Math.sqrt(1 - 0.95 ** 2)),
  D: Float32Array.of(0.5, Math.sqrt(1 - 0.5 ** 2)),
};

/** The keys that have a value, as a batch read answers them. */
function pick<T>(keys: readonly string[], valueOf: (key: string) => T | undefined): Map<string, T> {
  return new Map(
    keys.flatMap((key) => {
      const value = valueOf(key);
      return value === undefined ? [] : [[key, value] as const];
    }),
  );
}

function reviewWith(against: readonly [string, string][] = []): GroupReview {
  return new GroupReview({
    copyDetailsOf: (paths) => pick(paths, (path) => files.get(path)),
    notDuplicatePairs: () => new Set(against.map(([a, b]) => pairKey(a, b))),
    embeddingsOf: (hashes) => pick(hashes, (hash) => embeddings[hash]),
  });
}

const candidates = [
  { kind: 'exact' as const, files: ['/p/a.jpg', '/p/copy/a.jpg'] },
  { kind: 'pixel' as const, files: ['/p/a.jpg', '/p/copy/a.jpg', '/p/b.png'] },
  { kind: 'near' as const, files: ['/p/b.png', '/p/a.jpg', '/p/copy/a.jpg', '/p/c.jpg', '/p/d.jpg'] },
];

describe('GroupReview', () => {
  it('should merge groups that share a file into one with kind all, each file once', () => {
    const report = reviewWith().review(candidates, { kind: 'all', threshold: 0.9 });
    expect(report.groups).toHaveLength(1);
    const [group] = report.groups;
    expect(group?.kind).toBe('near');
    expect([...(group?.files ?? [])].sort()).toEqual([...files.keys()].sort());
  });

  it('should put the keeper first by the rule and mark every copy against it', () => {
    const [group] = reviewWith().review(candidates, { kind: 'all', threshold: 0.9 }).groups;
    // Highest resolution ties between a, copy/a and b; the camera format (JPEG) beats the bigger PNG
    // export of the same pixels, and of the two byte copies the shorter path wins.
    expect(group?.copies.map((copy) => [copy.path, copy.match, copy.score, copy.copyOf?.path ?? null])).toEqual([
      ['/p/a.jpg', 'keeper', 1, null],
      ['/p/copy/a.jpg', 'exact', 1, null],
      ['/p/b.png', 'pixel', 1, null],
      ['/p/c.jpg', 'near', 0.95, null],
      // Below the threshold against the keeper: in the group (through c), but never shown as a score.
      ['/p/d.jpg', 'near', null, null],
    ]);
  });

  it('should count the space to free once per file and agree with the report total', () => {
    const report = reviewWith().review(candidates, { kind: 'all', threshold: 0.9 });
    expect(report.groups[0]?.wasted_bytes).toBe(1000 + 3000 + 500 + 400);
    expect(report.wastedBytes).toBe(report.groups[0]?.wasted_bytes);
  });

  it('should keep reference-folder copies first and not count them as space to free', () => {
    const [group] = reviewWith().review(candidates, { kind: 'all', threshold: 0.9, protectedFolders: ['/p/copy'] }).groups;
    expect(group?.files[0]).toBe('/p/copy/a.jpg');
    expect(group?.copies[0]?.protected).toBe(true);
    expect(group?.wasted_bytes).toBe(3000 + 1000 + 500 + 400);
  });

  it('should put a source before the copies the derivedFrom relation says were made from it', () => {
    const review = new GroupReview({
      copyDetailsOf: (paths) => pick(paths, (path) => files.get(path)),
      notDuplicatePairs: () => new Set(),
      embeddingsOf: (hashes) => pick(hashes, (hash) => embeddings[hash]),
      // a.jpg is an upscale of c.jpg: it, its byte copy and its pixel copy (b.png) come after c.
      derivedFrom: (derived, source) => derived === 'A' && source === 'C',
    });
    const [group] = review.review(candidates, { kind: 'all', threshold: 0.5 }).groups;
    expect(group?.copies.map((copy) => [copy.path, copy.match, copy.copyOf ?? null])).toEqual([
      ['/p/c.jpg', 'keeper', null],
      ['/p/a.jpg', 'near', null],
      ['/p/copy/a.jpg', 'near', { match: 'exact', path: '/p/a.jpg' }],
      ['/p/b.png', 'near', { match: 'pixel', path: '/p/a.jpg' }],
      ['/p/d.jpg', 'near', null],
    ]);
  });

  it('should follow another keeper rule in every kind the same way', () => {
    const options = { threshold: 0.9, keep: { rule: 'smallest' as const } };
    const all = reviewWith().review(candidates, { ...options, kind: 'all' }).groups[0];
    const exact = reviewWith().review(candidates.slice(0, 1), { ...options, kind: 'exact' }).groups[0];
    expect(all?.files[0]).toBe('/p/d.jpg');
    expect(exact?.files[0]).toBe('/p/a.jpg'); // shortest path breaks the tie between the byte copies
    expect(all?.files.find((path) => exact?.files.includes(path))).toBe(exact?.files[0]);
  });

  it('should split off contents marked not duplicates and keep the keeper part whole', () => {
    const report = reviewWith([['B', 'C']]).review(candidates, { kind: 'all', threshold: 0.9 });
    const groups = report.groups.map((group) => [...group.files].sort());
    expect(groups).toContainEqual(['/p/a.jpg', '/p/b.png', '/p/copy/a.jpg', '/p/d.jpg']);
    expect(groups.flat()).not.toContain('/p/c.jpg');
  });

  it("should read each file once until the library changes, and each content's vector once", () => {
    const reads: string[][] = [];
    let cSimilarity = 0.95;
    const review = new GroupReview({
      copyDetailsOf: (paths) => {
        reads.push([...paths]);
        return pick(paths, (path) => files.get(path));
      },
      notDuplicatePairs: () => new Set(),
      embeddingsOf: (hashes) => {
        reads.push([...hashes]);
        return pick(hashes, (hash) => (hash === 'C' ? Float32Array.of(cSimilarity, Math.sqrt(1 - cSimilarity ** 2)) : embeddings[hash]));
      },
    });
    const scoreOfC = (): number | null | undefined =>
      review.review(candidates, { kind: 'all', threshold: 0.5 }).groups[0]?.copies.find((copy) => copy.path === '/p/c.jpg')?.score;
    expect(scoreOfC()).toBe(0.95);
    expect(reads).toHaveLength(2); // the files, then the vectors of the near copies and their keeper
    // A slider move regroups the same files: nothing is read again.
    expect(review.review(candidates.slice(2), { kind: 'near', threshold: 0.9 }).groups).toHaveLength(1);
    expect(scoreOfC()).toBe(0.95);
    expect(reads).toHaveLength(2);
    // The library changed: the files are read again, not the vectors (a content's vector never changes).
    cSimilarity = 0.8;
    review.invalidate();
    expect(scoreOfC()).toBe(0.95);
    expect(reads).toHaveLength(3);
  });

  it('should read again only the files a clean-up or an undo touched', () => {
    const reads: string[][] = [];
    let sizeOfD = 400;
    const review = new GroupReview({
      copyDetailsOf: (paths) => {
        reads.push([...paths]);
        return pick(paths, (path) => {
          const details = files.get(path);
          return details && path === '/p/d.jpg' ? { ...details, size: sizeOfD } : details;
        });
      },
      notDuplicatePairs: () => new Set(),
      embeddingsOf: (hashes) => pick(hashes, (hash) => embeddings[hash]),
    });
    const sizeOf = (path: string): number | undefined =>
      review
        .review(candidates, { kind: 'all', threshold: 0.3 })
        .groups.flatMap((group) => group.copies)
        .find((copy) => copy.path === path)?.size;
    expect(sizeOf('/p/d.jpg')).toBe(400);
    reads.length = 0;
    sizeOfD = 900;
    review.forget(['/p/d.jpg']);
    expect(sizeOf('/p/d.jpg')).toBe(900);
    expect(reads).toEqual([['/p/d.jpg']]);
  });

  it('should answer each choice afresh when the same groups come again', () => {
    let against: [string, string][] = [];
    const review = new GroupReview({
      copyDetailsOf: (paths) => pick(paths, (path) => files.get(path)),
      notDuplicatePairs: () => new Set(against.map(([a, b]) => pairKey(a, b))),
      embeddingsOf: (hashes) => pick(hashes, (hash) => embeddings[hash]),
    });
    const first = (options: Partial<Parameters<GroupReview['review']>[1]> = {}) =>
      review.review(candidates, { kind: 'all', threshold: 0.9, ...options }).groups;
    expect(first()[0]?.files[0]).toBe('/p/a.jpg');
    expect(first({ keep: { rule: 'smallest' } })[0]?.files[0]).toBe('/p/d.jpg');
    expect(first({ protectedFolders: ['/p/copy'] })[0]?.files[0]).toBe('/p/copy/a.jpg');
    // The threshold only hides or shows scores: 0.95 is shown at 0.9, hidden at 0.96.
    const scoreOfC = (threshold: number): number | null | undefined =>
      first({ threshold })[0]?.copies.find((copy) => copy.path === '/p/c.jpg')?.score;
    expect([scoreOfC(0.9), scoreOfC(0.96), scoreOfC(0.9)]).toEqual([0.95, null, 0.95]);
    against = [['B', 'C']];
    expect(first().flatMap((group) => group.files)).not.toContain('/p/c.jpg');
  });

  it('should union chains of overlapping groups', () => {
    expect(
      mergeOverlapping([
        { kind: 'exact', files: ['x', 'y'] },
        { kind: 'near', files: ['y', 'z'] },
        { kind: 'near', files: ['q', 'r'] },
      ]),
    ).toEqual([
      ['x', 'y', 'z'],
      ['q', 'r'],
    ]);
  });
});

describe('cameraName', () => {
  it('should say the make once when the model repeats it', () => {
    expect(cameraName('Canon', 'Canon EOS R6')).toBe('Canon EOS R6');
    expect(cameraName('NIKON CORPORATION', 'NIKON D750')).toBe('NIKON CORPORATION NIKON D750');
    expect(cameraName('Apple', 'iPhone 15')).toBe('Apple iPhone 15');
    expect(cameraName(null, null)).toBeNull();
  });
});
