/**
 * The system trash of macOS and Windows, reached through one `trashItem` call that moves a file and
 * says nothing of where: Electron's `shell.trashItem` in the desktop app (src/main/trash/electron-trash.ts),
 * the `trash` package in the CLI and the bridge (src/core/trash/trash-bin.ts). What each platform
 * builds on it lives beside this file: mac-trash.ts, windows-trash.ts.
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import { InvalidArgumentError, errnoCode, errorMessage } from '../errors';
import type { TrashedFile } from './freedesktop-trash';
import { TrashError } from './trash-info';

/** A `TrashBin` whose `move` always says where the file went (what main answers the engine). */
export interface HostTrash {
  reserve(filePath: string): Promise<TrashedFile>;
  move(slot: TrashedFile): Promise<TrashedFile>;
  release(slot: TrashedFile): Promise<void>;
  restore(slot: TrashedFile): Promise<void>;
}

/** Moves one file to the system trash and says nothing of where: `shell.trashItem`, or the `trash` package. */
export type TrashItem = (filePath: string) => Promise<void>;

/**
 * lstat of a file about to be trashed. Folders and symlinks are refused, as the freedesktop trash
 * refuses them: clean-up only ever moves the regular files it indexed.
 */
export async function regularFileStats(filePath: string): Promise<Stats> {
  const refuse = (reason: string) => new InvalidArgumentError(`Cannot move ${filePath} to the trash: ${reason}`);
  const stats = await fs.lstat(filePath).catch((error: unknown) => {
    throw errnoCode(error) === 'ENOENT'
      ? refuse('no such file')
      : new TrashError(`Cannot move ${filePath} to the trash: ${errorMessage(error)}`, { cause: error });
  });
  if (!stats.isFile()) throw refuse('not a regular file (folders and symlinks are refused)');
  return stats;
}
