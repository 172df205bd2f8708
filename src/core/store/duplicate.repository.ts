import type { PictureQuality } from '../media/picture-quality';
import type { SqliteDatabase } from './library.database';
import { cameraName, type FileGroupRow, type GroupMember, type PictureRow } from './photo.repository';

/** One file of a duplicate group with its picture's details. */
export interface CopyDetails extends GroupMember {
  readonly contentHash: string;
  readonly pixelHash: string | null;
  readonly width: number;
  readonly height: number;
  readonly format: string;
  readonly takenAt: string | null;
  readonly camera: string | null;
  /** Sharpness and exposure measured when indexed; null for contents indexed before they were. */
  readonly quality?: PictureQuality | null;
}

/** SQLite reads behind duplicate detection: byte and pixel groups, pictures for near-duplicate grouping. */
export class DuplicateRepository {
  readonly #statements;

  constructor(db: SqliteDatabase) {
    this.#statements = {
      exactGroups: db.prepare<[], { key: string; members: string }>(
        `SELECT content_hash AS key,
                json_group_array(json_object('path', path, 'size', size, 'mtimeMs', mtime_ms, 'inode', dev || ':' || ino)) AS members
         FROM (SELECT * FROM files WHERE content_hash IS NOT NULL AND size > 0 ORDER BY path)
         GROUP BY content_hash HAVING count(*) > 1`,
      ),
      pixelGroups: db.prepare<[], { key: string; members: string }>(
        `SELECT c.pixel_hash AS key,
                json_group_array(json_object('path', f.path, 'size', f.size, 'mtimeMs', f.mtime_ms, 'inode', f.dev || ':' || f.ino)) AS members
         FROM (SELECT * FROM files WHERE status = 'ok' ORDER BY path) f JOIN contents c ON c.hash = f.content_hash
         WHERE c.pixel_hash IS NOT NULL
         GROUP BY c.pixel_hash HAVING count(DISTINCT c.hash) > 1`,
      ),
      pictures: db.prepare<
        [],
        {
          hash: string;
          width: number;
          height: number;
          phash: string;
          phash_variants: string;
          phash_centre: string | null;
          pixel_hash: string | null;
        }
      >(
        `SELECT c.hash, c.width, c.height, c.phash, c.phash_variants, c.phash_centre, c.pixel_hash FROM contents c
         WHERE EXISTS (SELECT 1 FROM files f WHERE f.content_hash = c.hash AND f.status = 'ok') ORDER BY c.hash`,
      ),
      // What the review shows and compares of readable library files, for a JSON array of paths: one read per review batch.
      copyDetailsOf: db.prepare<[string], CopyRow>(
        `SELECT f.path, f.size, f.mtime_ms, f.dev, f.ino, f.content_hash, c.pixel_hash, c.width, c.height, c.format, c.taken_at,
                c.camera_make, c.camera_model, c.sharpness, c.clipped
         FROM files f JOIN contents c ON c.hash = f.content_hash WHERE f.path IN (SELECT value FROM json_each(?)) AND f.status = 'ok'`,
      ),
      fileDetails: db.prepare<[string], { path: string; size: number; mtime_ms: number; dev: number; ino: number }>(
        `SELECT path, size, mtime_ms, dev, ino FROM files WHERE content_hash = ? AND status = 'ok' ORDER BY path`,
      ),
      pictureKeys: db
        .prepare<[], [hash: string, pixelHash: string | null, pixels: number]>(
          `SELECT c.hash, c.pixel_hash, c.width * c.height FROM contents c
           WHERE EXISTS (SELECT 1 FROM files f WHERE f.content_hash = c.hash AND f.status = 'ok') ORDER BY c.hash`,
        )
        .raw(),
      liveFilePaths: db
        .prepare<[], [contentHash: string, path: string]>(
          `SELECT content_hash, path FROM files WHERE status = 'ok' AND content_hash IS NOT NULL ORDER BY path`,
        )
        .raw(),
      liveContents: db
        .prepare<[], string>(
          `SELECT c.hash FROM contents c WHERE EXISTS (SELECT 1 FROM files f WHERE f.content_hash = c.hash AND f.status = 'ok')`,
        )
        .pluck(),
      contentsWithVector: db.prepare<[string], string>('SELECT content_hash FROM embeddings WHERE model_id = ?').pluck(),
    };
  }

  /** Byte-identical files (same content hash), two or more per group. */
  exactGroups(): FileGroupRow[] {
    return this.#statements.exactGroups.all().map(toFileGroup);
  }

  /** Files whose contents differ but whose pixels are identical, with the byte copies of each. */
  pixelGroups(): FileGroupRow[] {
    return this.#statements.pixelGroups.all().map(toFileGroup);
  }

  /** Every readable content with what near-duplicate grouping needs to know about it. */
  pictures(): PictureRow[] {
    return this.#statements.pictures.all().map((row) => ({
      hash: row.hash,
      width: row.width,
      height: row.height,
      perceptualHash: row.phash,
      perceptualHashVariants: JSON.parse(row.phash_variants) as string[],
      centreHash: row.phash_centre,
      pixelHash: row.pixel_hash,
    }));
  }

  /**
   * What grouping needs to know of every readable content, content-hash order, as rows of
   * [hash, pixel hash, pixel count]: no JSON to parse, so 100k rows read in ~0.1 s.
   */
  pictureKeys(): [hash: string, pixelHash: string | null, pixels: number][] {
    return this.#statements.pictureKeys.all();
  }

  /** [content hash, path] of every readable file, path order: the files of all groups in one read. */
  liveFilePaths(): [contentHash: string, path: string][] {
    return this.#statements.liveFilePaths.all();
  }

  /** The hashes of the contents `pictures` lists (those with a readable file), without their rows. */
  liveContents(): string[] {
    return this.#statements.liveContents.all();
  }

  /** Contents that have a stored vector of this model (readable or not). */
  contentsWithVector(modelId: string): Set<string> {
    return new Set(this.#statements.contentsWithVector.all(modelId));
  }

  /** What the review shows and compares of these files (the readable library files among them), by path, in one read. */
  copyDetailsOf(filePaths: readonly string[]): Map<string, CopyDetails> {
    const details = new Map<string, CopyDetails>();
    for (const row of this.#statements.copyDetailsOf.all(JSON.stringify(filePaths))) details.set(row.path, toCopyDetails(row));
    return details;
  }

  filesOfContent(contentHash: string): GroupMember[] {
    return this.#statements.fileDetails.all(contentHash).map((row) => ({
      path: row.path,
      size: row.size,
      mtimeMs: row.mtime_ms,
      inode: `${row.dev}:${row.ino}`,
    }));
  }
}

interface CopyRow {
  path: string;
  size: number;
  mtime_ms: number;
  dev: number;
  ino: number;
  content_hash: string;
  pixel_hash: string | null;
  width: number;
  height: number;
  format: string;
  taken_at: string | null;
  camera_make: string | null;
  camera_model: string | null;
  sharpness: number | null;
  clipped: number | null;
}

function toCopyDetails(row: CopyRow): CopyDetails {
  return {
    path: row.path,
    size: row.size,
    mtimeMs: row.mtime_ms,
    inode: `${row.dev}:${row.ino}`,
    contentHash: row.content_hash,
    pixelHash: row.pixel_hash,
    width: row.width,
    height: row.height,
    format: row.format,
    takenAt: row.taken_at,
    camera: cameraName(row.camera_make, row.camera_model),
    quality: row.sharpness === null ? null : { sharpness: row.sharpness, clipped: row.clipped ?? 0 },
  };
}

function toFileGroup(row: { key: string; members: string }): FileGroupRow {
  return { key: row.key, members: JSON.parse(row.members) as GroupMember[] };
}
