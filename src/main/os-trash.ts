/**
 * Main's side of the engine's trash calls (src/engine/host-trash-bin.ts): what each platform's
 * trash can do through `shell.trashItem`, and the answer sent back. Plain Node: the one Electron
 * call is passed in (src/main/electron-trash.ts), so all of this runs under the tests.
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TrashedFile } from '../core/cleanup/trash-bin.js';
import { InvalidArgumentError, errnoCode, errorMessage } from '../core/errors.js';
import { TrashError } from '../core/trash/trash-info.js';
import type { HostTrashAnswer, HostTrashCall } from '../engine/host-trash-messages.js';
import { toAppError } from '../shared/errors.js';
import { ok, type Result } from '../shared/result.js';

/** The system trash as main offers it: a `TrashBin` whose `move` says where the file went. */
export interface HostTrash {
  reserve(filePath: string): Promise<TrashedFile>;
  move(slot: TrashedFile): Promise<TrashedFile>;
  release(slot: TrashedFile): Promise<void>;
  restore(slot: TrashedFile): Promise<void>;
}

/** Electron's `shell.trashItem`: moves a file to the system trash and says nothing of where. */
export type TrashItem = (filePath: string) => Promise<void>;

/** Runs one engine call; never throws: a failure goes back with its code and message. */
export async function answerTrashCall(trash: HostTrash, call: HostTrashCall): Promise<Result<HostTrashAnswer>> {
  try {
    switch (call.op) {
      case 'reserve':
        return ok(await trash.reserve(call.filePath));
      case 'move':
        return ok(await trash.move(call.slot));
      case 'release':
        await trash.release(call.slot);
        return ok(null);
      case 'restore':
        await trash.restore(call.slot);
        return ok(null);
      default:
        return call satisfies never;
    }
  } catch (error) {
    return { ok: false, error: toAppError(error) };
  }
}

/**
 * lstat of a file about to be trashed. Folders and symlinks are refused, as the core's own trash
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

/** Recorded as the slot's `infoPath`: the Recycle Bin has no info file Doppel can read. */
const RECYCLE_BIN_RECORD = 'windows-recycle-bin';

/**
 * The Windows Recycle Bin. Moving works through `shell.trashItem`; putting a file back needs the
 * shell's COM interfaces (the Bin renames files to `$R…` and keeps their origin in `$I…` records),
 * which Electron does not offer, so restore refuses and says where to do it by hand.
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

/** Where the engine keeps its own trash (Linux and other freedesktop systems) and never asks main. */
export function unsupportedTrash(platform: NodeJS.Platform): HostTrash {
  const refuse = (): Promise<never> =>
    Promise.reject(new TrashError(`The app's trash is not used on ${platform}: the engine moves files to the trash itself`));
  return { reserve: refuse, move: refuse, release: refuse, restore: refuse };
}
