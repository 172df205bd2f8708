import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import { formatBytes } from '../../shared/format-bytes';
import { photoFileMegabytes } from '../../shared/limits';
import { DecodeError, DoppelError, ErrorCodes } from '../errors';
import { IMAGE_HEADER_BYTES, RECOGNISED_FORMATS, imageFormatOfHeader } from '../scan/image-types';

/** The largest photo file read when no limit is given (src/shared/limits.ts). */
export const DEFAULT_MAX_FILE_BYTES = photoFileMegabytes.default * 1e6;

/**
 * Opening a FIFO for reading blocks until a writer appears, and it blocks a libuv thread-pool
 * thread while it waits: four such opens stall every file read of the process. With O_NONBLOCK the
 * open returns at once (it changes nothing for regular files); Windows has no such flag and no FIFOs.
 */
const OPEN_FLAGS = constants.O_RDONLY | ('O_NONBLOCK' in constants ? constants.O_NONBLOCK : 0);

/** Bytes read (and hashed) per call: small enough to keep the event loop turning between them. */
const CHUNK_BYTES = 1 << 20;

export interface PhotoFile {
  readonly bytes: Buffer;
  /** Size and mtime that belong to `bytes` (taken around the read, which they did not change during). */
  readonly size: number;
  readonly mtimeMs: number;
  /** SHA-256 (hex) of `bytes`, computed while reading: the same as `contentHashOf(bytes)`. */
  readonly contentHash: string;
}

export interface ReadPhotoOptions {
  /** Files larger than this are refused without being read (default {@link DEFAULT_MAX_FILE_BYTES}). */
  readonly maxBytes?: number;
  /** Reads tried before a file that keeps changing is given up on (default 2). */
  readonly attempts?: number;
  /**
   * Where the bytes go: a buffer of exactly `size` bytes (default a new one). The indexer passes
   * buffers it reuses, so that reading photo after photo does not make work for the garbage collector.
   */
  readonly allocate?: (size: number) => Buffer;
}

/**
 * A path that cannot hold a photo Doppel may read: a folder, a FIFO or device, or a file over the
 * size limit. `reason` is the message without the path (for per-file error lists).
 */
export class UnreadablePhotoError extends DoppelError {
  override readonly name = 'UnreadablePhotoError' as const;
  readonly reason: string;
  /** A folder (callers that name a file say "it is a folder" rather than "not a regular file"). */
  readonly isFolder: boolean;
  constructor(filePath: string, reason: string, isFolder = false) {
    super(ErrorCodes.decodeFailed, `Cannot read ${filePath}: ${reason}`);
    this.reason = reason;
    this.isFolder = isFolder;
  }
}

/** A file that changed while it was read, every time it was read. */
export class FileChangedError extends DoppelError {
  override readonly name = 'FileChangedError' as const;
  constructor(message: string) {
    super(ErrorCodes.fileChanged, message);
  }
}

/**
 * Reads a photo file safely and hashes it on the way: only a regular file, only up to `maxBytes`,
 * and only past its first bytes when they are those of an image format Doppel reads, so a FIFO,
 * `/dev/zero` or a 2 GB junk file named `.jpg` costs an open and a few kilobytes at most. The size
 * and mtime returned belong to the bytes: a file that changes while it is read (a sync client still
 * writing it) is read once more, then given up on with FileChangedError.
 *
 * Throws UnreadablePhotoError (folder, not a regular file, too large), DecodeError (empty file; not
 * an image: code `unsupported_format`), FileChangedError, or Node's own errors (ENOENT, EACCES).
 * @example const { bytes, contentHash } = await readPhotoFile('/photos/a.jpg', { maxBytes: 200e6 });
 */
export async function readPhotoFile(filePath: string, options: ReadPhotoOptions = {}): Promise<PhotoFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const attempts = options.attempts ?? 2;
  for (let attempt = 1; ; attempt++) {
    const handle = await fs.open(filePath, OPEN_FLAGS);
    try {
      const before = await handle.stat();
      refuseSpecialFile(filePath, before);
      refuseOversizedOrEmpty(filePath, before, maxBytes);
      const read = await readWhole(filePath, handle, before.size, options.allocate ?? ((size) => Buffer.allocUnsafe(size)));
      const after = await handle.stat();
      if (read && before.size === after.size && before.mtimeMs === after.mtimeMs) {
        return { bytes: read.bytes, size: after.size, mtimeMs: after.mtimeMs, contentHash: read.contentHash };
      }
      if (attempt >= attempts) {
        throw new FileChangedError(`file changed while being read (${before.size} -> ${after.size} bytes)`);
      }
    } finally {
      await handle.close();
    }
  }
}

/**
 * Opens a file for reading without ever blocking on a FIFO, and refuses anything but a regular
 * file (UnreadablePhotoError), for code that reads whole files it did not just check (hashing).
 */
export async function openRegularFile(filePath: string): Promise<FileHandle> {
  const handle = await fs.open(filePath, OPEN_FLAGS);
  try {
    refuseSpecialFile(filePath, await handle.stat());
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function refuseSpecialFile(filePath: string, stat: Stats): void {
  if (stat.isDirectory()) throw new UnreadablePhotoError(filePath, 'it is a folder, not an image', true);
  if (!stat.isFile()) throw new UnreadablePhotoError(filePath, `not a regular file (${specialFileKind(stat)})`);
}

function refuseOversizedOrEmpty(filePath: string, stat: Stats, maxBytes: number): void {
  if (stat.size > maxBytes) {
    throw new UnreadablePhotoError(
      filePath,
      `${formatBytes(stat.size)} is over the ${formatBytes(maxBytes)} limit for one photo (set with --max-file-mb)`,
    );
  }
  if (stat.size === 0) throw new DecodeError(filePath, 'empty file (0 bytes)');
}

/**
 * Reads `size` bytes: the header first, checked before anything else is read or allocated, then the
 * rest in chunks, each hashed as it arrives. Null when the file ended early (it shrank meanwhile).
 */
async function readWhole(
  filePath: string,
  handle: FileHandle,
  size: number,
  allocate: (size: number) => Buffer,
): Promise<{ bytes: Buffer; contentHash: string } | null> {
  const header = Buffer.alloc(Math.min(size, IMAGE_HEADER_BYTES));
  const { bytesRead: headerRead } = await handle.read(header, 0, header.length, 0);
  if (headerRead < header.length) return null;
  if (imageFormatOfHeader(header) === null) {
    throw new DecodeError(filePath, `not a recognised image: the first bytes are not those of a ${RECOGNISED_FORMATS} file`, {
      unsupported: true,
    });
  }
  const bytes = allocate(size);
  header.copy(bytes, 0);
  const hash = createHash('sha256').update(header);
  for (let offset = header.length; offset < size;) {
    const length = Math.min(CHUNK_BYTES, size - offset);
    const { bytesRead } = await handle.read(bytes, offset, length, offset);
    if (bytesRead === 0) return null;
    hash.update(bytes.subarray(offset, offset + bytesRead));
    offset += bytesRead;
  }
  return { bytes, contentHash: hash.digest('hex') };
}

function specialFileKind(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'a special file';
}
