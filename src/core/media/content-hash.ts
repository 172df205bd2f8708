import { createHash } from 'node:crypto';
import { openRegularFile } from './photo-file';

/** SHA-256 (hex) of a byte buffer: the identity of a file's content. */
export function contentHashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The content hash of a file on disk (as `contentHashOf` of its bytes), streamed: a 200 MB RAW never
 * sits in memory whole. Refuses anything but a regular file, so a path replaced by a FIFO or a
 * device since it was indexed neither blocks nor runs forever (UnreadablePhotoError).
 */
export async function hashFile(filePath: string): Promise<string> {
  const handle = await openRegularFile(filePath);
  const hash = createHash('sha256');
  for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer); // closes the handle at the end
  return hash.digest('hex');
}
