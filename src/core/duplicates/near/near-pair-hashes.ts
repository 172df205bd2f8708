import type { PictureRow } from '../../store/photo.repository';
import { crossJoin, hashColumn, hashDistance, selfJoin, type HashColumn } from '../hash-join';
import { LOOSEST_HASH_DISTANCE, MAX_CENTRE_DISTANCE, MAX_TRANSFORM_DISTANCE, type PairBuilder } from './near-pairs';

/**
 * Perceptual-hash pairs of contents by position: direct (hash to hash, up to the loosest distance,
 * or the hashes of the two pictures' middles within MAX_CENTRE_DISTANCE: a copy with a caption or a
 * logo at its edges) and through a rotation or the mirror (a turned hash of one within
 * MAX_TRANSFORM_DISTANCE of the other's hash).
 */
export class HashPairSearch {
  #pictures: readonly PictureRow[];
  readonly #direct: HashColumn;
  /** The middles' hashes of the pictures that have one, and the position of each. */
  readonly #centre: HashColumn;
  readonly #centreOwner: Uint32Array;
  /** Where each position's middle hash is in `#centre`, -1 for none. */
  readonly #centreAt: Int32Array;

  constructor(pictures: readonly PictureRow[]) {
    this.#pictures = pictures;
    this.#direct = hashColumn(pictures.map((picture) => picture.perceptualHash));
    const owners: number[] = [];
    const hashes: string[] = [];
    this.#centreAt = new Int32Array(pictures.length).fill(-1);
    pictures.forEach((picture, p) => {
      if (picture.centreHash === null) return;
      this.#centreAt[p] = owners.length;
      owners.push(p);
      hashes.push(picture.centreHash);
    });
    this.#centre = hashColumn(hashes);
    this.#centreOwner = Uint32Array.from(owners);
  }

  /**
   * Every pair of the library; `step` is told the share done. The search then lets go of the
   * pictures (their hash variants are ~0.4 GB at 1M photos): only `distance` answers after it.
   */
  allPairs(builder: PairBuilder, step: (fraction: number) => void): void {
    step(0);
    selfJoin(this.#direct, LOOSEST_HASH_DISTANCE, (x, y, distance) => builder.direct(x, y, distance));
    const owner = this.#centreOwner;
    selfJoin(this.#centre, MAX_CENTRE_DISTANCE, (x, y, distance) => builder.direct(owner[x] ?? 0, owner[y] ?? 0, distance));
    step(0.5);
    const turned = turnedHashes(this.#pictures, null);
    crossJoin(turned.column, this.#direct, MAX_TRANSFORM_DISTANCE, (t, y, distance) => builder.turned(turned.owner[t] ?? y, y, distance));
    this.#pictures = [];
    step(1);
  }

  /** Every pair with at least one of `positions` in it. */
  pairsOf(positions: readonly number[], builder: PairBuilder, step: (fraction: number) => void): void {
    step(0);
    const searched = hashColumn(positions.map((p) => this.#pictures[p]?.perceptualHash ?? ''));
    const ownerOf = (q: number): number => positions[q] ?? -1;
    crossJoin(searched, this.#direct, LOOSEST_HASH_DISTANCE, (q, y, distance) => builder.direct(ownerOf(q), y, distance));
    const withCentre = positions.filter((p) => (this.#centreAt[p] ?? -1) >= 0);
    const searchedCentres = hashColumn(withCentre.map((p) => this.#pictures[p]?.centreHash ?? ''));
    const owner = this.#centreOwner;
    crossJoin(searchedCentres, this.#centre, MAX_CENTRE_DISTANCE, (q, y, distance) =>
      builder.direct(withCentre[q] ?? 0, owner[y] ?? 0, distance),
    );
    step(1 / 3);
    // Their turned hashes near anyone's hash, and anyone's turned hashes near theirs.
    const theirs = turnedHashes(this.#pictures, positions);
    crossJoin(theirs.column, this.#direct, MAX_TRANSFORM_DISTANCE, (t, y, distance) => builder.turned(theirs.owner[t] ?? y, y, distance));
    step(2 / 3);
    const everyone = turnedHashes(this.#pictures, null);
    crossJoin(searched, everyone.column, MAX_TRANSFORM_DISTANCE, (q, t, distance) =>
      builder.turned(ownerOf(q), everyone.owner[t] ?? ownerOf(q), distance),
    );
    step(1);
  }

  /** The pair's `direct` distance: of the hashes, or of the middles' hashes where within MAX_CENTRE_DISTANCE and closer. */
  distance(a: number, b: number): number {
    const whole = hashDistance(this.#direct, a, this.#direct, b);
    const x = this.#centreAt[a] ?? -1;
    const y = this.#centreAt[b] ?? -1;
    if (x < 0 || y < 0) return whole;
    const centre = hashDistance(this.#centre, x, this.#centre, y);
    return centre <= MAX_CENTRE_DISTANCE ? Math.min(whole, centre) : whole;
  }
}

/**
 * The hashes of the rotations and the mirror of the pictures at `positions` (all when null) that
 * differ from the picture's own hash (a symmetric picture's mirror hashes alike), with the position
 * each belongs to. Parsed straight into the column (as `hashColumn` parses): at 1M photos a list of
 * ~7M hash strings on the way held some 300 MB.
 */
function turnedHashes(pictures: readonly PictureRow[], positions: readonly number[] | null): { column: HashColumn; owner: Uint32Array } {
  const each = (visit: (p: number, variant: string) => void): void => {
    const add = (p: number): void => {
      const picture = pictures[p];
      if (!picture) return;
      for (const variant of picture.perceptualHashVariants) {
        if (variant !== picture.perceptualHash) visit(p, variant);
      }
    };
    if (positions) positions.forEach(add);
    else for (let p = 0; p < pictures.length; p++) add(p);
  };
  let count = 0;
  each(() => {
    count += 1;
  });
  const high = new Uint32Array(count);
  const low = new Uint32Array(count);
  const owner = new Uint32Array(count);
  let i = 0;
  each((p, variant) => {
    high[i] = parseInt(variant.slice(0, 8), 16) >>> 0;
    low[i] = parseInt(variant.slice(8, 16), 16) >>> 0;
    owner[i] = p;
    i += 1;
  });
  return { column: { high, low }, owner };
}
