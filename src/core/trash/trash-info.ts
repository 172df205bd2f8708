/**
 * The `.trashinfo` format of the FreeDesktop.org trash: what it records, how its Path is encoded,
 * and how it is read back. https://specifications.freedesktop.org/trash-spec/trashspec-1.0.html
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DoppelError, ErrorCodes } from '../errors';

/** What a `.trashinfo` file records. */
export interface TrashInfo {
  /** The decoded `Path`, made absolute (a top-directory trash stores it relative to its topdir). */
  readonly originalPath: string;
  /** `DeletionDate`, read as local time as the spec says. */
  readonly deletionDate: Date;
}

/** Moving a file to or from the trash failed for a reason other than a refused input. */
export class TrashError extends DoppelError {
  override readonly name = 'TrashError' as const;
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCodes.internal, message, options);
  }
}

/** The text of a `.trashinfo` for a file recorded as `recordedPath` (absolute, or relative to its topdir). */
export function formatTrashInfo(recordedPath: string, deletedAt: Date): string {
  return `[Trash Info]\nPath=${encodeTrashPath(recordedPath)}\nDeletionDate=${formatDeletionDate(deletedAt)}\n`;
}

/** Parses a `.trashinfo`: the percent-decoded Path (resolved against its topdir when relative) and DeletionDate. */
export async function readTrashInfo(infoPath: string): Promise<TrashInfo> {
  const fields = new Map<string, string>();
  let inTrashInfoGroup = false;
  for (const line of (await fs.readFile(infoPath, 'utf8')).split('\n')) {
    if (line.startsWith('[')) inTrashInfoGroup = line.trim() === '[Trash Info]';
    const separator = line.indexOf('=');
    if (inTrashInfoGroup && separator > 0) fields.set(line.slice(0, separator).trim(), line.slice(separator + 1).trim());
  }
  const recordedPath = fields.get('Path');
  const date = fields.get('DeletionDate');
  if (recordedPath === undefined || recordedPath === '') throw new TrashError(`Cannot read ${infoPath}: no Path`);
  if (date === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(date))
    throw new TrashError(`Cannot read ${infoPath}: bad DeletionDate`);
  const decoded = decodeTrashPath(recordedPath);
  const trashRoot = path.dirname(path.dirname(infoPath));
  // A date-time without an offset is local time in ECMAScript, as the spec's DeletionDate is.
  return {
    originalPath: path.isAbsolute(decoded) ? decoded : path.resolve(topdirOf(trashRoot, infoPath), decoded),
    deletionDate: new Date(date),
  };
}

/** The topdir a top-directory trash belongs to: `$topdir/.Trash-$uid` or `$topdir/.Trash/$uid`. */
function topdirOf(trashRoot: string, infoPath: string): string {
  if (path.basename(trashRoot).startsWith('.Trash-')) return path.dirname(trashRoot);
  if (path.basename(path.dirname(trashRoot)) === '.Trash') return path.dirname(path.dirname(trashRoot));
  throw new TrashError(`Cannot read ${infoPath}: a relative Path outside a top-directory trash`);
}

/** Percent-encodes every UTF-8 byte outside RFC 3986's unreserved characters and '/', as GLib and KDE do. */
function encodeTrashPath(value: string): string {
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /^[A-Za-z0-9\-._~/]$/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** Decodes runs of `%XX` as UTF-8 bytes together, so a multi-byte character comes back whole. */
function decodeTrashPath(value: string): string {
  return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}

function formatDeletionDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
