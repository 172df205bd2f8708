import path from 'node:path';
import {
  PHOTO_SHOWS,
  PHOTO_SORTS,
  type PhotoDetails,
  type PhotoPage,
  type PhotoQuery,
  type PhotoSort,
  type Timeline,
} from '../../shared/types';
import { limits } from '../../shared/limits';
import { InvalidArgumentError, assertWithinLimit } from '../errors';
import { dateFromFileName } from '../media/file-name-date';
import type { ListingFilter, ListingOrder, PhotoListingRepository } from '../store/photo-listing.repository';
import { decodeCursor, encodeCursor } from './listing-cursor';
import { sectionOf, storedSection } from './listing-sections';

/** One page of `library:photos`: a query, optionally one section of it, continued after a cursor. */
export interface PhotoPageQuery extends PhotoQuery {
  /** A section key from the timeline of the same query; the whole listing when left out. */
  readonly section?: string;
  /** The `next` of the previous page. */
  readonly after?: string;
  /** Photos per page (default 100, at most 500). */
  readonly limit?: number;
}

/** Newest and largest first by default; names and folders A→Z. */
const DEFAULT_ORDER: Readonly<Record<PhotoSort, 'asc' | 'desc'>> = {
  taken: 'desc',
  added: 'desc',
  size: 'desc',
  name: 'asc',
  folder: 'asc',
};

/**
 * The Library view's listing: keyset pages, the timeline of sections, one photo's details. Every
 * page continues from the last key seen (never an offset), so page 500 costs what page 1 does.
 */
export class PhotoListingService {
  readonly #listing: PhotoListingRepository;

  constructor(listing: PhotoListingRepository) {
    this.#listing = listing;
  }

  /**
   * @example
   * const first = listing.page({ sort: 'taken', section: '2024-07', limit: 50 });
   * const second = first.next ? listing.page({ sort: 'taken', section: '2024-07', limit: 50, after: first.next }) : null;
   */
  page(query: PhotoPageQuery = {}): PhotoPage {
    const limit = query.limit ?? limits.photoPageSize.default;
    assertWithinLimit('photoPageSize', limit);
    const request = resolve(query);
    const section = query.section === undefined ? undefined : storedSection(request.sort, query.section);
    const after = query.after === undefined ? undefined : decodeCursor(query.after, request);
    if (after && section !== undefined && after[0] !== section) {
      throw new InvalidArgumentError(`Invalid page cursor: it continues section ${String(after[0])}, not ${query.section ?? ''}`);
    }
    // One more than asked tells whether a next page exists without a count.
    const rows = this.#listing.page({
      ...request,
      ...(section === undefined ? {} : { section }),
      ...(after ? { after } : {}),
      limit: limit + 1,
    });
    const photos = rows.slice(0, limit);
    const last = photos.at(-1);
    const next = rows.length > limit && last ? encodeCursor({ sort: request.sort, order: request.order, key: last.key }) : null;
    return { photos: photos.map((row) => row.photo), next };
  }

  /** Every section of the query with its count, in listing order. */
  timeline(query: PhotoQuery = {}): Timeline {
    const request = resolve(query);
    const sections = this.#listing.sectionCounts(request).map(({ section, count }) => ({ ...sectionOf(request.sort, section), count }));
    return { total: sections.reduce((sum, section) => sum + section.count, 0), sections };
  }

  /** One library file with its root and its copies; InvalidArgumentError when the library does not have it. */
  details(filePath: string): PhotoDetails {
    const stored = this.#listing.photo(filePath);
    if (!stored) throw new InvalidArgumentError(`Cannot show ${filePath}: it is not in the library`);
    const { contentHash, root, ...summary } = stored;
    return {
      ...summary,
      root,
      exactCopies: contentHash ? this.#listing.exactCopies(contentHash, filePath) : [],
      pixelCopies: contentHash ? this.#listing.pixelCopies(contentHash) : [],
      ...(takenFromName(summary) ? { takenAtFromName: true } : {}),
    };
  }
}

/**
 * Whether a photo's capture time is the one its name carries. Where it came from is not stored: a
 * photo with camera EXIF has its date from there too, so only a photo without a camera counts.
 */
function takenFromName(photo: { path: string; takenAt: string | null; camera: string | null; mtimeMs: number }): boolean {
  if (photo.takenAt === null || photo.camera !== null) return false;
  return dateFromFileName(path.basename(photo.path), { modifiedAt: new Date(photo.mtimeMs) }) === photo.takenAt;
}

/** The query with its defaults, checked (the contract checks it too; the core is also called directly). */
function resolve(query: PhotoQuery): ListingFilter & ListingOrder & { readonly order: 'asc' | 'desc' } {
  const sort = query.sort ?? 'taken';
  const show = query.show ?? 'all';
  if (!PHOTO_SORTS.includes(sort)) throw new InvalidArgumentError(`Unknown sort "${sort}": expected ${PHOTO_SORTS.join(', ')}`);
  if (!PHOTO_SHOWS.includes(show)) throw new InvalidArgumentError(`Unknown show "${show}": expected ${PHOTO_SHOWS.join(', ')}`);
  const order = query.order ?? DEFAULT_ORDER[sort];
  return { sort, order, descending: order === 'desc', show, ...(query.folder === undefined ? {} : { folder: folderRange(query.folder) }) };
}

/**
 * The paths at or below a folder as a half-open range: `/a/b/` ≤ path < `/a/b0` ('0' follows '/';
 * ']' follows '\' for a Windows folder), so `/a/bc` is not taken for a file of `/a/b`.
 */
export function folderRange(folder: string): { from: string; to: string } {
  const separator = folder.startsWith('/') ? '/' : '\\';
  let base = folder;
  while (base.length > 1 && (base.endsWith('/') || base.endsWith('\\')) && !/^[A-Za-z]:[\\/]$/.test(base)) base = base.slice(0, -1);
  const from = base.endsWith('/') || base.endsWith('\\') ? base : `${base}${separator}`;
  const last = from.charCodeAt(from.length - 1);
  return { from, to: `${from.slice(0, -1)}${String.fromCharCode(last + 1)}` };
}
