import { createHash, webcrypto } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-256 (hex) of a byte buffer: the identity of a file's content. */
export function contentHashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The same hash computed on a libuv thread (WebCrypto), so hashing a 3 MB photo does not hold up
 * the event loop that feeds the decoders.
 */
export async function contentHashOfAsync(bytes: Uint8Array): Promise<string> {
  const digest = await webcrypto.subtle.digest('SHA-256', bytes);
  return Buffer.from(digest).toString('hex');
}

/** The content hash of a file on disk (SHA-256 of its bytes, as `contentHashOf`)'s bytes, streamed (a 200 MB RAW never sits in memory whole). */
export async function hashFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
