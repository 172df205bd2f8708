import { describe, expect, it } from 'vitest';
import { SyntheticEmbeddings } from '../../src/core/vectors/synthetic-embeddings';
import { chooseKind, DEFAULT_FLAT_LIMIT, kindFits, LARGE_INDEX, VectorIndex } from '../../src/core/vectors/vector-index';
import { defined, elementAt } from '../helpers/defined';

const DIM = 32;

/** Unit vectors along axes, optionally tilted towards the next axis so neighbours are unambiguous. */
function axisVectors(count: number, dim = DIM): Float32Array {
  const vectors = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    vectors[i * dim + (i % dim)] = 1;
    vectors[i * dim + ((i + 1) % dim)] = 0.1 * (1 + Math.floor(i / dim));
  }
  normalizeRows(vectors, dim);
  return vectors;
}

function dot(queries: Float32Array, query: number, rows: Float32Array, row: number, dim: number): number {
  let sum = 0;
  for (let d = 0; d < dim; d++) sum += (queries[query * dim + d] ?? 0) * (rows[row * dim + d] ?? 0);
  return sum;
}

function normalizeRows(vectors: Float32Array, dim: number): void {
  for (let row = 0; row < vectors.length / dim; row++) {
    const vector = vectors.subarray(row * dim, (row + 1) * dim);
    const norm = Math.hypot(...vector);
    vector.set(vector.map((value) => value / norm));
  }
}

describe('VectorIndex (flat)', () => {
  it('should return exact neighbours with inner-product scores, best first', () => {
    const vectors = new Float32Array([1, 0, 0, 0.8, 0.6, 0, 0, 1, 0, 0, 0, 1]);
    const index = VectorIndex.build(3, vectors);
    expect(index.kind).toBe('flat');
    const hits = defined(index.search(new Float32Array([1, 0, 0]), 3)[0], 'hits for the query');
    expect(hits.slice(0, 2).map((hit) => hit.position)).toEqual([0, 1]);
    expect(elementAt(hits, 0, 'hits').score).toBeCloseTo(1, 6);
    expect(elementAt(hits, 1, 'hits').score).toBeCloseTo(0.8, 6);
    expect(elementAt(hits, 2, 'hits').score).toBeCloseTo(0, 6);
  });

  it('should give positions in insertion order across build and add', () => {
    const index = VectorIndex.build(DIM, axisVectors(10));
    index.add(axisVectors(20).subarray(10 * DIM));
    expect(index.size).toBe(20);
    const query = axisVectors(20).subarray(15 * DIM, 16 * DIM);
    expect(defined(index.search(query, 1)[0]?.[0], 'nearest hit').position).toBe(15);
  });

  it('should clamp k to the number of vectors', () => {
    const index = VectorIndex.build(DIM, axisVectors(3));
    const [hits] = index.search(axisVectors(1), 10);
    expect(hits).toHaveLength(3);
  });

  it('should return one empty list per query when the index is empty', () => {
    const index = VectorIndex.create(DIM, { expectedSize: 0 });
    expect(index.search(axisVectors(2), 5)).toEqual([[], []]);
  });

  it('should answer a batch of queries with one list each, in query order', () => {
    const vectors = axisVectors(1200);
    const index = VectorIndex.build(DIM, vectors, { kind: 'flat' });
    const results = index.search(vectors, 1);
    expect(results).toHaveLength(1200);
    expect(results.every((hits, query) => hits[0]?.position === query)).toBe(true);
  });

  it('should reject a vector array that is not a multiple of the dimension', () => {
    const index = VectorIndex.create(DIM, { expectedSize: 0 });
    expect(() => index.add(new Float32Array(DIM + 1))).toThrow(/not a multiple of the dimension/);
  });

  it('should reject k below 1 instead of passing it to faiss', () => {
    const index = VectorIndex.build(DIM, axisVectors(3));
    expect(() => index.search(axisVectors(1), 0)).toThrow(/k must be a positive integer/);
  });
});

