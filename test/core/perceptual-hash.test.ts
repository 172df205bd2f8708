import { describe, expect, it } from 'vitest';
import {
  GRAY_TRANSFORMS,
  hammingDistance,
  hashChunks,
  perceptualHash,
  perceptualHashVariants,
  transformSquare,
} from '../../src/core/media/perceptual-hash';

function gradient(seed: number): Uint8Array {
  const gray = new Uint8Array(32 * 32);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) gray[y * 32 + x] = (x * 7 + y * seed * 3 + ((x * y * seed) % 17)) % 256;
  return gray;
}

describe('perceptualHash', () => {
  it('should give 16 hex digits and be deterministic', () => {
    const hash = perceptualHash(gradient(3));
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(perceptualHash(gradient(3))).toBe(hash);
  });

  it('should barely change under a small brightness shift and noise', () => {
    const base = gradient(5);
    const brighter = base.map((v, i) => Math.min(255, v + 10 + (i % 3)));
    expect(hammingDistance(perceptualHash(base), perceptualHash(brighter))).toBeLessThanOrEqual(4);
  });

  it('should differ a lot between unrelated pictures', () => {
    expect(hammingDistance(perceptualHash(gradient(2)), perceptualHash(gradient(9)))).toBeGreaterThan(12);
  });

  it('should reject input of the wrong size', () => {
    expect(() => perceptualHash(new Uint8Array(10))).toThrow(/1024 gray values/);
  });
});

describe('transformSquare', () => {
  it('should turn four quarter turns back into the original', () => {
    const gray = gradient(4);
    let turned: Uint8Array = gray;
    for (let i = 0; i < 4; i++) turned = transformSquare(turned, 32, 'rotate90');
    expect(turned).toEqual(gray);
  });

  it('should make rotate90 then rotate270 the identity and mirror an involution', () => {
    const gray = gradient(6);
    expect(transformSquare(transformSquare(gray, 32, 'rotate90'), 32, 'rotate270')).toEqual(gray);
    expect(transformSquare(transformSquare(gray, 32, 'mirror'), 32, 'mirror')).toEqual(gray);
  });

  it('should rotate clockwise', () => {
    // 2x2 [a b; c d] turned clockwise is [c a; d b]
    expect([...transformSquare([1, 2, 3, 4], 2, 'rotate90')]).toEqual([3, 1, 4, 2]);
  });

  it('should give the hash of a rotated picture among the variants of the original', () => {
    const gray = gradient(7);
    const variants = perceptualHashVariants(gray);
    expect(variants).toHaveLength(GRAY_TRANSFORMS.length);
    expect(variants[0]).toBe(perceptualHash(transformSquare(gray, 32, 'rotate90')));
  });
});

describe('hammingDistance and hashChunks', () => {
  it('should count differing bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
  });

  it('should split a hash into four 16-bit chunks', () => {
    expect(hashChunks('0001ffff8000abcd')).toEqual([1, 0xffff, 0x8000, 0xabcd]);
  });
});
