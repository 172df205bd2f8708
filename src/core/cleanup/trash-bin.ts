/**
 * Where clean-up sends files: the operating system's trash, in two steps so the journal can record
 * the destination BEFORE the file moves (a crash between the two is settled from the disk).
 */
import { InvalidArgumentError } from '../errors';
import { moveToTrash, releaseTrashSlot, reserveTrashSlot, restoreFile, type TrashedFile } from '../trash/freedesktop-trash';

export type { TrashedFile } from '../trash/freedesktop-trash';

export interface TrashBin {
  /** Picks (and claims) the place in the trash where `filePath` will go; moves nothing. */
  reserve(filePath: string): Promise<TrashedFile>;
  /**
   * Moves the file into its reserved place. A trash that names the file only as it moves (the
   * macOS Trash, through Electron) answers where it really went; the others answer undefined.
   */
  move(slot: TrashedFile): Promise<TrashedFile | undefined>;
  /** Gives a reserved place back after a move that did not happen. */
  release(slot: TrashedFile): Promise<void>;
  /** Puts a trashed file back at its original path, never over another file. */
  restore(slot: TrashedFile): Promise<void>;
}

/**
 * The trash of this machine for the Node doors (CLI, bridge): the freedesktop.org trash on Linux
 * and other Unix desktops. macOS and Windows keep their trash behind system APIs (the desktop app
 * uses Electron's `shell.trashItem` there); the CLI refuses rather than guess.
 */
export function systemTrashBin(env: NodeJS.ProcessEnv = process.env): TrashBin {
  if (process.platform === 'darwin' || process.platform === 'win32') {
    const refuse = (): never => {
      throw new InvalidArgumentError(`Moving files to the trash from the command line is not supported on ${process.platform} yet`);
    };
    return { reserve: refuse, move: refuse, release: refuse, restore: refuse };
  }
  return {
    reserve: (filePath) => reserveTrashSlot(filePath, { env }),
    move: async (slot) => {
      await moveToTrash(slot); // the reserved place is exact: nothing to correct
      return undefined;
    },
    release: (slot) => releaseTrashSlot(slot),
    restore: (slot) => restoreFile(slot),
  };
}
