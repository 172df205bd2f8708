import path from 'node:path';
import { ErrorCodes, errnoCode, hasErrorCode } from '../errors';
import type { PhotoRepository } from '../store/photo.repository';
import { IMAGE_HEADER_BYTES, imageFormatOfHeader } from '../scan/image-types';
import { hashFile } from './content-hash';
import { openRegularFile } from './photo-file';

/** An indexed photo's original file, as a viewer that zooms in may read it. */
export interface OriginalFile {
  readonly path: string;
  /** As its first bytes announce it: 'jpeg', 'png', … */
  readonly format: string;
}

/**
 * The original file of an indexed, readable photo: its absolute path and its format. Null when the
 * path is not such a photo, when `acceptFormat` refuses the format (asked before the rest is read:
 * a 300 MB TIFF is never hashed only to be refused), or when the file no longer holds the content
 * that was indexed. The content is hashed again (streamed) because the library keeps no other proof
 * that the file is unchanged, so a URL can only ever reach a file the library knows, as it knows it.
 * @example await originalFile(photos, '/photos/a.jpg', (format) => format === 'jpeg') // → { path: '/photos/a.jpg', format: 'jpeg' }
 */
export async function originalFile(
  photos: PhotoRepository,
  filePath: string,
  acceptFormat: (format: string) => boolean,
): Promise<OriginalFile | null> {
  const absolute = path.resolve(filePath);
  const content = photos.contentOfPath(absolute);
  if (!content?.contentHash || content.status !== 'ok') return null;
  try {
    const handle = await openRegularFile(absolute);
    let format: string | null;
    try {
      const header = Buffer.alloc(IMAGE_HEADER_BYTES);
      const { bytesRead } = await handle.read(header, 0, header.length, 0);
      format = imageFormatOfHeader(header.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
    if (format === null || !acceptFormat(format)) return null;
    return (await hashFile(absolute)) === content.contentHash ? { path: absolute, format } : null;
  } catch (error) {
    // Removed, or replaced by a folder, FIFO or device since it was indexed: nothing to serve.
    if (errnoCode(error) === 'ENOENT' || hasErrorCode(error, ErrorCodes.decodeFailed)) return null;
    throw error;
  }
}
