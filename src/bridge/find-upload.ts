/**
 * Browser mode's "is this photo already in my library?" for a file dropped on the page or picked
 * with a file dialog. A browser never tells a page where a file lives, so the page sends its bytes:
 *
 *   POST /api/find-upload   body: the file (content-type application/octet-stream),
 *                           x-file-name: its name, URI-encoded
 *   → Result<FindReport>, exactly as `find:query` answers for a path
 *
 * The bytes go to a private temporary folder (mkdtemp: a random name, mode 0700; the file 0600),
 * which is removed before the answer is sent, whatever happened. The name is kept (made safe)
 * because the decoder tells camera RAW flavours apart by extension, and error messages name the
 * user's file rather than the temporary copy. Requiring application/octet-stream keeps other sites
 * out as the JSON routes do: a cross-site request with that type needs a CORS preflight the bridge
 * never grants (request-guard.ts).
 */
import { promises as fs } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { FILE_NAME_HEADER } from '../shared/channels.js';
import { ErrorCodes } from '../shared/errors.js';
import { formatBytes } from '../shared/format-bytes.js';
import { err, type Result } from '../shared/result.js';

export interface FindUploadOptions {
  /** Larger bodies are refused (413) without being kept: see requestLimits.maxUploadBytes. */
  readonly maxBytes: number;
  /** Runs the query on the temporary copy: `(path) => service.dispatch('find:query', { path })`. */
  readonly find: (filePath: string) => Promise<Result<unknown>>;
  /** Where the private folder is made; default os.tmpdir(). */
  readonly tempRoot?: string;
}

/** The answer, and the HTTP status when it is not the error code's own (413 for a body too large). */
export interface FindUploadAnswer {
  readonly result: Result<unknown>;
  readonly status?: number;
}

/** Longest file name kept: well under any file system's 255 bytes, with room for UTF-8. */
const MAX_NAME_LENGTH = 100;

/** Answers one upload; never throws for anything the client did (the caller catches disk failures). */
export async function findUpload(request: IncomingMessage, options: FindUploadOptions): Promise<FindUploadAnswer> {
  if (request.method !== 'POST') return { result: err(ErrorCodes.transport, 'Use POST to upload a photo to find') };
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/octet-stream') {
    return { result: err(ErrorCodes.transport, 'Upload the photo to find as content-type application/octet-stream') };
  }
  const name = uploadFileName(request.headers[FILE_NAME_HEADER]);
  const declared = Number(request.headers['content-length']);
  // Refused before a byte is read: a browser always declares a file's length.
  if (declared > options.maxBytes) return tooLarge(name, declared, options.maxBytes);

  const folder = await fs.mkdtemp(path.join(options.tempRoot ?? os.tmpdir(), 'doppel-find-'));
  try {
    const file = path.join(folder, name);
    const received = await receiveUpload(request, file, options.maxBytes);
    if (!received.ok) return tooLarge(name, received.size, options.maxBytes);
    const result = await options.find(file);
    // The temporary copy is the bridge's business: messages name the user's file.
    return { result: result.ok ? result : { ok: false, error: { ...result.error, message: result.error.message.replaceAll(file, name) } } };
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}

/**
 * Writes `body` to a new file (exclusive create, mode 0600), at most `maxBytes` of it. Past the
 * limit it stops writing but reads on to the end, so that the client still gets an answer (ending
 * the request early would reset its connection); the server's request timeout bounds that.
 * `size`: bytes received in all.
 */
export async function receiveUpload(
  body: AsyncIterable<unknown>,
  file: string,
  maxBytes: number,
): Promise<{ readonly ok: boolean; readonly size: number }> {
  const handle = await fs.open(file, 'wx', 0o600);
  let size = 0;
  try {
    for await (const chunk of body) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size <= maxBytes) await handle.write(bytes);
    }
  } finally {
    await handle.close();
  }
  return { ok: size <= maxBytes, size };
}

/**
 * A safe name for the temporary copy, from the URI-encoded name the page sent: its last path
 * segment, letters, digits and `._-()` plus spaces only, no leading dot, at most 100 characters
 * with the extension kept; `upload` when nothing is left.
 * @example uploadFileName('..%2F..%2Fetc%2FIMG%201.CR2') // → 'IMG 1.CR2'
 */
export function uploadFileName(header: string | readonly string[] | undefined): string {
  let name = typeof header === 'string' ? header : '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape: the raw header still holds the extension the decoder needs.
  }
  const lastSegment = name.split(/[/\\]/).pop() ?? '';
  const safe = lastSegment
    .replace(/[^\p{L}\p{N} ._()-]/gu, '')
    .replace(/^[.\s]+/, '')
    .trim();
  if (safe.length <= MAX_NAME_LENGTH) return safe || 'upload';
  const extension = path.extname(safe).slice(0, 16);
  return safe.slice(0, MAX_NAME_LENGTH - extension.length) + extension;
}

function tooLarge(name: string, size: number, maxBytes: number): FindUploadAnswer {
  const message = `Cannot look up ${name}: it is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} a browser may upload (find it by path with \`doppel find\` instead)`;
  return { result: err(ErrorCodes.invalidInput, message), status: 413 };
}
