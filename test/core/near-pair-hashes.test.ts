/**
 * The hash side of the near-pair search (near-pair-hashes.ts): pairs of pictures whose hashes are
 * close, whole or in their middles (a copy with a caption band or a logo at its edges).
 */
import { describe, expect, it } from 'vitest';
import { HashPairSearch } from '../../src/core/duplicates/near/near-pair-hashes';
import { LOOSEST_HASH_DISTANCE, MAX_CENTRE_DISTANCE, NO_DISTANCE, PairBuilder } from '../../src/core/duplicates/near/near-pairs';
import type { PictureRow } from '../../src/core/store/photo.repository';

/** `hash` with `bits` bits flipped, from bit `from` up. */
function flipped(hash: string, bits: number, from = 0): string {
  const value = BigInt(`0x${hash}`) ^ (((1n << BigInt(bits)) - 1n) << BigInt(from));
  return value.toString(16).padStart(16, '0');
}

function picture(hash: string, whole: string, centre: string | null): PictureRow {
  return { hash, width: 640, height: 427, perceptualHash: whole, perceptualHashVariants: [], centreHash: centre, pixelHash: null };
}

/** The pairs found, as `a-b: direct distance`. */
function found(builder: PairBuilder, search: HashPairSearch): Record<string, number> {
  const columns = builder.build((a, b) => search.distance(a, b));
  const pairs: Record<string, number> = {};
  for (let i = 0; i < columns.count; i++) pairs[`${columns.a[i]}-${columns.b[i]}`] = columns.direct[i] ?? NO_DISTANCE;
  return pairs;
}

const ORIGINAL = '0f0f0f0f33cc33cc';
const OTHER = 'a5a5a5a55a5a5a5a';

describe('HashPairSearch', () => {
  // 0: a photo; 1: its captioned copy (whole hash far, middle close); 2: another photo whose middle
  // is one bit past MAX_CENTRE_DISTANCE from the photo's; 3: a photo with no middle hash (indexed
  // before it was kept), whose whole hash is the photo's. Whole hashes differ in other bits each.
  const pictures = [
    picture('a', ORIGINAL, OTHER),
    picture('b', flipped(ORIGINAL, LOOSEST_HASH_DISTANCE + 1, 0), flipped(OTHER, 2, 0)),
    picture('c', flipped(ORIGINAL, LOOSEST_HASH_DISTANCE + 1, 20), flipped(OTHER, MAX_CENTRE_DISTANCE + 1, 40)),
    picture('d', ORIGINAL, null),
  ];

  it("should pair a captioned copy with its original by their middles' hashes, at their distance", () => {
    const search = new HashPairSearch(pictures);
    const builder = new PairBuilder();
    search.allPairs(builder, () => {});
    expect(found(builder, search)).toEqual({ '0-1': 2, '0-3': 0 });
  });

  it('should find the same pairs for pictures added to the library', () => {
    const search = new HashPairSearch(pictures);
    const builder = new PairBuilder();
    search.pairsOf([1, 2], builder, () => {});
    expect(found(builder, search)).toEqual({ '0-1': 2 });
  });

  it("should give a pair the closer of its whole and its middles' distances, the middles' only within MAX_CENTRE_DISTANCE", () => {
    const search = new HashPairSearch(pictures);
    expect(search.distance(0, 1)).toBe(2);
    expect(search.distance(0, 2)).toBe(LOOSEST_HASH_DISTANCE + 1);
    expect(search.distance(1, 3)).toBe(LOOSEST_HASH_DISTANCE + 1);
  });
});
