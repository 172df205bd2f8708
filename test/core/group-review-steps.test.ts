import { describe, expect, it } from 'vitest';
import { GroupReview } from '../../src/core/duplicates/group-review';
import type { CandidateGroup } from '../../src/core/duplicates/file-groups';
import type { CopyDetails } from '../../src/core/store/duplicate.repository';

/** `count` byte-copy pairs: /p/i.jpg and /p/copy/i.jpg share content i. */
function library(count: number): { candidates: CandidateGroup[]; review: () => GroupReview } {
  const details = new Map<string, CopyDetails>();
  const candidates: CandidateGroup[] = [];
  for (let i = 0; i < count; i++) {
    const files = [`/p/${i}.jpg`, `/p/copy/${i}.jpg`];
    files.forEach((path, copy) =>
      details.set(path, {
        path,
        size: 1000 + i,
        mtimeMs: copy,
        inode: `1:${path}`,
        contentHash: `content-${i}`,
        pixelHash: `pixels-${i}`,
        width: 100,
        height: 100,
        format: 'jpeg',
        takenAt: null,
        camera: null,
      }),
    );
    candidates.push({ kind: 'exact', files });
  }
  const review = () =>
    new GroupReview({
      copyDetailsOf: (paths) =>
        new Map(
          paths.flatMap((path) => {
            const found = details.get(path);
            return found ? [[path, found] as const] : [];
          }),
        ),
      notDuplicatePairs: () => new Set(),
      embeddingsOf: () => new Map(),
    });
  return { candidates, review };
}

describe('the review in steps', () => {
  it('should answer as the review in one go does', async () => {
    const { candidates, review } = library(500);
    const inSteps = await review().reviewInSteps(candidates, { kind: 'all', threshold: 0.8 }, new AbortController().signal);
    expect(inSteps).toEqual(review().review(candidates, { kind: 'all', threshold: 0.8 }));
  });

  it('should stop between its steps once its request is superseded, with the reason it was given', async () => {
    const { candidates, review } = library(40_000);
    const reviewer = review();
    const controller = new AbortController();
    const reason = Object.assign(new Error('a newer request replaced this one'), { code: 'superseded' });
    let turns = 0;
    // The event loop gets a turn between steps: the newer request arrives in the first one.
    const stopSoon = (): void => {
      turns += 1;
      controller.abort(reason);
    };
    setImmediate(stopSoon);
    await expect(reviewer.reviewInSteps(candidates, { kind: 'all', threshold: 0.8 }, controller.signal)).rejects.toBe(reason);
    expect(turns).toBe(1);
    // What it read is kept, the last answer is not replaced by half of one: the next review is whole.
    expect(reviewer.review(candidates, { kind: 'all', threshold: 0.8 }).groups).toHaveLength(40_000);
  });

  it('should not start a review whose request was already superseded', async () => {
    const { candidates, review } = library(10);
    const controller = new AbortController();
    controller.abort(new Error('superseded before it started'));
    await expect(review().reviewInSteps(candidates, { kind: 'all', threshold: 0.8 }, controller.signal)).rejects.toThrow(
      'before it started',
    );
  });
});
