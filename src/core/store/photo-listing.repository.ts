import type { PhotoShow, PhotoSort, PhotoSummary } from '../../shared/types';
import { cameraName } from './photo.repository';
import type { SqliteDatabase } from './library.database';

/** A file's place in a sort: its section, its sort key, its path (unique, so the order is total). */
export type ListingKey = readonly [section: string | number, sortKey: string | number, path: string];

/** Which files a listing holds (see `PhotoQuery`): the folder as a half-open range of paths. */
export interface ListingFilter {
  readonly show: PhotoShow;
  readonly folder?: { readonly from: string; readonly to: string };
}

export interface ListingOrder {
  readonly sort: PhotoSort;
  readonly descending: boolean;
}

export interface PageRequest extends ListingFilter, ListingOrder {
  /** Only this section (its stored value: a month, an initial, a size band 0-3, a folder). */
  readonly section?: string | number;
  /** Continue after this key (exclusive). */
  readonly after?: ListingKey;
  readonly limit: number;
}

export interface ListedPhoto {
  readonly photo: PhotoSummary;
  readonly key: ListingKey;
}

export interface StoredPhoto extends PhotoSummary {
  readonly root: string;
  readonly contentHash: string | null;
}

/**
 * The columns of migration 5 behind each sort: its index leads with (readable, section, key, path),
 * so a page is a range of that index read in order and a timeline is one GROUP BY over it.
 */
const SORT_COLUMNS: Readonly<Record<PhotoSort, { readonly section: string; readonly key: string }>> = {
  taken: { section: 'sort_month', key: 'sort_date' },
  added: { section: 'added_month', key: 'added_at' },
  name: { section: 'name_initial', key: 'name_key' },
  size: { section: 'size_band', key: 'size' },
  folder: { section: 'dir', key: 'name_key' },
};

/**
 * Contents with a copy: another readable file with the same bytes, or another content with the
 * same pixels that a readable file still has. Built once per query: an index scan of files by
 * content (about 25 ms at 100k), plus the few contents that have a pixel hash. A content with
 * both kinds of copy comes twice from `UNION ALL`: harmless in an IN list, where a `UNION` would
 * only add a sort; a join takes `UNION` so that no file counts twice.
 */
const contentsWithCopies = (union: 'UNION' | 'UNION ALL'): string => `
  SELECT content_hash AS hash FROM files WHERE content_hash IS NOT NULL AND status = 'ok'
  GROUP BY content_hash HAVING count(*) > 1
  ${union}
  SELECT hash FROM contents WHERE pixel_hash IN (
    SELECT c.pixel_hash FROM contents c
    WHERE c.pixel_hash IS NOT NULL AND EXISTS (SELECT 1 FROM files o WHERE o.content_hash = c.hash AND o.status = 'ok')
    GROUP BY c.pixel_hash HAVING count(*) > 1
  )`;

interface PhotoRow {
  path: string;
  size: number;
  mtime_ms: number;
  added_at: number;
  status: string;
  error: string | null;
  content_hash: string | null;
  format: string | null;
  width: number | null;
  height: number | null;
  taken_at: string | null;
  camera_make: string | null;
  camera_model: string | null;
}

interface PageRow extends PhotoRow {
  section_value: string | number;
  sort_value: string | number;
}

const PHOTO_COLUMNS = `f.path, f.size, f.mtime_ms, f.added_at, f.status, f.error, f.content_hash,
  c.format, c.width, c.height, c.taken_at, c.camera_make, c.camera_model`;

/** All SQLite I/O of the Library view's listing: keyset pages, section counts, one photo's details. */
export class PhotoListingRepository {
  readonly #db: SqliteDatabase;
  /** Pages and timelines are built from a few fixed pieces: each variant is prepared once. */
  readonly #prepared = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  readonly #statements;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#statements = {
      photo: db.prepare<[string], PhotoRow & { root: string }>(
        `SELECT ${PHOTO_COLUMNS}, r.path AS root
         FROM files f JOIN roots r ON r.id = f.root_id LEFT JOIN contents c ON c.hash = f.content_hash WHERE f.path = ?`,
      ),
      exactCopies: db.prepare<[string, string], { path: string }>(
        `SELECT path FROM files WHERE content_hash = ? AND path != ? AND status = 'ok' ORDER BY path`,
      ),
      pixelCopies: db.prepare<[string], { path: string }>(
        `SELECT o.path FROM contents mine
         JOIN contents other ON other.pixel_hash = mine.pixel_hash AND other.hash != mine.hash
         JOIN files o ON o.content_hash = other.hash AND o.status = 'ok'
         WHERE mine.hash = ? ORDER BY o.path`,
      ),
    };
  }

  /** Up to `limit` photos in listing order, each with its key (the next page starts after the last). */
  page(request: PageRequest): ListedPhoto[] {
    const rows = this.#statement(pageSql(request)).all(parameters(request)) as PageRow[];
    return rows.map((row) => ({ photo: toSummary(row), key: [row.section_value, row.sort_value, row.path] }));
  }

  /** Files per section, sections in listing order. */
  sectionCounts(request: ListingFilter & ListingOrder): { section: string | number; count: number }[] {
    return this.#statement(sectionsSql(request)).all(parameters(request)) as { section: string | number; count: number }[];
  }

  /** SQLite's plan for a page, one line per step: the tests hold every page to an index walk with no sort. */
  pagePlan(request: PageRequest): string[] {
    return this.#plan(pageSql(request), parameters(request));
  }

  /** SQLite's plan for the section counts. */
  sectionsPlan(request: ListingFilter & ListingOrder): string[] {
    return this.#plan(sectionsSql(request), parameters(request));
  }

  /** One library file with its root, or null when the library does not have this path. */
  photo(filePath: string): StoredPhoto | null {
    const row = this.#statements.photo.get(filePath);
    return row ? { ...toSummary(row), root: row.root, contentHash: row.content_hash } : null;
  }

  /** Other readable files with these bytes. */
  exactCopies(contentHash: string, filePath: string): string[] {
    return this.#statements.exactCopies.all(contentHash, filePath).map((row) => row.path);
  }

  /** Readable files of other contents with the same pixels as this one. */
  pixelCopies(contentHash: string): string[] {
    return this.#statements.pixelCopies.all(contentHash).map((row) => row.path);
  }

  #statement(sql: string): ReturnType<SqliteDatabase['prepare']> {
    let statement = this.#prepared.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#prepared.set(sql, statement);
    }
    return statement;
  }

  #plan(sql: string, values: Record<string, string | number>): string[] {
    const rows = this.#db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(values) as { detail: string }[];
    return rows.map((row) => row.detail);
  }
}

