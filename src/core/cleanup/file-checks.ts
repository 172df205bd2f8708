import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors';
import type { IndexedCopy } from '../store/cleanup.repository';
import { isInside } from '../library-paths';

/**
 * A file as it is on disk right now: where its bytes really are (folders' symlinks resolved, the
 * name itself not) and which file it is (device and inode). Two paths are one file when these match.
 */
export interface FileOnDisk {
  readonly realPath: string;
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

/** `filePath` as it is now, or why it cannot be looked at (gone, unreadable folder, not a regular file). */
export async function locate(filePath: string): Promise<FileOnDisk | string> {
  try {
    const stat = await fs.lstat(filePath);
    if (!stat.isFile()) return 'it is no longer a regular file';
    const realPath = path.join(await fs.realpath(path.dirname(filePath)), path.basename(filePath));
    return { realPath, dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch (error) {
    return `it is gone or unreadable (${errorMessage(error)})`;
  }
}

/**
 * True when two located files are one file on disk: one inode (a hard link, or one path through a
 * symlinked folder), or one real path where the filesystem has no inode numbers.
 */
export function sameFile(a: FileOnDisk, b: FileOnDisk): boolean {
  return a.realPath === b.realPath || (a.ino !== 0 && a.dev === b.dev && a.ino === b.ino);
}

/**
 * Why `copy`, located, no longer is the file that was indexed, or null when it still is: the indexed
 * size and modification time. A photo edited since indexing is another picture now.
 */
export function changedFrom(copy: IndexedCopy, now: FileOnDisk): string | null {
  if (now.size !== copy.size || Math.abs(now.mtimeMs - copy.mtimeMs) > 1) {
    return 'it changed since it was indexed (index again to review it)';
  }
  return null;
}

/** Why the copy to keep cannot be relied on, or null when it exists, is readable and is unchanged. */
export async function keeperProblem(keeper: IndexedCopy, now: FileOnDisk | string): Promise<string | null> {
  const changed = typeof now === 'string' ? now : changedFrom(keeper, now);
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

/**
 * Protected (reference) folders, each in the form the user gave and as it resolves on disk now, so
 * a folder is protected whichever way a path reaches it: through a symlinked folder inside a root,
 * or through a root that is itself a symlink to where the protected folder was named.
 */
export class Protection {
  readonly #folders: readonly string[];

  private constructor(folders: readonly string[]) {
    this.#folders = folders;
  }

  static async of(folders: readonly string[]): Promise<Protection> {
    const forms = await Promise.all(
      folders.map(async (folder) => {
        const given = path.resolve(folder);
        const real = await fs.realpath(given).catch(() => given);
        return real === given ? [given] : [given, real];
      }),
    );
    return new Protection(forms.flat());
  }

  /** True when the file at `filePath` (and, once located, its real path) lies in a protected folder. */
  covers(filePath: string, realPath?: string): boolean {
    return this.#folders.some((folder) => isInside(filePath, folder) || (realPath !== undefined && isInside(realPath, folder)));
  }
}
