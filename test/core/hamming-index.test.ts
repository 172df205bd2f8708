import { describe, expect, it } from 'vitest';
import { HammingIndex } from '../../src/core/duplicates/hamming-index';
import { hammingDistance } from '../../src/core/media/perceptual-hash';

function randomHash(next: () => number): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += Math.floor(next() * 16).toString(16);
  return hex;
}

function flipBits(hash: string, bits: number[]): string {
  const value = BigInt(`0x${hash}`) ^ bits.reduce((acc, bit) => acc | (1n << BigInt(bit)), 0n);
  return value.toString(16).padStart(16, '0');
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296;
  };
}

describe('HammingIndex', () => {
  it('should find exactly the hashes within the distance, like a brute-force scan', () => {
    const next = seeded(42);
    const index = new HammingIndex();
    const hashes: string[] = [];
    for (let i = 0; i < 300; i++) {
      const base = randomHash(next);
      hashes.push(base, flipBits(base, [3, 17, 40, 63].slice(0, i % 5)), flipBits(base, [1, 9, 20, 33, 47, 58, 60].slice(0, i % 8)));
    }
    hashes.forEach((hash) => index.add(hash));
    for (const maxDistance of [0, 3, 6, 8, 10]) {
      const expected: string[] = [];
      hashes.forEach((first, a) => {
        hashes.forEach((second, b) => {
          if (b > a && hammingDistance(first, second) <= maxDistance) expected.push(`${a}-${b}`);
        });
      });
      const found = index.pairs(maxDistance).map(({ a, b }) => `${a}-${b}`);
      expect(found.sort()).toEqual(expected.sort());
    }
  });

  it('should report the distance of each neighbour', () => {
    const index = new HammingIndex();
    index.add('ffff0000ffff0000');
    const id = index.add(flipBits('ffff0000ffff0000', [0, 20, 40]));
    const hits = index.neighbours('ffff0000ffff0000', 3);
    expect(hits).toContainEqual({ id, distance: 3 });
    expect(index.neighbours('ffff0000ffff0000', 2).map((hit) => hit.id)).not.toContain(id);
  });

  it('should refuse distances it cannot guarantee', () => {
    const index = new HammingIndex();
    index.add('0000000000000000');
    expect(() => index.neighbours('0000000000000000', 12)).toThrow(/up to 11 bits/);
  });
});
