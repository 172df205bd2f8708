import { describe, expect, it } from 'vitest';
import { evaluateGroups, evaluateSearch, predictedPairs, type GroundTruthFile } from '../../src/eval/metrics';

const truth: GroundTruthFile[] = [
  { path: '/a.jpg', sourceId: 'a', editId: null },
  { path: '/a-q30.jpg', sourceId: 'a', editId: 'jpeg-q30' },
  { path: '/a-rot.jpg', sourceId: 'a', editId: 'rotate-90' },
  { path: '/b.jpg', sourceId: 'b', editId: null },
  { path: '/b-q30.jpg', sourceId: 'b', editId: 'jpeg-q30' },
  { path: '/c.jpg', sourceId: 'c', editId: null },
];
const geometric = new Set(['rotate-90']);

describe('evaluateGroups', () => {
  it('should count an edit as found when it shares a group with its original', () => {
    const metrics = evaluateGroups(truth, [{ files: ['/a.jpg', '/a-q30.jpg'] }, { files: ['/b.jpg', '/b-q30.jpg'] }], geometric);
    expect(metrics.recallByEdit['jpeg-q30']).toEqual({ found: 2, total: 2, recall: 1 });
    expect(metrics.recallNonGeometric.recall).toBe(1);
    expect(metrics.recallGeometric).toMatchObject({ found: 0, total: 1 });
    expect(metrics.pairPrecision).toBe(1);
  });

  it('should count pairs of different sources as false', () => {
    const metrics = evaluateGroups(truth, [{ files: ['/a.jpg', '/a-q30.jpg', '/c.jpg'] }], geometric);
    // pairs: a~a-q30 (true), a~c (false), a-q30~c (false)
    expect(metrics.pairPrecision).toBeCloseTo(1 / 3, 5);
  });
});

describe('predictedPairs', () => {
  it('should count each unordered pair once, across groups and duplicates', () => {
    expect(predictedPairs([{ files: ['/x', '/y', '/x'] }, { files: ['/y', '/x'] }]).size).toBe(1);
  });
});

describe('evaluateSearch', () => {
  it('should score top-1, top-5 and mean average precision', () => {
    const metrics = evaluateSearch(truth, [
      { query: '/a-q30.jpg', results: [{ path: '/a.jpg' }, { path: '/a-rot.jpg' }, { path: '/b.jpg' }] },
      { query: '/b-q30.jpg', results: [{ path: '/c.jpg' }, { path: '/b.jpg' }] },
    ]);
    expect(metrics.queries).toBe(2);
    expect(metrics.top1).toBe(0.5);
    expect(metrics.top5).toBe(1);
    // AP(a-q30) = (1/1 + 2/2) / 2 = 1; AP(b-q30) = (1/2) / 1 = 0.5
    expect(metrics.meanAveragePrecision).toBeCloseTo(0.75, 5);
  });
});
