import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors';
import type { IndexedCopy } from '../store/cleanup.repository';
import { isInside } from '../library-paths';

/**
 * Why `copy` no longer is the file that was indexed, or null when it still is: a regular file with
 * the indexed size and modification time. A photo edited since indexing is another picture now.
 */
export async function changedSinceIndexed(copy: IndexedCopy): Promise<string | null> {
  let stat;
  try {
    stat = await fs.lstat(copy.path);
  } catch (error) {
    return `it is gone or unreadable (${errorMessage(error)})`;
  }
  if (!stat.isFile()) return 'it is no longer a regular file';
  if (stat.size !== copy.size || Math.abs(stat.mtimeMs - copy.mtimeMs) > 1) {
    return 'it changed since it was indexed (index again to review it)';
  }
  return null;
}

/** Why the copy to keep cannot be relied on, or null when it exists, is readable and is unchanged. */
export async function keeperProblem(keeper: IndexedCopy): Promise<string | null> {
  const changed = await changedSinceIndexed(keeper);
  if (changed) return `the copy to keep, ${keeper.path}: ${changed}`;
  try {
    await fs.access(keeper.path, constants.R_OK);
  } catch (error) {
    return `the copy to keep, ${keeper.path}, is not readable (${errorMessage(error)})`;
  }
  return null;
}

/**
 * True when `filePath` really lies inside `root`, with symbolic links resolved on both sides, so a
 * symlinked folder inside a root can never lead a clean-up to a file elsewhere on disk.
 */
export async function isInsideRoot(filePath: string, root: string): Promise<boolean> {
  try {
    const [realFolder, realRoot] = await Promise.all([fs.realpath(path.dirname(filePath)), fs.realpath(root)]);
    return isInside(path.join(realFolder, path.basename(filePath)), realRoot);
  } catch {
    return false; // a root or folder that cannot be resolved is not one we may touch
  }
}
