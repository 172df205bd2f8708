/**
 * The near-duplicate candidate pairs saved beside the vector index (`vectors-<model>.near-pairs`),
 * so that the next session, or the next `doppel duplicates`, starts from them instead of searching
 * every photo again. Like the vector index it is a cache: a missing, foreign or damaged file is
 * ignored (and the pairs found again), never an error. The file names the contents it covers, so a
 * file older than the library is brought up to date by searching the contents added since.
 *
 *   magic "DPLPAIR1" | header bytes:u32 | header (JSON) | contents ('\n'-joined) | 0-padding to 8 |
 *   knn:f64[count] | a:u32[count] | b:u32[count] | cosine:f32[count] | direct:u8[count] |
 *   turned:u8[count] | withVector:u8[contents] | crc32 of all before:u32
 *
 * Written to a temp file and renamed: a reader sees the old file or the new one, whole. Any process
 * may write it (each writes a complete, self-describing set), so no lock is taken.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { NearPairSet } from '../duplicates/near/near-pairs';

const MAGIC = Buffer.from('DPLPAIR1', 'latin1');

interface Header {
  readonly basis: string;
  readonly indexKind: string;
  readonly contentsBytes: number;
  readonly contents: number;
  readonly count: number;
}

/** Where the pairs found with `modelId` (null: hash pairs only) are kept. */
export function nearPairsFile(libraryDir: string, modelId: string | null): string {
  return path.join(libraryDir, `vectors-${modelId ?? 'none'}.near-pairs`);
}

/**
 * Removes the saved pair sets of every model: the next search finds every pair again. For a change
 * the sets cannot see (their contents are the same, what is known of them is not).
 */
export function forgetNearPairs(libraryDir: string, log: (line: string) => void = () => {}): void {
  let names: string[];
  try {
    names = fs.readdirSync(libraryDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^vectors-.*\.near-pairs$/.test(name)) continue;
    try {
      fs.rmSync(path.join(libraryDir, name), { force: true });
    } catch (error) {
      log(`cannot remove the saved near-duplicate pairs ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The saved pair set, or null when there is none or it cannot be used (`log` says why). */
export function readNearPairs(file: string, log: (line: string) => void = () => {}): NearPairSet | null {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return null; // none saved yet
  }
  try {
    return decode(bytes);
  } catch (error) {
    log(`ignored the saved near-duplicate pairs ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** Saves `set` atomically; false when it could not (disk full, read-only folder: logged). */
export function writeNearPairs(file: string, set: NearPairSet, log: (line: string) => void = () => {}): boolean {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeParts(temp, encode(set));
    fs.renameSync(temp, file);
    return true;
  } catch (error) {
    fs.rmSync(temp, { force: true });
    log(`cannot save the near-duplicate pairs to ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/**
 * The file's parts in order, the checksum last. The pair columns are views of the set's own arrays:
 * at 1M photos they are ~230 MB, which joining them into one buffer, then again with the checksum,
 * held twice more at the end of the search.
 */
function encode(set: NearPairSet): Buffer[] {
  const contents = Buffer.from(set.contents.join('\n'), 'utf8');
  const header = Buffer.from(
    JSON.stringify({
      basis: set.basis,
      indexKind: set.indexKind,
      contentsBytes: contents.length,
      contents: set.contents.length,
      count: set.count,
    } satisfies Header),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const lead = MAGIC.length + 4 + header.length + contents.length;
  const parts = [
    MAGIC,
    length,
    header,
    contents,
    Buffer.alloc((8 - (lead % 8)) % 8),
    ...[set.knn, set.a, set.b, set.cosine, set.direct, set.turned, set.withVector].map((array) =>
      Buffer.from(array.buffer, array.byteOffset, array.byteLength),
    ),
  ];
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE(parts.reduce((crc, part) => crc32(part, crc), 0));
  return [...parts, checksum];
}

/** Writes `parts` one after the other into a new file (`wx`: never over another writer's temp file). */
function writeParts(file: string, parts: readonly Buffer[]): void {
  const fd = fs.openSync(file, 'wx');
  try {
    for (const part of parts) {
      for (let written = 0; written < part.length;) written += fs.writeSync(fd, part, written, part.length - written);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function decode(bytes: Buffer): NearPairSet {
  if (bytes.length < MAGIC.length + 8 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a pair file');
  const body = bytes.subarray(0, bytes.length - 4);
  if (crc32(body) !== bytes.readUInt32LE(bytes.length - 4)) throw new Error('checksum mismatch (damaged or truncated)');
  const headerBytes = bytes.readUInt32LE(MAGIC.length);
  let offset = MAGIC.length + 4;
  const header = JSON.parse(bytes.toString('utf8', offset, offset + headerBytes)) as Header;
  offset += headerBytes;
  const contents = header.contents === 0 ? [] : bytes.toString('utf8', offset, offset + header.contentsBytes).split('\n');
  if (contents.length !== header.contents) throw new Error(`names ${contents.length} contents, its header ${header.contents}`);
  offset += header.contentsBytes;
  offset += (8 - (offset % 8)) % 8;
  const count = header.count;
  const expected = offset + count * 22 + contents.length;
  if (body.length !== expected) throw new Error(`holds ${body.length} bytes, ${expected} expected`);
  // Copies, not views: the file's buffer may not be aligned for 8-byte arrays, and must not stay alive.
  const take = (bytesEach: number, items: number): ArrayBuffer => {
    const copy = new Uint8Array(bytesEach * items);
    copy.set(bytes.subarray(offset, offset + copy.length));
    offset += copy.length;
    return copy.buffer;
  };
  return {
    basis: header.basis,
    indexKind: header.indexKind,
    contents,
    count,
    knn: new Float64Array(take(8, count)),
    a: new Uint32Array(take(4, count)),
    b: new Uint32Array(take(4, count)),
    cosine: new Float32Array(take(4, count)),
    direct: new Uint8Array(take(1, count)),
    turned: new Uint8Array(take(1, count)),
    withVector: new Uint8Array(take(1, contents.length)),
  };
}
