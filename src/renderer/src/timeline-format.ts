/** How the Library timeline and the photo viewer put photos into words. */
import type { PhotoSort, PhotoSummary, TimelineSection } from '../../shared/types.js';
import { fileName, formatCount, formatTakenAt } from './format.js';

/** `July 2024 · 312 photos` */
export function sectionHeading(section: TimelineSection): string {
  return `${section.label} · ${formatCount(section.count, 'photo')}`;
}

/** Sorts whose sections are months (`2024-07`). */
export function isDateSort(sort: PhotoSort): boolean {
  return sort === 'taken' || sort === 'added';
}

const MONTH_KEY = /^(\d{4})-(\d{2})$/;

/** The year of a month section key (`2024-07` → 2024), null for any other key. */
export function yearOfSection(key: string): number | null {
  const match = MONTH_KEY.exec(key);
  return match ? Number(match[1]) : null;
}

/** A short month name for a month section key (`2024-07` → `Jul`), in the user's locale. */
export function shortMonth(key: string): string | null {
  const match = MONTH_KEY.exec(key);
  if (!match) return null;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)).toLocaleString(undefined, { month: 'short', timeZone: 'UTC' });
}

/**
 * What the scrubber writes for a section in its narrow column: folders by their last part, size
 * bands by their key (`>20MB`), others as labelled; the hover bubble gives the whole label.
 */
export function scrubberLabel(section: TimelineSection, sort: PhotoSort): string {
  if (sort === 'folder') return fileName(section.label) || section.label;
  if (sort === 'size') return section.key;
  return section.label;
}

/** A file's modification time as a medium date. */
export function formatFileDate(mtimeMs: number): string {
  return new Date(mtimeMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * When a photo was taken, or that it has no capture date.
 * @example photoDate({ takenAt: null, mtimeMs: 0, … }) // → 'no capture date; file date Jan 1, 1970, …'
 */
export function photoDate(photo: Pick<PhotoSummary, 'takenAt' | 'mtimeMs'>): string {
  return photo.takenAt ? formatTakenAt(photo.takenAt) : `no capture date; file date ${formatFileDate(photo.mtimeMs)}`;
}

/** The accessible name of a tile: file name and date (or why it cannot be read). */
export function tileLabel(photo: PhotoSummary): string {
  const name = fileName(photo.path);
  if (photo.error) return `${name}, unreadable: ${photo.error}`;
  return `${name}, ${photo.takenAt ? formatTakenAt(photo.takenAt) : formatFileDate(photo.mtimeMs)}`;
}

/** `4032 × 3024 (12.2 MP)` */
export function formatDimensions(width: number, height: number): string {
  if (width <= 0 || height <= 0) return 'Unknown';
  const megapixels = (width * height) / 1_000_000;
  return `${width.toLocaleString()} × ${height.toLocaleString()} (${megapixels.toFixed(1)} MP)`;
}
