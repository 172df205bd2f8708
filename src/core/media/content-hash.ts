import { createHash, webcrypto } from 'node:crypto';
import fs from 'node:fs';

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

/** Streaming SHA-256 (hex) of a file, for files too large to hold in memory. */
export function contentHashOfFile(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(filePath, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
