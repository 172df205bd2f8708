/** Display helpers: sizes, durations, file names. */

export { formatBytes } from '../../shared/format-bytes.js';

/** @example formatDuration(75) // → '1 min 15 s' */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? singular : plural}`;
}

/** Last segment of a POSIX or Windows path. */
export function fileName(filePath: string): string {
  return filePath.split(/[\\/]/).pop() ?? filePath;
}

/** Everything before the last segment. */
export function folderOf(filePath: string): string {
  const cut = Math.max(filePath.lastIndexOf('/'), filePath.lastIndexOf('\\'));
  return cut > 0 ? filePath.slice(0, cut) : filePath;
}

export function formatScore(score: number): string {
  return `${Math.round(score * 100)}%`;
}

const TAKEN_AT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/;

/**
 * A capture time as the camera's clock showed it. EXIF carries no time zone, so the value is
 * formatted as UTC to keep the viewer's own zone from shifting it.
 * @example formatTakenAt('2024-07-14T10:11:12') // → 'Jul 14, 2024, 10:11 AM' (in an en-US locale)
 */
export function formatTakenAt(takenAt: string): string {
  const parts = TAKEN_AT.exec(takenAt);
  if (!parts) return takenAt;
  const [, year, month, day, hour, minute] = parts.map(Number);
  const hasTime = parts[4] !== undefined;
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hasTime ? hour : 0, hasTime ? minute : 0));
  return date.toLocaleString(undefined, { dateStyle: 'medium', ...(hasTime ? { timeStyle: 'short' } : {}), timeZone: 'UTC' });
}