describe('VectorIndex (approximate)', () => {
  it('should pick flat for small libraries and HNSW with PCA for large 1024-dim ones, fewer PCA dims above 250k', () => {
    expect(chooseKind(DEFAULT_FLAT_LIMIT, 1024)).toBe('flat');
    expect(chooseKind(100_000, 1024)).toBe('pca256,hnsw32');
    expect(chooseKind(LARGE_INDEX + 1, 1024)).toBe('pca128,hnsw32');
    expect(chooseKind(100_000, 128)).toBe('hnsw32');
  });

  it('should keep an index of the neighbouring size band near the edge instead of rebuilding it', () => {
    expect(kindFits('pca256,hnsw32', LARGE_INDEX + 1000, 1024)).toBe(true);
    expect(kindFits('pca128,hnsw32', LARGE_INDEX - 1000, 1024)).toBe(true);
    expect(kindFits('pca256,hnsw32', 2 * LARGE_INDEX, 1024)).toBe(false);
    expect(kindFits('flat', DEFAULT_FLAT_LIMIT + 100, 1024)).toBe(true);
    expect(kindFits('flat', 2 * DEFAULT_FLAT_LIMIT, 1024)).toBe(false);
    expect(kindFits('pca64,ivf256,flat', 100_000, 1024)).toBe(false); // a kind this version never builds
  });

  it('should create the large-library kind from the expected size and re-score its candidates to the exact top 10', () => {
    const dim = 1024;
    const generator = new SyntheticEmbeddings({ dim, librarySize: 1500, seed: 13 });
    const vectors = generator.fill(0, 1500);
    const large = VectorIndex.create(dim, { expectedSize: LARGE_INDEX + 1, trainingVectors: vectors });
    large.add(vectors);
    expect(large.kind).toBe('pca128,hnsw32');
    const exact = VectorIndex.build(dim, vectors, { kind: 'flat' });
    const queries = generator.fill(1500, 30);
    const truth = exact.search(queries, 10);
    let hits = 0;
    large.search(queries, 28).forEach((candidates, query) => {
      // As VectorSearchService: exact scores for the candidates, best 10 kept.
      const rescored = candidates
        .map((hit) => ({ position: hit.position, score: dot(queries, query, vectors, hit.position, dim) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10);
      const expected = new Set(elementAt(truth, query, 'exact results').map((hit) => hit.position));
      hits += rescored.filter((hit) => expected.has(hit.position)).length;
    });
    expect(hits / (30 * 10)).toBeGreaterThanOrEqual(0.95);
    large.dispose();
    exact.dispose();
  });

  it('should fall back to flat on auto when there are too few training vectors', () => {
    const index = VectorIndex.create(DIM, { expectedSize: 100_000, trainingVectors: axisVectors(10) });
    expect(index.kind).toBe('flat');
  });

  it('should refuse an explicit approximate index without enough training vectors', () => {
    expect(() => VectorIndex.create(1024, { expectedSize: 10, kind: 'approximate' })).toThrow(/at least 1000 training vectors/);
  });

  it('should reach recall@10 >= 0.95 against exact search on clustered embeddings', () => {
    const dim = 384;
    const count = 5000;
    const generator = new SyntheticEmbeddings({ dim, librarySize: count, latentDim: 96, seed: 11 });
    const vectors = generator.fill(0, count);
    const approximate = VectorIndex.build(dim, vectors, { kind: 'approximate' });
    const exact = VectorIndex.build(dim, vectors, { kind: 'flat' });
    expect(approximate.kind).toBe('pca256,hnsw32');
    const queries = generator.fill(count, 200); // unseen photos, as in a similar-photos query
    const truth = exact.search(queries, 10);
    const found = approximate.search(queries, 10);
    let hits = 0;
    truth.forEach((expected, query) => {
      const got = new Set(elementAt(found, query, 'approximate results').map((hit) => hit.position));
      hits += expected.filter((hit) => got.has(hit.position)).length;
    });
    expect(hits / (200 * 10)).toBeGreaterThanOrEqual(0.95);
    // Scores estimate cosine similarity.
    const approximateBest = defined(found[0]?.[0], 'approximate best hit for query 0');
    const exactBest = defined(truth[0]?.[0], 'exact best hit for query 0');
    expect(Math.abs(approximateBest.score - exactBest.score)).toBeLessThan(0.05);
  });

  it('should search more candidates when asked, finding at least as many true neighbours', () => {
    const dim = 64;
    const count = 6000;
    const generator = new SyntheticEmbeddings({ dim, librarySize: count, latentDim: 64, seed: 5 });
    const vectors = generator.fill(0, count);
    const approximate = VectorIndex.build(dim, vectors, { kind: 'approximate' });
    const exact = VectorIndex.build(dim, vectors, { kind: 'flat' });
    const queries = generator.fill(count, 300);
    const truth = exact.search(queries, 10);
    const recallWith = (candidates: number): number => {
      const found = approximate.search(queries, 10, { candidates });
      let hits = 0;
      truth.forEach((expected, query) => {
        const got = new Set(elementAt(found, query, 'approximate results').map((hit) => hit.position));
        hits += expected.filter((hit) => got.has(hit.position)).length;
      });
      return hits / (300 * 10);
    };
    const narrow = recallWith(10);
    const wide = recallWith(200);
    expect(wide).toBeGreaterThan(narrow);
    expect(wide).toBeGreaterThanOrEqual(0.99);
  });

  it('should train the PCA of a large-library index off the event loop, into the index create makes', async () => {
    const dim = 1024;
    const generator = new SyntheticEmbeddings({ dim, seed: 11, clusters: 20 });
    const rows = new Float32Array(1500 * dim);
    generator.fill(0, 1500, rows);
    const options = { expectedSize: 5000, trainingVectors: rows };
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      turns += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const paced = await VectorIndex.createAsync(dim, options);
    ticking = false;
    // Learning a 1024-dim PCA takes about a second on its thread: the loop turned all along.
    expect(turns).toBeGreaterThan(10);
    const direct = VectorIndex.create(dim, options);
    expect(paced.kind).toBe(direct.kind);
    expect(paced.kind).toBe('pca256,hnsw32');
    paced.add(rows);
    direct.add(rows);
    const queries = rows.subarray(0, 20 * dim);
    const ownPositions = Array.from({ length: 20 }, (_, i) => i);
    expect(paced.search(queries, 1).map((hits) => hits[0]?.position)).toEqual(ownPositions);
    expect(direct.search(queries, 1).map((hits) => hits[0]?.position)).toEqual(ownPositions);
    paced.dispose();
    direct.dispose();
    await expect(
      VectorIndex.createAsync(dim, { expectedSize: 5000, kind: 'approximate', trainingVectors: rows.subarray(0, 10 * dim) }),
    ).rejects.toThrow(/at least 1000 training vectors/);
  });
});
