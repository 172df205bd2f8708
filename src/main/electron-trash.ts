/**
 * Answers the engine's trash calls with Electron's `shell.trashItem`, which only main can call.
 * Only this file touches Electron; the rest (os-trash.ts, mac-trash.ts) is plain Node and tested.
 */
import { shell } from 'electron';
import type { HostTrashAnswer, HostTrashCall } from '../engine/host-trash-messages.js';
import type { Result } from '../shared/result.js';
import { macTrash } from './mac-trash.js';
import { answerTrashCall, unsupportedTrash, windowsTrash, type HostTrash, type TrashItem } from './os-trash.js';

export type TrashAnswerer = (call: HostTrashCall) => Promise<Result<HostTrashAnswer>>;

export function electronTrash(log: (line: string) => void): TrashAnswerer {
  const trashItem: TrashItem = (filePath) => shell.trashItem(filePath);
  const trash: HostTrash =
    process.platform === 'darwin'
      ? macTrash({ trashItem, log })
      : process.platform === 'win32'
        ? windowsTrash(trashItem)
        : unsupportedTrash(process.platform);
  return (call) => answerTrashCall(trash, call);
}
