import type { PhotoSort, TimelineSection } from '../../shared/types';
import { InvalidArgumentError } from '../errors';

/**
 * Size bands as migration 5's `size_band` numbers them (MB = 10^6 bytes): 3 over 20 MB, 2 over
 * 5 MB, 1 from 1 MB, 0 under 1 MB.
 */
const SIZE_BANDS: readonly { readonly key: string; readonly label: string }[] = [
  { key: '<1MB', label: 'Under 1 MB' },
  { key: '1-5MB', label: '1–5 MB' },
  { key: '5-20MB', label: '5–20 MB' },
  { key: '>20MB', label: 'Over 20 MB' },
];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const MONTH_KEY = /^(\d{4})-(\d{2})$/;
const INITIAL_KEY = /^[A-Z#]$/;

/** The section a stored value stands for: `2024-07` → `July 2024`, band 3 → `>20MB` / `Over 20 MB`. */
export function sectionOf(sort: PhotoSort, stored: string | number): Omit<TimelineSection, 'count'> {
  switch (sort) {
    case 'taken':
    case 'added':
      return { key: String(stored), label: monthLabel(String(stored)) };
    case 'name':
      return { key: String(stored), label: String(stored) };
    case 'size': {
      const band = SIZE_BANDS[Number(stored)] ?? { key: String(stored), label: String(stored) };
      return { key: band.key, label: band.label };
    }
    case 'folder':
      return { key: String(stored), label: String(stored) };
  }
}

/** The stored value of a section key from `library:timeline`; InvalidArgumentError for a key this sort never gives. */
export function storedSection(sort: PhotoSort, key: string): string | number {
  const unknown = (expected: string): InvalidArgumentError =>
    new InvalidArgumentError(`Unknown section "${key}" for the ${sort} sort: expected ${expected}`);
  switch (sort) {
    case 'taken':
    case 'added':
      if (!MONTH_KEY.test(key)) throw unknown('a month such as 2024-07');
      return key;
    case 'name':
      if (!INITIAL_KEY.test(key)) throw unknown('a letter A-Z or #');
      return key;
    case 'size': {
      const band = SIZE_BANDS.findIndex((candidate) => candidate.key === key);
      if (band < 0) throw unknown(SIZE_BANDS.map((candidate) => candidate.key).join(', '));
      return band;
    }
    case 'folder':
      return key;
  }
}

function monthLabel(month: string): string {
  const match = MONTH_KEY.exec(month);
  const name = match ? MONTHS[Number(match[2]) - 1] : undefined;
  return match && name ? `${name} ${match[1]}` : month;
}
