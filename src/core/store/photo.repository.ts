import type { PictureQuality } from '../media/picture-quality';
import { assertDefined } from '../assert';
import { hashChunks } from '../media/perceptual-hash';
import type { SqliteDatabase } from './library.database';

export type FileStatus = 'ok' | 'error' | 'unsupported';

export interface RootRow {
  readonly id: number;
  readonly path: string;
  readonly excludes: readonly string[];
}

export interface StoredFile {
  readonly id: number;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly contentHash: string | null;
  readonly status: FileStatus;
}

export interface FileRecord {
  readonly rootId: number;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly dev: number;
  readonly ino: number;
  readonly contentHash: string | null;
  readonly status: FileStatus;
  readonly error: string | null;
}

export interface ContentRecord {
  readonly hash: string;
  readonly size: number;
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly orientation: number;
  readonly takenAt: string | null;
  readonly cameraMake: string | null;
  readonly cameraModel: string | null;
  readonly perceptualHash: string;
  readonly perceptualHashVariants: readonly string[];
  /** Hash of the picture's middle (src/core/media/perceptual-hash.ts, `centreHash`); absent or null when there is none. */
  readonly centreHash?: string | null;
  /** Stored pixel signature (src/core/media/pixel-signature.ts); absent or null when there is none. */
  readonly pixelSignature?: Uint8Array | null;
  /** Sharpness and exposure (src/core/media/picture-quality.ts); absent when not measured. */
  readonly quality?: PictureQuality;
}

/** What the pixel-identity and near-duplicate phases need of every decoded content, in compact form. */
export interface ContentSignature {
  readonly hash: string;
  readonly width: number;
  readonly height: number;
  readonly perceptualHash: string;
  readonly pixelHash: string | null;
}

export interface PictureRow extends ContentSignature {
  readonly perceptualHashVariants: readonly string[];
  /** Hash of the picture's middle; null for contents indexed before it was kept (until the next index run fills it in). */
  readonly centreHash: string | null;
}

export interface GroupMember {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** `dev:ino`: hard links to one inode share it and take the space once. */
  readonly inode: string;
}

export interface FileGroupRow {
  readonly key: string;
  readonly members: GroupMember[];
}

/** Contents whose pixel signatures one query fetches (each signature is about 1.5 KB). */
const SIGNATURES_PER_QUERY = 500;

