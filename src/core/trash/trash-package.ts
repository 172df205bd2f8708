/**
 * The `trash` package (sindresorhus/trash) as a `TrashItem`, for the Node doors on macOS and
 * Windows: it runs its own helper, `macos-trash` (NSFileManager's trashItem) or `windows-trash.exe`
 * (the shell's IFileOperation), found next to the package's files, which is why the CLI bundle
 * keeps the package external. Loaded on first use: Linux never needs it, and it is ESM only.
 */
import fs from 'node:fs/promises';
import { errnoCode, errorMessage } from '../errors';
import type { TrashItem } from './host-trash';
import { TrashError } from './trash-info';

/**
 * Moves one file to the system trash. Rejects with the reason only (as `shell.trashItem` does): the
 * caller says what was attempted. The package skips a path that does not exist instead of failing,
 * and its helpers say nothing of where a file went, so the file is checked before and after.
 * @example await trashWithPackage('/Users/ann/Pictures/harbour-copy.jpg')
 */
export const trashWithPackage: TrashItem = async (filePath) => {
  const before = await fs.lstat(filePath).catch((error: unknown) => {
    throw new TrashError(errnoCode(error) === 'ENOENT' ? 'no such file' : errorMessage(error), { cause: error });
  });
  const { default: trash } = await import('trash');
  // Globbing off: a photo named "[1].jpg" or "best*.jpg" is a name, not a pattern.
  await trash(filePath, { glob: false }).catch((error: unknown) => {
    throw new TrashError(helperMessage(error), { cause: error });
  });
  const after = await fs.lstat(filePath).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  });
  if (after?.dev === before.dev && after.ino === before.ino) {
    throw new TrashError('the system trash answered success but left the file where it was');
  }
};

/** What a helper printed on failure ("… couldn’t be moved to the trash because …"), else the error's message. */
function helperMessage(error: unknown): string {
  const stderr = typeof error === 'object' && error !== null ? (error as { stderr?: unknown }).stderr : undefined;
  const printed = typeof stderr === 'string' ? stderr.trim() : '';
  return printed !== '' ? printed : errorMessage(error);
}
