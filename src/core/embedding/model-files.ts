import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ModelFileCorruptError, ModelFileMissingError, ModelManifestError } from './embedding.errors.js';

/**
 * Reads a model artifact and checks its SHA-256 against the manifest.
 *
 * The hash is verified on every load, not cached by size + mtime: the files are 4-14 MB, hashing
 * takes a few tens of milliseconds once per process, and a cache would be one more file that can
 * go stale. The verified bytes are what the session is built from, so the file cannot change
 * between the check and the use.
 */
export async function readVerifiedFile(path: string, expectedSha256: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelFileMissingError(path, { cause: error });
    throw error;
  }
  const actualSha256 = createHash('sha256').update(bytes).digest('hex');
  if (actualSha256 !== expectedSha256) throw new ModelFileCorruptError(path, expectedSha256, actualSha256);
  return bytes;
}

/** Parses a (hash-verified) labels file: one label per line, exactly `expectedCount` of them. */
export function parseLabels(text: string, expectedCount: number, path: string): string[] {
  const labels = text.split(/\r?\n/);
  if (labels.at(-1) === '') labels.pop();
  if (labels.length !== expectedCount) {
    throw new ModelManifestError(`Labels file ${path} has ${labels.length} labels but the manifest says ${expectedCount}`);
  }
  return labels;
}
