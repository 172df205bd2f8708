import { errorCodeOf } from '../../shared/errors';
import { InvalidArgumentError, errnoCode, errorMessage } from '../errors';
import { readPhotoFile, type PhotoFile } from './photo-file';

/**
 * Reads a photo a user named (a query), as {@link readPhotoFile} does: a missing file, a folder, a
 * FIFO or device, or a file over `maxFileBytes` is a clear argument error. A file whose bytes are
 * not an image fails as a DecodeError (code `unsupported_format`).
 */
export async function readQueryPhoto(absolutePath: string, maxFileBytes?: number): Promise<PhotoFile> {
  try {
    return await readPhotoFile(absolutePath, { maxBytes: maxFileBytes });
  } catch (error) {
    if (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'UnreadablePhotoError') {
      throw new InvalidArgumentError(errorMessage(error), { cause: error });
    }
    if (errorCodeOf(error) !== undefined) throw error; // ours (DecodeError, FileChangedError) say it already
    const code = errnoCode(error);
    if (code === 'ENOENT') throw new InvalidArgumentError(`Cannot find ${absolutePath}: no such file`);
    if (code === 'EISDIR') throw new InvalidArgumentError(`Cannot read ${absolutePath}: it is a folder, not an image`);
    throw new InvalidArgumentError(`Cannot read ${absolutePath}: ${errorMessage(error)}`);
  }
}

/**
 * Runs `compute` on the bytes of the first of `paths` that still holds the content `contentHash`
 * (a file may have changed since it was indexed: its pixels would not be this content's). Failures
 * go to `onError` and the next path is tried; null when none works. Files over `maxFileBytes`
 * (default: src/shared/limits.ts) are failures, not read.
 */
export async function withStoredContent<T>(
  paths: readonly string[],
  contentHash: string,
  compute: (filePath: string, bytes: Buffer) => Promise<T>,
  onError: (filePath: string, error: unknown) => void,
  maxFileBytes?: number,
): Promise<T | null> {
  for (const filePath of paths) {
    try {
      const read = await readPhotoFile(filePath, { maxBytes: maxFileBytes });
      if (read.contentHash !== contentHash) continue;
      return await compute(filePath, read.bytes);
    } catch (error) {
      onError(filePath, error);
    }
  }
  return null;
}
