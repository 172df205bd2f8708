/**
 * A small library written straight into SQLite (no photos decoded): contents with perceptual hashes
 * (near-duplicate pairs a few bits apart, some matching another photo only through a rotation or the
 * mirror), pixel-identical contents, byte copies, photos without a vector, and synthetic embeddings
 * in a real FAISS index. Enough structure to exercise every path of near-duplicate grouping.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuplicateRepository } from '../../../src/core/store/duplicate.repository';
import { EmbeddingRepository } from '../../../src/core/store/embedding.repository';
import { openLibraryDatabase, type SqliteDatabase } from '../../../src/core/store/library.database';
import { PhotoRepository, type ContentRecord, type FileRecord } from '../../../src/core/store/photo.repository';
import { SyntheticEmbeddings, mulberry32 } from '../../../src/core/vectors/synthetic-embeddings';
import { VectorSearchService } from '../../../src/core/vectors/vector-search.service';

export const MODEL = 'test-synthetic';
export const DIM = 64;

export interface SyntheticLibrary {
  readonly libraryDir: string;
  readonly db: SqliteDatabase;
  readonly photos: PhotoRepository;
  readonly groups: DuplicateRepository;
  readonly embeddings: EmbeddingRepository;
  readonly vectors: VectorSearchService;
  /** Writes photos [first, first + count) and puts their vectors in the index, as an index run would. */
  add(first: number, count: number): void;
  /** Takes the files of these photos out of the library (deleted from disk). */
  remove(items: readonly number[]): void;
  close(): void;
}

export interface SyntheticLibraryOptions {
  /** Embedding clusters: fewer means more photos above the loosest threshold per photo. */
  readonly clusters: number;
  readonly seed?: number;
}

export function contentHashOf(item: number): string {
  return item.toString(16).padStart(64, '0');
}

export function pathOf(item: number, copy = 0): string {
  return `/photos/${item}${copy > 0 ? `-copy${copy}` : ''}.jpg`;
}

export function createSyntheticLibrary(options: SyntheticLibraryOptions): SyntheticLibrary {
  const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-synthetic-'));
  const db = openLibraryDatabase(libraryDir);
  const photos = new PhotoRepository(db);
  const embeddings = new EmbeddingRepository(db);
  const vectors = new VectorSearchService({ embeddings, modelId: MODEL, dim: DIM, libraryDir, log: () => {} });
  const root = photos.upsertRoot('/photos', []);
  const generator = new SyntheticEmbeddings({ dim: DIM, seed: options.seed ?? 3, clusters: options.clusters });
  const random = mulberry32((options.seed ?? 3) * 7919);
  const hashes: string[] = [];

  const add = (first: number, count: number): void => {
    const contents: ContentRecord[] = [];
    const files: FileRecord[] = [];
    const items: { contentHash: string; vector: Float32Array; labels: null }[] = [];
    const pixelHashes: [string, string][] = [];
    const vector = new Float32Array(DIM);
    for (let item = first; item < first + count; item++) {
      const shot = generator.shotOf(item);
      const partner = shot !== item ? hashes[shot] : undefined;
      // Near-duplicate pairs: 0 to 11 bits apart; every 9th photo is a rotated copy of an earlier
      // one (its own hash unrelated, one of its rotations close to the other's hash).
      const perceptualHash = partner ? flipBits(partner, random, Math.floor(random() * 12)) : randomHash(random);
      hashes[item] = perceptualHash;
      const variants = [randomHash(random), randomHash(random), randomHash(random), randomHash(random)];
      const rotatedFrom = item % 9 === 4 && item > 10 ? hashes[item - 7] : undefined;
      if (rotatedFrom) variants[item % 4] = flipBits(rotatedFrom, random, Math.floor(random() * 9));
      if (item % 31 === 5) variants[1] = perceptualHash; // a symmetric picture: its mirror hashes alike
      const hash = contentHashOf(item);
      contents.push({
        hash,
        size: 1000 + item,
        format: 'jpeg',
        width: 400 + (item % 7) * 10,
        height: 300,
        orientation: 1,
        takenAt: null,
        cameraMake: null,
        cameraModel: null,
        perceptualHash,
        perceptualHashVariants: variants,
      });
      const copies = item % 11 === 3 ? 2 : 1; // byte copies: two files, one content
      for (let copy = 0; copy < copies; copy++) {
        files.push({
          rootId: root.id,
          path: pathOf(item, copy),
          size: 1000 + item,
          mtimeMs: 0,
          dev: 1,
          ino: item * 10 + copy + 1,
          contentHash: hash,
          status: 'ok',
          error: null,
        });
      }
      // Every 13th photo has pixels identical to the previous one (one picture, two contents).
      if (item % 13 === 7 && item > first) pixelHashes.push([hash, `pixels-${item - 1}`], [contentHashOf(item - 1), `pixels-${item - 1}`]);
      // Every 17th photo could not be embedded: it is found through its hash only.
      if (item % 17 === 2) continue;
      generator.fill(item, 1, vector);
      items.push({ contentHash: hash, vector: vector.slice(), labels: null });
    }
    photos.saveBatch(contents, files);
    photos.setPixelHashes(pixelHashes);
    embeddings.saveEmbeddings(MODEL, items);
    vectors.update();
  };

  const remove = (items: readonly number[]): void => {
    photos.removeFilesByPath(items.flatMap((item) => [pathOf(item), pathOf(item, 1)]));
    vectors.update();
  };

  return {
    libraryDir,
    db,
    photos,
    groups: new DuplicateRepository(db),
    embeddings,
    vectors,
    add,
    remove,
    close: () => {
      db.close();
      fs.rmSync(libraryDir, { recursive: true, force: true });
    },
  };
}

/** A random 64-bit perceptual hash as 16 hex digits. */
export function randomHash(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += Math.floor(random() * 16).toString(16);
  return hex;
}

/** `hash` with `bits` random bits flipped (a near-duplicate's hash). */
export function flipBits(hash: string, random: () => number, bits: number): string {
  let value = BigInt(`0x${hash}`);
  for (let i = 0; i < bits; i++) value ^= 1n << BigInt(Math.floor(random() * 64));
  return value.toString(16).padStart(16, '0');
}
