/**
 * Where clean-up sends files: the operating system's trash, in two steps so the journal can record
 * the destination BEFORE the file moves (a crash between the two is settled from the disk).
 */
import {
  moveToTrash,
  releaseTrashSlot,
  releaseUnrecordedSlots,
  reserveTrashSlot,
  restoreFile,
  type TrashedFile,
} from './freedesktop-trash';
import type { TrashItem } from './host-trash';
import { macTrash } from './mac-trash';
import { trashWithPackage } from './trash-package';
import { windowsTrash } from './windows-trash';

export type { TrashedFile } from './freedesktop-trash';

export interface TrashBin {
  /** Picks (and claims) the place in the trash where `filePath` will go; moves nothing. */
  reserve(filePath: string): Promise<TrashedFile>;
  /**
   * Moves the file into its reserved place. A trash that names the file only as it moves (the
   * macOS Trash) answers where it really went; the others answer undefined.
   */
  move(slot: TrashedFile): Promise<TrashedFile | undefined>;
  /** Gives a reserved place back after a move that did not happen. */
  release(slot: TrashedFile): Promise<void>;
  /**
   * Gives back the places claimed for `filePath` that a crash left before the journal knew them,
   * where the trash claims places at all (the freedesktop trash; the others claim nothing).
   */
  releaseUnrecorded?(filePath: string): Promise<number>;
  /** Puts a trashed file back at its original path, never over another file. */
  restore(slot: TrashedFile): Promise<void>;
}

export interface SystemTrashOptions {
  /** Default: process.env. Read by the freedesktop trash (XDG_DATA_HOME, HOME). */
  readonly env?: NodeJS.ProcessEnv;
  /** Default: process.platform. */
  readonly platform?: NodeJS.Platform;
  /** How a file reaches the macOS or Windows trash. Default: the `trash` package, loaded on first use. */
  readonly trashItem?: TrashItem;
  /** The home whose ~/.Trash macOS uses. Default: os.homedir(). */
  readonly homeDir?: string;
  /** Where the macOS trash says it moved a file but could not find it again (undo looks again). */
  readonly log?: (line: string) => void;
}

/**
 * The trash of this machine for the Node doors (CLI, bridge): the freedesktop.org trash on Linux
 * and other Unix desktops; on macOS and Windows the system trash through the `trash` package, with
 * the same code the desktop app runs on `shell.trashItem` (src/core/trash/mac-trash.ts,
 * windows-trash.ts). Undo works on macOS; on Windows it refuses and points to the Recycle Bin.
 * @example const bin = systemTrashBin(); // what `doppel clean` uses
 */
export function systemTrashBin(options: SystemTrashOptions = {}): TrashBin {
  const { env = process.env, platform = process.platform, trashItem = trashWithPackage } = options;
  if (platform === 'darwin') return macTrash({ trashItem, homeDir: options.homeDir, log: options.log });
  if (platform === 'win32') return windowsTrash(trashItem);
  return {
    reserve: (filePath) => reserveTrashSlot(filePath, { env }),
    move: async (slot) => {
      await moveToTrash(slot); // the reserved place is exact: nothing to correct
      return undefined;
    },
    release: (slot) => releaseTrashSlot(slot),
    releaseUnrecorded: (filePath) => releaseUnrecordedSlots(filePath, { env }),
    restore: (slot) => restoreFile(slot),
  };
}
