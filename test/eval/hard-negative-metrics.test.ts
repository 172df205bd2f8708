import { describe, expect, it } from 'vitest';
import { scoreDuplicates, scoreShots, type HardNegativeFile } from '../../src/eval/hard-negative-metrics';

const file = (
  path: string,
  category: string,
  group: string,
  item: string,
  copy: string | null = null,
  burst = false,
): HardNegativeFile => ({
  path,
  category,
  group,
  item,
  copy,
  burst,
});

// Two bursts of video frames (b1: f1, f2, f3 and a copy of f1; b2: f1), two slides of one template
// (s1 with a copy) and a slide of another template.
const truth: HardNegativeFile[] = [
  file('/v/b1-f1.jpg', 'video', 'b1', 'video/b1-f1', null, true),
  file('/v/b1-f1~jpeg.jpg', 'video', 'b1', 'video/b1-f1', 'jpeg-q70', true),
  file('/v/b1-f2.jpg', 'video', 'b1', 'video/b1-f2', null, true),
  file('/v/b1-f3.jpg', 'video', 'b1', 'video/b1-f3', null, true),
  file('/v/b2-f1.jpg', 'video', 'b2', 'video/b2-f1', null, true),
  file('/s/t1-1.png', 'slides', 't1', 'slides/t1-1'),
  file('/s/t1-1~crop.png', 'slides', 't1', 'slides/t1-1', 'crop-95'),
  file('/s/t1-2.png', 'slides', 't1', 'slides/t1-2'),
  file('/s/t2-1.png', 'slides', 't2', 'slides/t2-1'),
];

describe('scoreDuplicates', () => {
  it('should count pairs of different pictures as false, per category, and those inside one group', () => {
    const score = scoreDuplicates(truth, {
      groups: [
        // 3 pairs: f1~copy (right), f1~f2 and copy~f2 (false, one burst)
        { kind: 'near', files: ['/v/b1-f1.jpg', '/v/b1-f1~jpeg.jpg', '/v/b1-f2.jpg'] },
        // 1 pair across bursts (false, not in one group)
        { kind: 'near', files: ['/v/b1-f3.jpg', '/v/b2-f1.jpg'] },
        // slides: t1-2 ~ t2-1 false (two templates); t1-1 and its copy not grouped
        { kind: 'near', files: ['/s/t1-2.png', '/s/t2-1.png'] },
      ],
    });
    expect(score.byCategory.video).toMatchObject({
      files: 5,
      copies: 1,
      pairs: 4,
      falsePairs: 3,
      falsePairsInGroup: 2,
      filesInFalsePairs: 5,
    });
    expect(score.byCategory.video?.copiesFound).toEqual({ found: 1, total: 1, recall: 1 });
    expect(score.byCategory.slides).toMatchObject({ pairs: 1, falsePairs: 1, falsePairsInGroup: 0, filesInFalsePairs: 2 });
    expect(score.byCategory.slides?.copiesFound).toEqual({ found: 0, total: 1, recall: 0 });
    expect(score.total).toMatchObject({ files: 9, copies: 2, pairs: 5, falsePairs: 4, filesInFalsePairs: 7 });
    expect(score.total.copiesFoundByEdit).toEqual({
      'crop-95': { found: 0, total: 1, recall: 0 },
      'jpeg-q70': { found: 1, total: 1, recall: 1 },
    });
    expect(score.acrossCategories).toBe(0);
  });

  it('should count pairs across categories and unknown files once, in the total only', () => {
    const score = scoreDuplicates(truth, {
      groups: [{ kind: 'pixel', files: ['/s/t1-1.png', '/s/t1-1~crop.png', '/v/b2-f1.jpg', '/elsewhere.jpg'] }],
    });
    // 6 pairs: slide~copy right; 5 false ones touch the video frame or the unknown file.
    expect(score.acrossCategories).toBe(5);
    expect(score.unknownFiles).toBe(1);
    expect(score.byCategory.slides).toMatchObject({ pairs: 1, falsePairs: 0, filesInFalsePairs: 2 });
    expect(score.byCategory.slides?.copiesFound.found).toBe(1);
    expect(score.total).toMatchObject({ pairs: 6, falsePairs: 5 });
  });

  it('should leave groups of kind shots out', () => {
    const score = scoreDuplicates(truth, { groups: [{ kind: 'shots', files: ['/v/b1-f1.jpg', '/v/b1-f2.jpg'] }] });
    expect(score.total.pairs).toBe(0);
  });
});

describe('scoreShots', () => {
  it('should find burst frames grouped with another frame of their burst, and count other pairs as false', () => {
    const score = scoreShots(truth, {
      groups: [
        // f1~f2 right (one burst), f1~copy right (one picture), copy~f2 right, f2~b2-f1 and the others with b2-f1 false
        { kind: 'shots', files: ['/v/b1-f1.jpg', '/v/b1-f1~jpeg.jpg', '/v/b1-f2.jpg', '/v/b2-f1.jpg'] },
        // two slides of one template are not similar shots
        { kind: 'shots', files: ['/s/t1-1.png', '/s/t1-2.png'] },
      ],
    });
    // Burst frames: b1-f1, b1-f2, b1-f3, b2-f1 (copies not counted); f1 and f2 found.
    expect(score.byCategory.video?.burstFrames).toEqual({ found: 2, total: 4, recall: 0.5 });
    expect(score.byCategory.video).toMatchObject({ pairs: 6, falsePairs: 3 });
    expect(score.byCategory.slides?.burstFrames.total).toBe(0);
    expect(score.byCategory.slides).toMatchObject({ pairs: 1, falsePairs: 1 });
    expect(score.total).toMatchObject({ pairs: 7, falsePairs: 4 });
  });

  it('should not count a frame grouped only with its own copy as found', () => {
    const score = scoreShots(truth, { groups: [{ kind: 'shots', files: ['/v/b1-f1.jpg', '/v/b1-f1~jpeg.jpg'] }] });
    expect(score.byCategory.video?.burstFrames.found).toBe(0);
    expect(score.byCategory.video?.falsePairs).toBe(0);
  });
});
