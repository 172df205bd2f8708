import type { SqliteDatabase } from './library.database';

/** One library folder with what its files add up to. */
export interface RootSummaryRow {
  readonly id: number;
  readonly path: string;
  readonly excludes: readonly string[];
  /** Epoch milliseconds. */
  readonly addedAt: number;
  /** Readable photos. */
  readonly files: number;
  /** Files that could not be read. */
  readonly errors: number;
  /** Bytes of all its files, readable or not (as `counts()` of the photo repository sums them). */
  readonly bytes: number;
}

/** SQLite I/O about the library's folders as the user manages them (list, take out, exclusions). */
export class RootsRepository {
  readonly #db: SqliteDatabase;
  readonly #statements;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#statements = {
      summaries: db.prepare<
        [],
        { id: number; path: string; excludes: string; added_at: number; files: number; errors: number; bytes: number | null }
      >(
        // One pass over the files table for every folder at once, not one per folder.
        `SELECT r.id, r.path, r.excludes, r.added_at, coalesce(c.files, 0) AS files, coalesce(c.errors, 0) AS errors, c.bytes
         FROM roots r LEFT JOIN (
           SELECT root_id, count(*) FILTER (WHERE status = 'ok') AS files, count(*) FILTER (WHERE status != 'ok') AS errors,
                  sum(size) AS bytes
           FROM files GROUP BY root_id
         ) c ON c.root_id = r.id
         ORDER BY r.path`,
      ),
      rootId: db.prepare<[string], { id: number }>('SELECT id FROM roots WHERE path = ?'),
      fileCount: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM files WHERE root_id = ?'),
      deleteRoot: db.prepare<[number]>('DELETE FROM roots WHERE id = ?'),
      setExcludes: db.prepare<[string, number]>('UPDATE roots SET excludes = ? WHERE id = ?'),
    };
  }

  /** Every folder with its counts, by path. */
  summaries(): RootSummaryRow[] {
    return this.#statements.summaries.all().map((row) => ({
      id: row.id,
      path: row.path,
      excludes: JSON.parse(row.excludes) as string[],
      addedAt: row.added_at,
      files: row.files,
      errors: row.errors,
      bytes: row.bytes ?? 0,
    }));
  }

  /** The id of the folder stored under exactly this path, or null. */
  idOf(rootPath: string): number | null {
    return this.#statements.rootId.get(rootPath)?.id ?? null;
  }

  /** Deletes the folder and, by the schema's cascade, its files' rows; returns how many files it had. */
  remove(rootId: number): number {
    return this.#db.transaction(() => {
      const files = this.#statements.fileCount.get(rootId)?.n ?? 0;
      this.#statements.deleteRoot.run(rootId);
      return files;
    })();
  }

  setExcludes(rootId: number, excludes: readonly string[]): void {
    this.#statements.setExcludes.run(JSON.stringify(excludes), rootId);
  }
}
