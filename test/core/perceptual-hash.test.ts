import { describe, expect, it } from 'vitest';
import {
  CENTRE_MARGIN,
  GRAY_TRANSFORMS,
  centreHash,
  hammingDistance,
  hashChunks,
  perceptualHash,
  perceptualHashVariants,
  transformSquare,
} from '../../src/core/media/perceptual-hash';
import { resizeArea } from '../../src/core/media/pixel-resize';

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

describe('centreHash', () => {
  /** A 240 x 160 picture with detail everywhere (`seed` sets which). */
  const photo = (seed: number): Uint8Array => {
    const gray = new Uint8Array(240 * 160);
    for (let y = 0; y < 160; y++)
      for (let x = 0; x < 240; x++) gray[y * 240 + x] = Math.round(128 + 60 * Math.sin((x * seed) / 23) * Math.cos((y * (seed + 2)) / 17));
    return gray;
  };
  /** The picture with a black caption band (12 % of the height) and a white logo box in the top right corner. */
  const captioned = (gray: Uint8Array): Uint8Array => {
    const out = Uint8Array.from(gray);
    for (let y = 141; y < 160; y++) out.fill(0, y * 240, (y + 1) * 240);
    for (let y = 6; y < 30; y++) out.fill(255, y * 240 + 200, y * 240 + 232);
    return out;
  };

  it("should keep a captioned copy's middle hash where its whole hash moves", () => {
    const original = photo(3);
    const copy = captioned(original);
    const whole = (gray: Uint8Array): string => perceptualHash(resizeArea(gray, 240, 160, 1, 32, 32));
    expect(hammingDistance(whole(original), whole(copy))).toBeGreaterThan(4);
    expect(hammingDistance(centreHash(original, 240, 160), centreHash(copy, 240, 160))).toBeLessThanOrEqual(2);
  });

  it('should tell the middles of two different pictures apart', () => {
    expect(hammingDistance(centreHash(photo(3), 240, 160), centreHash(photo(7), 240, 160))).toBeGreaterThan(12);
  });

  it('should hash only the middle: what changes outside it leaves the hash as it is', () => {
    const original = photo(5);
    const framed = Uint8Array.from(original);
    const edge = Math.floor(160 * CENTRE_MARGIN) - 1;
    for (let y = 0; y < edge; y++) framed.fill(0, y * 240, (y + 1) * 240);
    expect(centreHash(framed, 240, 160)).toBe(centreHash(original, 240, 160));
  });

  it('should hash a picture too small to have a middle whole', () => {
    const tiny = Uint8Array.from({ length: 6 * 5 }, (_, i) => (i * 37) % 256);
    expect(centreHash(tiny, 6, 5)).toBe(perceptualHash(resizeArea(tiny, 6, 5, 1, 32, 32)));
  });
});