function pageSql(request: PageRequest): string {
  const { section, key } = SORT_COLUMNS[request.sort];
  // Within a section its equality leads the seek, so the key and path go on from there.
  const after =
    request.section === undefined
      ? `(f.${section}, f.${key}, f.path) ${request.descending ? '<' : '>'} (@afterSection, @afterKey, @afterPath)`
      : `(f.${key}, f.path) ${request.descending ? '<' : '>'} (@afterKey, @afterPath)`;
  return `SELECT ${PHOTO_COLUMNS}, f.${section} AS section_value, f.${key} AS sort_value
    FROM files f LEFT JOIN contents c ON c.hash = f.content_hash
    WHERE ${where(request)}
      ${request.section === undefined ? '' : `AND f.${section} = @section`}
      ${request.after === undefined ? '' : `AND ${after}`}
    ORDER BY ${orderBy(request)} LIMIT @limit`;
}

function sectionsSql(request: ListingFilter & ListingOrder): string {
  const { section } = SORT_COLUMNS[request.sort];
  const groups = `GROUP BY f.${section} ORDER BY f.${section} ${request.descending ? 'DESC' : 'ASC'}`;
  if (request.show === 'duplicates') {
    // From the files with copies, not the whole index walked with a probe each: a probe reads the
    // file's row for its content hash, 190 ms at 100k; this is 25 ms, plus a sort of those files.
    return `SELECT f.${section} AS section, count(*) AS count
      FROM (${contentsWithCopies('UNION')}) copied CROSS JOIN files f ON f.content_hash = copied.hash AND f.status = 'ok'
      ${request.folder ? `WHERE ${FOLDER_RANGE}` : ''} ${groups}`;
  }
  return `SELECT f.${section} AS section, count(*) AS count FROM files f WHERE ${where(request)} ${groups}`;
}

/** `+` keeps the planner off the path index: a range of a big folder then a sort of it is far slower than a filtered index walk. */
const FOLDER_RANGE = '+f.path >= @folderFrom AND +f.path < @folderTo';

function where(filter: ListingFilter): string {
  return [
    `f.readable = ${filter.show === 'unreadable' ? 0 : 1}`,
    ...(filter.folder ? [FOLDER_RANGE] : []),
    // A page walks the sort's index: one probe of the set per row met, and no sort.
    ...(filter.show === 'duplicates' ? [`f.content_hash IN (${contentsWithCopies('UNION ALL')})`] : []),
  ].join(' AND ');
}

function parameters(request: ListingFilter & Partial<PageRequest>): Record<string, string | number> {
  return {
    ...(request.folder ? { folderFrom: request.folder.from, folderTo: request.folder.to } : {}),
    ...(request.section === undefined ? {} : { section: request.section }),
    ...(request.after === undefined
      ? {}
      : request.section === undefined
        ? { afterSection: request.after[0], afterKey: request.after[1], afterPath: request.after[2] }
        : { afterKey: request.after[1], afterPath: request.after[2] }),
    ...(request.limit === undefined ? {} : { limit: request.limit }),
  };
}

function orderBy(order: ListingOrder): string {
  const { section, key } = SORT_COLUMNS[order.sort];
  const direction = order.descending ? 'DESC' : 'ASC';
  return [`f.${section}`, `f.${key}`, 'f.path'].map((column) => `${column} ${direction}`).join(', ');
}

function toSummary(row: PhotoRow): PhotoSummary {
  const readable = row.status === 'ok';
  return {
    path: row.path,
    size: row.size,
    format: readable ? (row.format ?? '') : '',
    width: readable ? (row.width ?? 0) : 0,
    height: readable ? (row.height ?? 0) : 0,
    takenAt: row.taken_at,
    camera: cameraName(row.camera_make, row.camera_model),
    mtimeMs: row.mtime_ms,
    addedAt: row.added_at,
    error: readable ? null : (row.error ?? 'unknown error'),
  };
}
