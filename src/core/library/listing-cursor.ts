import type { PhotoSort } from '../../shared/types';
import { InvalidArgumentError } from '../errors';
import type { ListingKey } from '../store/photo-listing.repository';

/** What a cursor carries: the listing it continues and the key of the last photo it gave. */
export interface CursorPosition {
  readonly sort: PhotoSort;
  readonly order: 'asc' | 'desc';
  readonly key: ListingKey;
}

/** Which parts of a key are numbers, by sort (the size band, the first-seen time, the size). */
const NUMERIC_PARTS: Readonly<Record<PhotoSort, readonly [section: boolean, sortKey: boolean]>> = {
  taken: [false, false],
  added: [false, true],
  name: [false, false],
  size: [true, true],
  folder: [false, false],
};

/**
 * The `next` of a page: base64url of `{"v":1,"sort":…,"order":…,"key":[section, sortKey, path]}`.
 * Opaque to callers; it names its sort and order so it is never read against another listing.
 */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ v: 1, sort: position.sort, order: position.order, key: position.key })).toString('base64url');
}

/** Reads a cursor back for this listing, or throws InvalidArgumentError saying what is wrong with it. */
export function decodeCursor(cursor: string, expected: { readonly sort: PhotoSort; readonly order: 'asc' | 'desc' }): ListingKey {
  const invalid = (reason: string): InvalidArgumentError =>
    new InvalidArgumentError(`Invalid page cursor: ${reason}; pass the \`next\` of the previous page unchanged`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('it is not one this listing gave out');
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid('it is not one this listing gave out');
  const { v, sort, order, key } = parsed as Record<string, unknown>;
  if (v !== 1 || typeof sort !== 'string' || typeof order !== 'string' || !Array.isArray(key)) {
    throw invalid('it is not one this listing gave out');
  }
  if (sort !== expected.sort || order !== expected.order) {
    throw invalid(`it continues a listing sorted by ${sort} (${order}), not by ${expected.sort} (${expected.order})`);
  }
  const [sectionIsNumber, sortKeyIsNumber] = NUMERIC_PARTS[expected.sort];
  const [section, sortKey, filePath] = key as unknown[];
  if (
    key.length !== 3 ||
    !isPart(section, sectionIsNumber) ||
    !isPart(sortKey, sortKeyIsNumber) ||
    typeof filePath !== 'string' ||
    filePath.length === 0
  ) {
    throw invalid(`its position is not a ${expected.sort} key`);
  }
  return [section, sortKey, filePath];
}

function isPart(value: unknown, numeric: boolean): value is string | number {
  return numeric ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string';
}
