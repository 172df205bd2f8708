/**
 * The synthetic libraries of the grouping bench, written straight into SQLite as an index run would
 * (contents, files, embeddings; no photo decoded). Two shares of photos in groups:
 *
 * - `dense`: the vector generator's clusters of about 40 photos and its near-duplicate pairs; at
 *   the default setting about 93 % of the photos are in a group (the worst case for the review);
 * - `realistic`: about 10 % of the photos in a group, as in a personal library: a third of the
 *   generator's near-duplicate pairs kept, a byte copy of every 100th photo, and every other photo
 *   moved away from its cluster's crowd by noise.
 */
import type { EmbeddingRepository } from '../src/core/store/embedding.repository';
import type { ContentRecord, FileRecord, PhotoRepository } from '../src/core/store/photo.repository';
import { SyntheticEmbeddings, mulberry32 } from '../src/core/vectors/synthetic-embeddings';
import { flipBits, randomHash } from '../test/core/support/synthetic-library';

export type GroupedShare = 'dense' | 'realistic';

export const BENCH_MODEL = 'bench-synthetic';
export const BENCH_DIM = 1024;

/** Writes photos as an index run would; `add(first, count)` can be called again for more photos. */
export interface SyntheticPhotoWriter {
  add(first: number, count: number): void;
  /** The path of photo `item` (its first file). */
  pathOf(item: number): string;
}

/** Isotropic noise added to a lone photo's vector, per dimension (the vector itself has norm 1). */
const LONE_NOISE = 1 / Math.sqrt(BENCH_DIM);
/** Of the generator's near-duplicate pairs, the realistic share keeps one in this many. */
const REALISTIC_PAIR_KEPT = 3;
/** The realistic share gives every this-many-th photo a byte copy in another folder. */
const REALISTIC_BYTE_COPY_EVERY = 100;

export function syntheticPhotoWriter(
  photos: PhotoRepository,
  embeddings: EmbeddingRepository,
  rootId: number,
  options: { readonly librarySize: number; readonly share: GroupedShare },
): SyntheticPhotoWriter {
  const realistic = options.share === 'realistic';
  const generator = new SyntheticEmbeddings({
    dim: BENCH_DIM,
    seed: 7,
    librarySize: options.librarySize,
  });
  const random = mulberry32(11);
  const hashOfShot = new Map<number, string>();
  const centreOfShot = new Map<number, string>();
  const pathOf = (item: number): string => `/bench/${item}.jpg`;
  /** A kept near-duplicate pair of the realistic share: its two photos keep the generator's vectors. */
  const inKeptPair = (item: number): boolean => {
    const pairStart = item & ~1;
    return generator.shotOf(pairStart + 1) === pairStart && pairStart % (2 * REALISTIC_PAIR_KEPT) === 0;
  };
  /**
   * A lone photo of the realistic share: the generator's vector plus as much isotropic noise, so that
   * it is no closer to the others than unrelated photos are (the generator's clusters are crowds).
   */
  const makeLone = (item: number, vector: Float32Array): void => {
    const noise = mulberry32(item * 2654435761);
    let norm = 0;
    for (let d = 0; d < vector.length; d++) {
      const gaussian = Math.sqrt(-2 * Math.log(1 - noise())) * Math.cos(2 * Math.PI * noise());
      vector[d] = (vector[d] ?? 0) + LONE_NOISE * gaussian;
      norm += (vector[d] ?? 0) ** 2;
    }
    for (let d = 0; d < vector.length; d++) vector[d] = (vector[d] ?? 0) / Math.sqrt(norm);
  };

  const add = (first: number, count: number): void => {
    const chunk = 5000;
    const vector = new Float32Array(BENCH_DIM);
    for (let start = first; start < first + count; start += chunk) {
      const end = Math.min(start + chunk, first + count);
      const contents: ContentRecord[] = [];
      const files: FileRecord[] = [];
      const items: { contentHash: string; vector: Float32Array; labels: null }[] = [];
      for (let item = start; item < end; item++) {
        const hash = item.toString(16).padStart(64, '0');
        const lone = realistic && !inKeptPair(item);
        const shot = lone ? item : generator.shotOf(item);
        const perceptualHash = shot === item ? randomHash(random) : flipBits(hashOfShot.get(shot) ?? randomHash(random), random, 3);
        // The middle's hash (what a real index keeps), as close within a near-duplicate pair.
        const centreHash = shot === item ? randomHash(random) : flipBits(centreOfShot.get(shot) ?? randomHash(random), random, 2);
        // Only the first of a near-duplicate pair is looked up again (by the second, its neighbour).
        if (shot === item) {
          hashOfShot.set(item, perceptualHash);
          centreOfShot.set(item, centreHash);
        } else {
          hashOfShot.delete(shot);
          centreOfShot.delete(shot);
        }
        contents.push({
          hash,
          size: 3_000_000,
          format: 'jpeg',
          width: 4000,
          height: 3000,
          orientation: 1,
          takenAt: null,
          cameraMake: null,
          cameraModel: null,
          perceptualHash,
          perceptualHashVariants: [randomHash(random), randomHash(random), randomHash(random), randomHash(random)],
          centreHash,
        });
        const file = { rootId, size: 3_000_000, mtimeMs: 0, dev: 1, contentHash: hash, status: 'ok' as const, error: null };
        files.push({ ...file, path: pathOf(item), ino: 2 * item + 1 });
        if (realistic && item % REALISTIC_BYTE_COPY_EVERY === 7)
          files.push({ ...file, path: `/bench/copies/${item}.jpg`, ino: 2 * item + 2 });
        generator.fill(item, 1, vector);
        if (lone) makeLone(item, vector);
        items.push({ contentHash: hash, vector: vector.slice(), labels: null });
      }
      photos.saveBatch(contents, files);
      embeddings.saveEmbeddings(BENCH_MODEL, items);
    }
  };
  return { add, pathOf };
}
