import fs from 'node:fs/promises';
import { InvalidArgumentError, errnoCode, errorMessage } from '../errors';
import { contentHashOf } from './content-hash';

/** Reads a photo a user named (a query): a missing file or a folder is a clear argument error. */
export async function readQueryPhoto(absolutePath: string): Promise<Buffer> {
  try {
    return await fs.readFile(absolutePath);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') throw new InvalidArgumentError(`Cannot find ${absolutePath}: no such file`);
    if (code === 'EISDIR') throw new InvalidArgumentError(`Cannot read ${absolutePath}: it is a folder, not an image`);
    throw new InvalidArgumentError(`Cannot read ${absolutePath}: ${errorMessage(error)}`);
  }
}

/**
 * Runs `compute` on the bytes of the first of `paths` that still holds the content `contentHash`
 * (a file may have changed since it was indexed: its pixels would not be this content's). Failures
 * go to `onError` and the next path is tried; null when none works.
 */
export async function withStoredContent<T>(
  paths: readonly string[],
  contentHash: string,
  compute: (filePath: string, bytes: Buffer) => Promise<T>,
  onError: (filePath: string, error: unknown) => void,
): Promise<T | null> {
  for (const filePath of paths) {
    try {
      const bytes = await fs.readFile(filePath);
      if (contentHashOf(bytes) !== contentHash) continue;
      return await compute(filePath, bytes);
    } catch (error) {
      onError(filePath, error);
    }
  }
  return null;
}