/** All SQLite I/O about roots, files and their contents. Services ask this; they never touch SQL. */
export class PhotoRepository {
  readonly #db: SqliteDatabase;
  readonly #statements;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#statements = {
      rootByPath: db.prepare<[string], { id: number; path: string; excludes: string }>(
        'SELECT id, path, excludes FROM roots WHERE path = ?',
      ),
      insertRoot: db.prepare<[string, string, number]>('INSERT INTO roots (path, excludes, added_at) VALUES (?, ?, ?)'),
      updateRootExcludes: db.prepare<[string, number]>('UPDATE roots SET excludes = ? WHERE id = ?'),
      roots: db.prepare<[], { id: number; path: string; excludes: string }>('SELECT id, path, excludes FROM roots ORDER BY path'),
      filesOfRoot: db.prepare<
        [number],
        { id: number; path: string; size: number; mtime_ms: number; content_hash: string | null; status: FileStatus }
      >('SELECT id, path, size, mtime_ms, content_hash, status FROM files WHERE root_id = ?'),
      contentExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM contents WHERE hash = ?'),
      upsertFile: db.prepare(
        `INSERT INTO files (root_id, path, size, mtime_ms, dev, ino, content_hash, status, error, indexed_at)
         VALUES (@rootId, @path, @size, @mtimeMs, @dev, @ino, @contentHash, @status, @error, @now)
         ON CONFLICT (path) DO UPDATE SET root_id = excluded.root_id, size = excluded.size, mtime_ms = excluded.mtime_ms,
           dev = excluded.dev, ino = excluded.ino, content_hash = excluded.content_hash, status = excluded.status,
           error = excluded.error, indexed_at = excluded.indexed_at`,
      ),
      insertContent: db.prepare(
        `INSERT OR REPLACE INTO contents (hash, size, format, width, height, orientation, taken_at, camera_make, camera_model,
           phash, ph0, ph1, ph2, ph3, phash_variants, phash_centre, pixel_hash, pixel_signature, decoded_at, sharpness, clipped)
         VALUES (@hash, @size, @format, @width, @height, @orientation, @takenAt, @cameraMake, @cameraModel,
           @perceptualHash, @ph0, @ph1, @ph2, @ph3, @variants, @centreHash, NULL, @pixelSignature, @now, @sharpness, @clipped)`,
      ),
      deleteFile: db.prepare<[number]>('DELETE FROM files WHERE id = ?'),
      deleteFileByPath: db.prepare<[string]>('DELETE FROM files WHERE path = ?'),
      setPixelHash: db.prepare<[string, string]>('UPDATE contents SET pixel_hash = ? WHERE hash = ?'),
      withoutCentreHash: db
        .prepare<[], string>(
          `SELECT c.hash FROM contents c
           WHERE c.phash_centre IS NULL AND EXISTS (SELECT 1 FROM files f WHERE f.content_hash = c.hash AND f.status = 'ok')`,
        )
        .pluck(),
      setCentreHash: db.prepare<[string, string]>('UPDATE contents SET phash_centre = ? WHERE hash = ?'),
      pixelSignatures: db.prepare<[string], { hash: string; pixel_signature: Uint8Array | null }>(
        'SELECT hash, pixel_signature FROM contents WHERE hash IN (SELECT value FROM json_each(?))',
      ),
      signatures: db.prepare<[], { hash: string; width: number; height: number; phash: string; pixel_hash: string | null }>(
        `SELECT c.hash, c.width, c.height, c.phash, c.pixel_hash FROM contents c
         WHERE EXISTS (SELECT 1 FROM files f WHERE f.content_hash = c.hash AND f.status = 'ok')`,
      ),
      pathOfContent: db.prepare<[string], { path: string }>(
        `SELECT path FROM files WHERE content_hash = ? AND status = 'ok' ORDER BY path LIMIT 1`,
      ),
      readableContents: db.prepare<[], { content_hash: string }>(
        `SELECT DISTINCT content_hash FROM files WHERE status = 'ok' AND content_hash IS NOT NULL`,
      ),
      pathsOfContent: db.prepare<[string], { path: string }>(
        `SELECT path FROM files WHERE content_hash = ? AND status = 'ok' ORDER BY path`,
      ),
      contentOfPath: db.prepare<[string], { content_hash: string | null; status: FileStatus }>(
        'SELECT content_hash, status FROM files WHERE path = ?',
      ),
      contentsByPixelHash: db.prepare<[string], { hash: string }>('SELECT hash FROM contents WHERE pixel_hash = ?'),
      pixelHashOfContent: db.prepare<[string], { pixel_hash: string | null }>('SELECT pixel_hash FROM contents WHERE hash = ?'),
      undatedContents: db.prepare<[], { hash: string; path: string; mtime_ms: number }>(
        `SELECT c.hash, min(f.path) AS path, f.mtime_ms FROM contents c JOIN files f ON f.content_hash = c.hash AND f.status = 'ok'
         WHERE c.taken_at IS NULL GROUP BY c.hash`,
      ),
      setTakenAt: db.prepare<[string, string]>('UPDATE contents SET taken_at = ? WHERE hash = ? AND taken_at IS NULL'),
      signaturesByChunk: [0, 1, 2, 3].map((chunk) =>
        db.prepare<[number, number, string], { hash: string; width: number; height: number; phash: string; pixel_hash: string | null }>(
          `SELECT c.hash, c.width, c.height, c.phash, c.pixel_hash FROM contents c
           WHERE c.width = ? AND c.height = ? AND c.ph${chunk} IN (SELECT value FROM json_each(?))
           AND EXISTS (SELECT 1 FROM files f WHERE f.content_hash = c.hash AND f.status = 'ok')`,
        ),
      ),
      counts: db.prepare<[], { files: number; errors: number; bytes: number | null }>(
        `SELECT count(*) FILTER (WHERE status = 'ok') AS files, count(*) FILTER (WHERE status != 'ok') AS errors,
                sum(size) AS bytes FROM files`,
      ),
      errors: db.prepare<[], { path: string; error: string | null }>(`SELECT path, error FROM files WHERE status != 'ok' ORDER BY path`),
    };
  }

  /** Registers a root folder (or updates its exclude patterns) and returns it. */
  upsertRoot(rootPath: string, excludes: readonly string[] | undefined): RootRow {
    const existing = this.#statements.rootByPath.get(rootPath);
    if (existing) {
      if (excludes !== undefined) this.#statements.updateRootExcludes.run(JSON.stringify(excludes), existing.id);
      return { id: existing.id, path: existing.path, excludes: excludes ?? (JSON.parse(existing.excludes) as string[]) };
    }
    const result = this.#statements.insertRoot.run(rootPath, JSON.stringify(excludes ?? []), Date.now());
    return { id: Number(result.lastInsertRowid), path: rootPath, excludes: excludes ?? [] };
  }

  roots(): RootRow[] {
    return this.#statements.roots.all().map((row) => ({ id: row.id, path: row.path, excludes: JSON.parse(row.excludes) as string[] }));
  }

  filesOfRoot(rootId: number): Map<string, StoredFile> {
    const files = new Map<string, StoredFile>();
    for (const row of this.#statements.filesOfRoot.iterate(rootId)) {
      files.set(row.path, {
        id: row.id,
        path: row.path,
        size: row.size,
        mtimeMs: row.mtime_ms,
        contentHash: row.content_hash,
        status: row.status,
      });
    }
    return files;
  }

  hasContent(hash: string): boolean {
    return this.#statements.contentExists.get(hash) !== undefined;
  }

  /** Writes one batch of indexing results in a single transaction. */
  saveBatch(contents: readonly ContentRecord[], files: readonly FileRecord[]): void {
    const now = Date.now();
    this.#db.transaction(() => {
      for (const content of contents) {
        const [ph0, ph1, ph2, ph3] = hashChunks(content.perceptualHash);
        this.#statements.insertContent.run({
          ...content,
          ph0,
          ph1,
          ph2,
          ph3,
          variants: JSON.stringify(content.perceptualHashVariants),
          centreHash: content.centreHash ?? null,
          pixelSignature: asBlob(content.pixelSignature),
          now,
          sharpness: content.quality?.sharpness ?? null,
          clipped: content.quality?.clipped ?? null,
        });
      }
      for (const file of files) this.#statements.upsertFile.run({ ...file, now });
    })();
  }

  removeFiles(ids: readonly number[]): void {
    this.#db.transaction(() => {
      for (const id of ids) this.#statements.deleteFile.run(id);
    })();
  }

  removeFilesByPath(paths: readonly string[]): void {
    if (paths.length === 0) return;
    this.#db.transaction(() => {
      for (const filePath of paths) this.#statements.deleteFileByPath.run(filePath);
    })();
  }

  /** Signatures of every content that at least one readable file still has. */
  signatures(): ContentSignature[] {
    return this.#statements.signatures.all().map(toSignature);
  }

  /**
   * Contents of these dimensions having at least one perceptual-hash chunk among `chunkValues[c]`
   * (multi-index hashing probe: index lookups, never a scan of the library).
   */
  signaturesMatchingChunks(width: number, height: number, chunkValues: readonly (readonly number[])[]): ContentSignature[] {
    const found = new Map<string, ContentSignature>();
    chunkValues.forEach((values, chunk) => {
      const statement = assertDefined(this.#statements.signaturesByChunk[chunk], `query for perceptual-hash chunk ${chunk}`);
      for (const row of statement.all(width, height, JSON.stringify(values))) {
        found.set(row.hash, toSignature(row));
      }
    });
    return [...found.values()];
  }

  /** Stored pixel signatures of these contents (null where a content has none), fetched in chunks. */
  pixelSignatures(contentHashes: readonly string[]): Map<string, Uint8Array | null> {
    const found = new Map<string, Uint8Array | null>();
    for (let start = 0; start < contentHashes.length; start += SIGNATURES_PER_QUERY) {
      const chunk = JSON.stringify(contentHashes.slice(start, start + SIGNATURES_PER_QUERY));
      for (const row of this.#statements.pixelSignatures.iterate(chunk)) found.set(row.hash, row.pixel_signature);
    }
    return found;
  }

  /** Readable contents whose middle was never hashed (indexed before the library kept it). */
  contentsWithoutCentreHash(): string[] {
    return this.#statements.withoutCentreHash.all();
  }

  setCentreHashes(entries: readonly (readonly [contentHash: string, centreHash: string])[]): void {
    this.#db.transaction(() => {
      for (const [contentHash, centre] of entries) this.#statements.setCentreHash.run(centre, contentHash);
    })();
  }

  setPixelHashes(entries: readonly (readonly [contentHash: string, pixelHash: string])[]): void {
    this.#db.transaction(() => {
      for (const [contentHash, pixelHash] of entries) this.#statements.setPixelHash.run(pixelHash, contentHash);
    })();
  }

  /** One readable path showing this content (for decoding it again), or null. */
  pathOfContent(contentHash: string): string | null {
    return this.#statements.pathOfContent.get(contentHash)?.path ?? null;
  }

  /** Every content with at least one readable file (each one has a thumbnail). */
  readableContents(): string[] {
    return this.#statements.readableContents.all().map((row) => row.content_hash);
  }

  pathsOfContent(contentHash: string): string[] {
    return this.#statements.pathsOfContent.all(contentHash).map((row) => row.path);
  }

  contentOfPath(filePath: string): { contentHash: string | null; status: FileStatus } | null {
    const row = this.#statements.contentOfPath.get(filePath);
    return row ? { contentHash: row.content_hash, status: row.status } : null;
  }

  contentsWithPixelHash(pixelHash: string): string[] {
    return this.#statements.contentsByPixelHash.all(pixelHash).map((row) => row.hash);
  }

  /** The content's pixel hash; null when it has none (its cheap signature collides with no other) or is unknown. */
  pixelHashOf(contentHash: string): string | null {
    return this.#statements.pixelHashOfContent.get(contentHash)?.pixel_hash ?? null;
  }

  /** Contents without a capture time, each with one of its readable files (the first by path) and that file's time. */
  undatedContents(): { hash: string; path: string; mtimeMs: number }[] {
    return this.#statements.undatedContents.all().map((row) => ({ hash: row.hash, path: row.path, mtimeMs: row.mtime_ms }));
  }

  /** Gives undated contents a capture time, in one transaction (the listing's triggers re-sort their files). */
  setTakenAt(entries: readonly (readonly [contentHash: string, takenAt: string])[]): void {
    if (entries.length === 0) return;
    this.#db.transaction(() => {
      for (const [hash, takenAt] of entries) this.#statements.setTakenAt.run(takenAt, hash);
    })();
  }

  counts(): { files: number; errors: number; bytes: number } {
    const row = this.#statements.counts.get();
    return { files: row?.files ?? 0, errors: row?.errors ?? 0, bytes: row?.bytes ?? 0 };
  }

  errors(): { path: string; reason: string }[] {
    return this.#statements.errors.all().map((row) => ({ path: row.path, reason: row.error ?? 'unknown error' }));
  }
}

/** better-sqlite3 binds BLOBs from Buffers only. */
function asBlob(bytes: Uint8Array | null | undefined): Buffer | null {
  if (!bytes) return null;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toSignature(row: { hash: string; width: number; height: number; phash: string; pixel_hash: string | null }): ContentSignature {
  return { hash: row.hash, width: row.width, height: row.height, perceptualHash: row.phash, pixelHash: row.pixel_hash };
}

/**
 * "Canon EOS 5D", from the EXIF make and model, or null when the camera wrote neither. Many
 * cameras repeat the make in the model ("Canon" + "Canon EOS 5D"): it is said once.
 */
export function cameraName(make: string | null, model: string | null): string | null {
  const trimmedMake = make?.trim() ?? '';
  const trimmedModel = model?.trim() ?? '';
  if (trimmedMake && trimmedModel.toLowerCase().startsWith(trimmedMake.toLowerCase())) return trimmedModel;
  return [trimmedMake, trimmedModel].filter(Boolean).join(' ') || null;
}
