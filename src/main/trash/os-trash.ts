/**
 * Main's side of the engine's trash calls (src/engine/host-trash/host-trash-bin.ts): the answer sent back for
 * each call. The platforms' trashes themselves are the core's (src/core/trash/mac-trash.ts,
 * windows-trash.ts), built on the one Electron call that src/main/trash/electron-trash.ts passes in, so
 * all of this is plain Node and runs under the tests.
 */
import type { HostTrash } from '../../core/trash/host-trash.js';
import { TrashError } from '../../core/trash/trash-info.js';
import type { HostTrashAnswer, HostTrashCall } from '../../engine/host-trash/host-trash-messages.js';
import { toAppError } from '../../shared/errors.js';
import { ok, type Result } from '../../shared/result.js';

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

/** Where the engine keeps its own trash (Linux and other freedesktop systems) and never asks main. */
export function unsupportedTrash(platform: NodeJS.Platform): HostTrash {
  const refuse = (): Promise<never> =>
    Promise.reject(new TrashError(`The app's trash is not used on ${platform}: the engine moves files to the trash itself`));
  return { reserve: refuse, move: refuse, release: refuse, restore: refuse };
}
