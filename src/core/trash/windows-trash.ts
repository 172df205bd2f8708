/**
 * The Windows Recycle Bin through a `trashItem` call (Electron's `shell.trashItem` in the desktop
 * app, the `trash` package's `windows-trash.exe` in the CLI).
 */
import path from 'node:path';
import { errorMessage } from '../errors';
import { regularFileStats, type HostTrash, type TrashItem } from './host-trash';
import { TrashError } from './trash-info';

/** Recorded as the slot's `infoPath`: the Recycle Bin has no info file Doppel can read. */
const RECYCLE_BIN_RECORD = 'windows-recycle-bin';

/**
 * Moving works through `trashItem`; putting a file back needs the shell's COM interfaces (the Bin
 * renames files to `$R…` and keeps their origin in `$I…` records), which neither Electron nor the
 * `trash` package offers, so restore refuses and says where to do it by hand.
 */
export function windowsTrash(trashItem: TrashItem): HostTrash {
  return {
    async reserve(filePath) {
      const originalPath = path.resolve(filePath);
      await regularFileStats(originalPath);
      // Not a file system path (so the journal's crash check never finds "something" there): the
      // shell's own name for the Bin, which Explorer opens.
      return { originalPath, trashedPath: `shell:RecycleBinFolder\\${path.basename(originalPath)}`, infoPath: RECYCLE_BIN_RECORD };
    },
    async move(slot) {
      await regularFileStats(slot.originalPath);
      await trashItem(slot.originalPath).catch((error: unknown) => {
        throw new TrashError(`Cannot move ${slot.originalPath} to the Recycle Bin: ${errorMessage(error)}`, { cause: error });
      });
      return slot;
    },
    release: () => Promise.resolve(), // nothing was claimed
    restore(slot) {
      return Promise.reject(
        new TrashError(
          `Cannot restore ${slot.originalPath}: Doppel cannot take files back out of the Windows Recycle Bin; restore it from the Recycle Bin`,
        ),
      );
    },
  };
}
