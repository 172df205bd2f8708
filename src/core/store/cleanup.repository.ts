import type { SqliteDatabase } from './library.database';

/** A library file as clean-up sees it: what the safety checks verify and undo puts back. */
export interface IndexedCopy {
  readonly path: string;
  readonly rootId: number;
  readonly rootPath: string;
  readonly contentHash: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly dev: number;
  readonly ino: number;
}

interface CopyRow {
  path: string;
  root_id: number;
  root_path: string;
  content_hash: string;
  size: number;
  mtime_ms: number;
  dev: number;
  ino: number;
}

/** SQLite reads and writes behind clean-up, undo and "not duplicates". */
export class CleanupRepository {
  readonly #statements;

  constructor(db: SqliteDatabase) {
    this.#statements = {
      copy: db.prepare<[string], CopyRow>(
        `SELECT f.path, f.root_id, r.path AS root_path, f.content_hash, f.size, f.mtime_ms, f.dev, f.ino
         FROM files f JOIN roots r ON r.id = f.root_id
         WHERE f.path = ? AND f.status = 'ok' AND f.content_hash IS NOT NULL`,
      ),
      removeFile: db.prepare<[string]>('DELETE FROM files WHERE path = ?'),
      restoreFile: db.prepare(
        `INSERT INTO files (root_id, path, size, mtime_ms, dev, ino, content_hash, status, error, indexed_at)
         SELECT @rootId, @path, @size, @mtimeMs, @dev, @ino, @contentHash, 'ok', NULL, @now
         WHERE EXISTS (SELECT 1 FROM roots WHERE id = @rootId)
         ON CONFLICT (path) DO NOTHING`,
      ),
      addNotDuplicates: db.prepare<[string, string, number, string]>(
        'INSERT OR IGNORE INTO not_duplicates (hash_a, hash_b, decided_at, operation_id) VALUES (?, ?, ?, ?)',
      ),
      removeNotDuplicatesOf: db.prepare<[string]>('DELETE FROM not_duplicates WHERE operation_id = ?'),
      notDuplicates: db.prepare<[], { hash_a: string; hash_b: string; decided_at: number; operation_id: string | null }>(
        'SELECT hash_a, hash_b, decided_at, operation_id FROM not_duplicates ORDER BY decided_at DESC, hash_a, hash_b',
      ),
      fileOfContent: db.prepare<[string], { path: string }>(
        "SELECT path FROM files WHERE content_hash = ? AND status = 'ok' ORDER BY length(path), path LIMIT 1",
      ),
      clearNotDuplicates: db.prepare('DELETE FROM not_duplicates'),
      countNotDuplicatesOf: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM not_duplicates WHERE operation_id = ?'),
    };
  }

  /** The indexed, readable file at `filePath`, or null. */
  copy(filePath: string): IndexedCopy | null {
    const row = this.#statements.copy.get(filePath);
    if (!row) return null;
    return {
      path: row.path,
      rootId: row.root_id,
      rootPath: row.root_path,
      contentHash: row.content_hash,
      size: row.size,
      mtimeMs: row.mtime_ms,
      dev: row.dev,
      ino: row.ino,
    };
  }

  /** A file moved to the trash leaves the library (its content row stays: undo or another copy may need it). */
  removeFile(filePath: string): void {
    this.#statements.removeFile.run(filePath);
  }

  /** Puts back the row of a restored file, as it was when it was trashed (its root must still exist). */
  restoreFile(row: {
    rootId: number;
    path: string;
    size: number;
    mtimeMs: number;
    dev: number;
    ino: number;
    contentHash: string;
    now: number;
  }): void {
    this.#statements.restoreFile.run(row);
  }

  /** Records that two contents are not duplicates (`a` may equal `b`: byte copies kept on purpose). */
  addNotDuplicates(a: string, b: string, operationId: string, now: number): void {
    const [first, second] = a <= b ? [a, b] : [b, a];
    this.#statements.addNotDuplicates.run(first, second, now, operationId);
  }

  removeNotDuplicatesOf(operationId: string): number {
    return this.#statements.removeNotDuplicatesOf.run(operationId).changes;
  }

  countNotDuplicatesOf(operationId: string): number {
    return this.#statements.countNotDuplicatesOf.get(operationId)?.n ?? 0;
  }

  notDuplicates(): { readonly hashA: string; readonly hashB: string; readonly decidedAt: number; readonly operationId: string | null }[] {
    return this.#statements.notDuplicates
      .all()
      .map((row) => ({ hashA: row.hash_a, hashB: row.hash_b, decidedAt: row.decided_at, operationId: row.operation_id }));
  }

  /** One readable library file with this content (the shortest path), or null. */
  fileOfContent(contentHash: string): string | null {
    return this.#statements.fileOfContent.get(contentHash)?.path ?? null;
  }

  clearNotDuplicates(): number {
    return this.#statements.clearNotDuplicates.run().changes;
  }
}
