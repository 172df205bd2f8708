/**
 * On-disk format of a VectorIndex: faiss's own serialization (written natively by faiss, so a
 * 1M-vector index never passes through a JS buffer) followed by a 64-byte trailer:
 *
 *   magic "DPLVEC01" | faiss bytes:u64 | crc32 of them:u32 | dim:u32 | size:u64 | kind (32 bytes, utf8, 0-padded)
 *
 * faiss ignores bytes after the index. The trailer lets `readIndexFile` reject truncated, corrupt,
 * foreign or wrong-dimension files BEFORE faiss parses them: faiss-node does not catch every C++
 * exception (a garbage length field can make faiss throw std::bad_alloc, which aborts the process),
 * so faiss must only ever see bytes we wrote and checksummed.
 */
import { DoppelError, ErrorCodes } from '../errors';
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { faiss, type FaissIndex } from './faiss-binding';

const MAGIC = 'DPLVEC01';
const TRAILER_BYTES = 64;
const KIND_BYTES = 32;
const CHECKSUM_CHUNK_BYTES = 8 << 20;

export interface IndexFileInfo {
  readonly dim: number;
  readonly size: number;
  readonly kind: string;
}

/** The index could not be written to `file`; any previous file at that path is untouched. */
export class VectorIndexSaveError extends DoppelError {
  override readonly name = 'VectorIndexSaveError' as const;
  constructor(
    readonly file: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(ErrorCodes.libraryUnavailable, `Cannot save the vector index to ${file}: ${reason}`, options);
  }
}

/**
 * Writes `index` to a temp file beside `file`, appends the trailer, fsyncs and renames over `file`.
 * `estimatedBytes` guards the native write: faiss-node turns a failed write (disk full) into an
 * uncatchable C++ exception, so we refuse up front when the disk obviously lacks room.
 */
export function writeIndexFile(file: string, index: FaissIndex, info: IndexFileInfo, estimatedBytes: number): void {
  const folder = dirname(file);
  const temp = join(folder, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // Creating the temp file ourselves proves the folder is writable before faiss touches it.
    closeSync(openSync(temp, 'wx'));
    const free = freeBytes(folder);
    // The estimate plus a tenth and one page of slack: a fixed margin would refuse a small index that fits.
    if (free !== undefined && free < estimatedBytes * 1.1 + 65536) {
      throw new Error(
        `the disk holding the library is full (${Math.floor(free / 1e6)} MB free, the vector index needs about ${Math.ceil(estimatedBytes / 1e6)} MB)`,
      );
    }
    index.write(temp);
    const descriptor = openSync(temp, 'r+');
    try {
      const faissBytes = statSync(temp).size;
      const checksum = checksumPrefix(descriptor, faissBytes);
      writeSync(descriptor, trailer(faissBytes, checksum, info), 0, TRAILER_BYTES, faissBytes);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temp, file);
    syncFolder(folder);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new VectorIndexSaveError(file, error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** Result of reading an index file: the index, or why the file cannot be used. */
export type IndexFileReadResult =
  | { readonly status: 'loaded'; readonly index: FaissIndex; readonly info: IndexFileInfo }
  | { readonly status: 'unusable'; readonly reason: string };

/** Validates and reads `file`; never throws. */
export function readIndexFile(file: string, expectedDim: number): IndexFileReadResult {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'r');
  } catch (error) {
    return { status: 'unusable', reason: `cannot open: ${(error as Error).message}` };
  }
  let info: IndexFileInfo;
  try {
    const fileBytes = statSync(file).size;
    if (fileBytes < TRAILER_BYTES) return { status: 'unusable', reason: `too short (${fileBytes} bytes)` };
    const tail = Buffer.alloc(TRAILER_BYTES);
    readSync(descriptor, tail, 0, TRAILER_BYTES, fileBytes - TRAILER_BYTES);
    if (tail.toString('latin1', 0, 8) !== MAGIC) return { status: 'unusable', reason: 'not a Doppel vector index (no trailer)' };
    const faissBytes = Number(tail.readBigUInt64LE(8));
    if (faissBytes !== fileBytes - TRAILER_BYTES) return { status: 'unusable', reason: 'truncated or extended' };
    info = {
      dim: tail.readUInt32LE(20),
      size: Number(tail.readBigUInt64LE(24)),
      kind: tail.toString('utf8', 32, 64).replace(/\0+$/, ''),
    };
    if (info.dim !== expectedDim) return { status: 'unusable', reason: `dimension ${info.dim}, expected ${expectedDim}` };
    if (checksumPrefix(descriptor, faissBytes) !== tail.readUInt32LE(16)) return { status: 'unusable', reason: 'checksum mismatch' };
  } catch (error) {
    return { status: 'unusable', reason: `cannot read: ${(error as Error).message}` };
  } finally {
    closeSync(descriptor);
  }
  let index: FaissIndex;
  try {
    index = faiss().read(file);
  } catch (error) {
    return { status: 'unusable', reason: `faiss cannot read it: ${(error as Error).message}` };
  }
  const problem =
    index.ntotal() !== info.size
      ? `holds ${index.ntotal()} vectors, trailer says ${info.size}`
      : index.dimension() !== expectedDim
        ? `faiss dimension ${index.dimension()}`
        : null;
  if (problem === null) return { status: 'loaded', index, info };
  index.dispose();
  return { status: 'unusable', reason: problem };
}

function trailer(faissBytes: number, checksum: number, info: IndexFileInfo): Buffer {
  const bytes = Buffer.alloc(TRAILER_BYTES);
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeBigUInt64LE(BigInt(faissBytes), 8);
  bytes.writeUInt32LE(checksum, 16);
  bytes.writeUInt32LE(info.dim, 20);
  bytes.writeBigUInt64LE(BigInt(info.size), 24);
  if (Buffer.byteLength(info.kind) > KIND_BYTES) throw new Error(`index kind "${info.kind}" is longer than ${KIND_BYTES} bytes`);
  bytes.write(info.kind, 32, 'utf8');
  return bytes;
}

function checksumPrefix(descriptor: number, length: number): number {
  const chunk = Buffer.alloc(Math.min(CHECKSUM_CHUNK_BYTES, Math.max(1, length)));
  let checksum = 0;
  for (let position = 0; position < length;) {
    const read = readSync(descriptor, chunk, 0, Math.min(chunk.length, length - position), position);
    if (read === 0) throw new Error('file shrank while reading');
    checksum = crc32(chunk.subarray(0, read), checksum);
    position += read;
  }
  return checksum;
}

function freeBytes(folder: string): number | undefined {
  try {
    const stats = statfsSync(folder);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined; // statfs is unsupported on some filesystems; the write itself is the real test
  }
}

function syncFolder(folder: string): void {
  // Makes the rename durable; not supported on Windows, where rename durability is the OS's business.
  if (process.platform === 'win32') return;
  const descriptor = openSync(folder, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}
