/**
 * Capture dates from file names, for photos that carry no EXIF capture time: screenshots, messenger
 * copies and phone exports name themselves after the moment they were taken, which is nearer the
 * truth than a file time that a copy, a sync or a restore rewrote. Pure: no I/O.
 */

/** What one pattern found; a missing time is a file name that carries only the day. */
interface NameParts {
  readonly year: string;
  readonly month: string;
  readonly day: string;
  readonly hour?: string;
  readonly minute?: string;
  readonly second?: string;
  readonly millis?: string;
  /** `AM` / `PM` of a 12-hour clock (older macOS screenshots). */
  readonly meridiem?: string;
}

/**
 * The patterns, most specific first. Each is anchored on separators, never on bare digits, so a
 * counter (`IMG_1234`, `DSC01234`) is never read as a date; a compact day (`20240501`) counts only
 * with its time beside it or a known prefix, as a run of eight digits alone is as often an id.
 */
const PATTERNS: readonly RegExp[] = [
  // macOS and WhatsApp: "Screenshot 2024-05-01 at 10.11.12", "Screen Shot 2019-03-04 at 1.02.03 PM",
  // "WhatsApp Image 2024-05-01 at 10.11.12".
  /(?<!\d)(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2}) at (?<hour>\d{1,2})\.(?<minute>\d{2})\.(?<second>\d{2})(?!\d)(?:\s?(?<meridiem>[AP]M)\b)?/i,
  // Dashed day and a time: "2024-05-01 10.11.12" (Dropbox), "signal-2024-05-01-101112",
  // "Screenshot from 2024-05-01 10-11-12" (GNOME), "photo_2024-05-01_10-11-12" (Telegram),
  // "Screenshot_2024-05-01-10-11-12" (older Android), "Screenshot 2024-05-01 101112" (Windows).
  /(?<!\d)(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})[ _T-](?<hour>\d{2})(?<separator>[.:_-]?)(?<minute>\d{2})\k<separator>(?<second>\d{2})(?:[.-](?<millis>\d{3}))?(?!\d)/,
  // Compact day and time: "IMG_20240501_101112", "PXL_20240501_101112345" (milliseconds),
  // "Screenshot_20240501-101112", "20240501_101112" (Samsung), "VID_20240501_101112".
  /(?<!\d)(?<year>\d{4})(?<month>\d{2})(?<day>\d{2})[_-](?<hour>\d{2})(?<minute>\d{2})(?<second>\d{2})(?<millis>\d{3})?(?!\d)/,
  // WhatsApp on phones, the day only: "IMG-20240501-WA0001".
  /^(?:IMG|VID|PTT|AUD|STK|DOC)-(?<year>\d{4})(?<month>\d{2})(?<day>\d{2})-WA\d+/i,
  // A dashed day alone: "2024-05-01.jpg", "Scan 2024-05-01 (2).png".
  /(?<!\d)(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})(?!\d|-\d)/,
];

/** Before digital cameras a file name date is a scan's or an archive's, not the photo's. */
const EARLIEST_YEAR = 1970;

export interface FileNameDateOptions {
  /** Dates after this are refused (a name cannot be from the future); default now. */
  readonly now?: Date;
  /**
   * The file's modification time: a name that carries only the day takes its time of day from it
   * when both fall on that day (a messenger copy saved as it arrived), else the day starts at midnight.
   */
  readonly modifiedAt?: Date;
}

/**
 * The capture time a file name carries, in the form EXIF dates take here (`2024-05-01T10:11:12`,
 * local time, `.345` where the name has milliseconds), or null when the name carries no valid date.
 * @example dateFromFileName('Screenshot 2024-05-01 at 10.11.12.png') // → '2024-05-01T10:11:12'
 * @example dateFromFileName('IMG_1234.jpg') // → null
 */
export function dateFromFileName(fileName: string, options: FileNameDateOptions = {}): string | null {
  const name = fileName.replace(/\.[^.]*$/, '');
  for (const pattern of PATTERNS) {
    const parts = pattern.exec(name)?.groups as NameParts | undefined;
    // The first pattern that matches decides: an impossible time is not taken for a day-only name.
    if (parts) return toIso(parts, options);
  }
  return null;
}

function toIso(parts: NameParts, options: FileNameDateOptions): string | null {
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const now = options.now ?? new Date();
  if (year < EARLIEST_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const dayText = `${parts.year}-${parts.month}-${parts.day}`;
  if (parts.hour === undefined || parts.minute === undefined || parts.second === undefined) {
    const iso = `${dayText}T${timeOfDayOn(dayText, options.modifiedAt) ?? '00:00:00'}`;
    return iso <= localIso(now) ? iso : null;
  }
  let hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  if (parts.meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (parts.meridiem.toUpperCase() === 'PM' ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) return null;
  const iso = `${dayText}T${pad(hour)}:${pad(minute)}:${pad(second)}${parts.millis ? `.${parts.millis}` : ''}`;
  return iso.slice(0, 19) <= localIso(now) ? iso : null;
}

/** `HH:MM:SS` of `modifiedAt` in local time when it falls on `dayText`, else null. */
function timeOfDayOn(dayText: string, modifiedAt: Date | undefined): string | null {
  if (!modifiedAt || Number.isNaN(modifiedAt.getTime())) return null;
  const local = localIso(modifiedAt);
  return local.startsWith(dayText) ? local.slice(11) : null;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `2024-05-01T10:11:12` in local time, as the library sorts file times. */
function localIso(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
