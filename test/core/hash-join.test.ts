import { describe, expect, it } from 'vitest';
import { chunkCountFor, crossJoin, hashColumn, selfJoin } from '../../src/core/duplicates/hash-join';
import { hammingDistance } from '../../src/core/media/perceptual-hash';
import { mulberry32 } from '../../src/core/vectors/synthetic-embeddings';

function randomHash(next: () => number): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += Math.floor(next() * 16).toString(16);
  return hex;
}

function flipBits(hash: string, next: () => number, bits: number): string {
  let value = BigInt(`0x${hash}`);
  for (let i = 0; i < bits; i++) value ^= 1n << BigInt(Math.floor(next() * 64));
  return value.toString(16).padStart(16, '0');
}

/** Hashes in families a few bits apart (0 to 12), so that every distance up to 11 occurs. */
function hashFamilies(seed: number, families: number): string[] {
  const next = mulberry32(seed);
  const hashes: string[] = [];
  for (let f = 0; f < families; f++) {
    const base = randomHash(next);
    hashes.push(base);
    for (let member = 0; member < 3; member++) hashes.push(flipBits(base, next, Math.floor(next() * 13)));
  }
  return hashes;
}

describe('hash joins', () => {
  it('should find each pair within the distance exactly once, like a brute-force scan', () => {
    const hashes = hashFamilies(42, 150);
    const close: { a: number; b: number; distance: number }[] = [];
    hashes.forEach((first, a) => {
      for (let b = a + 1; b < hashes.length; b++) {
        const distance = hammingDistance(first, hashes[b] ?? '');
        if (distance <= 11) close.push({ a, b, distance });
      }
    });
    for (const maxDistance of [0, 3, 7, 8, 10, 11]) {
      const expected = close.filter((pair) => pair.distance <= maxDistance).map(({ a, b, distance }) => `${a}-${b}:${distance}`);
      const found: string[] = [];
      selfJoin(hashColumn(hashes), maxDistance, (a, b, distance) => found.push(`${a}-${b}:${distance}`));
      expect(found.sort(), `distance ${maxDistance}`).toEqual(expected.sort());
    }
  });

  it('should join two different sets of hashes, each pair once', () => {
    const base = hashFamilies(7, 100);
    const next = mulberry32(9);
    const queries = base.filter((_, i) => i % 3 === 0).map((hash) => flipBits(hash, next, Math.floor(next() * 9)));
    for (const maxDistance of [1, 7, 10]) {
      const expected: string[] = [];
      queries.forEach((query, q) => {
        base.forEach((hash, b) => {
          const distance = hammingDistance(query, hash);
          if (distance <= maxDistance) expected.push(`${q}-${b}:${distance}`);
        });
      });
      const found: string[] = [];
      crossJoin(hashColumn(queries), hashColumn(base), maxDistance, (q, b, distance) => found.push(`${q}-${b}:${distance}`));
      expect(found.sort(), `distance ${maxDistance}`).toEqual(expected.sort());
    }
  });

  it('should pick wider chunks as the library grows', () => {
    expect(chunkCountFor(1_000, 1_000, 10)).toBeGreaterThanOrEqual(chunkCountFor(1_000_000, 1_000_000, 10));
    expect(chunkCountFor(1_000_000, 1_000_000, 10)).toBe(4);
  });
});
