import { describe, expect, it } from 'vitest';
import { faiss } from '../../src/core/vectors/faiss-binding';
import { mulberry32 } from '../../src/core/vectors/synthetic-embeddings';

/** Seeded vectors in [-1, 1): `rows` × `dim`. */
function randomRows(rows: number, dim: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: rows * dim }, () => 2 * random() - 1);
}

function squaredDistance(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, i) => sum + (value - (b[i] ?? 0)) ** 2, 0);
}

describe('faiss addon', () => {
  it('should read Float32Array rows in place, subarrays included, and return typed results', () => {
    const index = faiss().fromFactory(3, 'Flat', faiss().metric.innerProduct);
    const buffer = new Float32Array([9, 9, 9, 1, 0, 0, 0, 1, 0, 0.6, 0.8, 0]);
    index.add(buffer.subarray(3)); // skips the first row
    const { distances, labels } = index.search(new Float32Array([0, 1, 0]), 2);
    expect(labels).toBeInstanceOf(Int32Array);
    expect(Array.from(labels)).toEqual([1, 2]);
    expect(distances[0]).toBeCloseTo(1, 6);
    expect(distances[1]).toBeCloseTo(0.8, 6);
    index.dispose();
  });

  it('should compute the same L2 distances as plain arithmetic for a dimension no SIMD width divides', () => {
    // The addon links its own vectorized distance kernels over FAISS's: pin their arithmetic.
    const dim = 37;
    const rows = randomRows(200, dim, 1);
    const query = randomRows(1, dim, 2);
    const index = faiss().fromFactory(dim, 'Flat', faiss().metric.l2);
    index.add(rows);
    const { distances, labels } = index.search(query, 200);
    labels.forEach((position, rank) => {
      const expected = squaredDistance(query, rows.subarray(position * dim, (position + 1) * dim));
      expect(distances[rank]).toBeCloseTo(expected, 3);
    });
    index.dispose();
  });

  it('should compute the same inner products as plain arithmetic', () => {
    const dim = 1024;
    const rows = randomRows(50, dim, 3);
    const query = randomRows(1, dim, 4);
    const index = faiss().fromFactory(dim, 'Flat', faiss().metric.innerProduct);
    index.add(rows);
    const { distances, labels } = index.search(query, 50);
    labels.forEach((position, rank) => {
      const row = rows.subarray(position * dim, (position + 1) * dim);
      expect(distances[rank]).toBeCloseTo(
        query.reduce((sum, value, i) => sum + value * (row[i] ?? 0), 0),
        2,
      );
    });
    index.dispose();
  });

  it('should set the HNSW search and build breadths', () => {
    const dim = 16;
    const rows = randomRows(2000, dim, 5);
    const index = faiss().fromFactory(dim, 'HNSW16', faiss().metric.l2);
    index.setParameter('efConstruction', 20);
    index.add(rows);
    index.setParameter('efSearch', 128);
    const { labels } = index.search(rows.subarray(0, 100 * dim), 1);
    expect(Array.from(labels).filter((position, query) => position === query).length).toBeGreaterThanOrEqual(99);
    index.dispose();
  });

  it('should throw, not abort, on rows of the wrong width, an unknown parameter or a disposed index', () => {
    const index = faiss().fromFactory(4, 'Flat', faiss().metric.l2);
    expect(() => index.add(new Float32Array(5))).toThrow(/not a multiple of the dimension 4/);
    expect(() => index.search(new Float32Array(4), 0)).toThrow(/positive integer/);
    expect(() => index.setParameter('efSearch', 8)).toThrow(/Cannot set index parameter efSearch/);
    index.dispose();
    expect(() => index.ntotal()).toThrow(/disposed/);
  });

  it('should refuse to add to an untrained index', () => {
    const index = faiss().fromFactory(8, 'PCA4,Flat', faiss().metric.l2);
    expect(() => index.add(new Float32Array(8))).toThrow(/not trained/);
    index.dispose();
  });

  it('should train off the event loop, refusing other calls until then and disposing once it ends', async () => {
    const dim = 64;
    const rows = randomRows(2000, dim, 6);
    const index = faiss().fromFactory(dim, 'PCA16,Flat', faiss().metric.l2);
    const training = index.trainAsync(rows);
    expect(() => index.ntotal()).toThrow(/training on another thread/);
    expect(() => index.add(rows)).toThrow(/training on another thread/);
    await training;
    expect(index.isTrained()).toBe(true);
    index.add(rows.subarray(0, 10 * dim));
    expect(index.ntotal()).toBe(10);
    index.dispose();

    const disposedWhileTraining = faiss().fromFactory(dim, 'PCA16,Flat', faiss().metric.l2);
    const settled = disposedWhileTraining.trainAsync(rows);
    disposedWhileTraining.dispose(); // waits for the training thread
    await settled;
    expect(() => disposedWhileTraining.ntotal()).toThrow(/disposed/);
  });

  it('should reject, not abort, when training fails on its thread', async () => {
    const index = faiss().fromFactory(1024, 'PCA256,Flat', faiss().metric.l2);
    await expect(index.trainAsync(randomRows(10, 1024, 7))).rejects.toThrow(/Cannot train the index on 10 vectors/);
    expect(index.isTrained()).toBe(false); // usable again once settled
    expect(() => index.trainAsync(new Float32Array(3))).toThrow(/not a multiple of the dimension 1024/);
    index.dispose();
  });
});
