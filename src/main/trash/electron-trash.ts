/**
 * Answers the engine's trash calls with Electron's `shell.trashItem`, which only main can call.
 * Only this file touches Electron; the trashes it drives are the core's (src/core/trash/mac-trash.ts,
 * windows-trash.ts, which the CLI runs on the `trash` package instead), and os-trash.ts answers.
 */
import { shell } from 'electron';
import type { HostTrash, TrashItem } from '../../core/trash/host-trash.js';
import { macTrash } from '../../core/trash/mac-trash.js';
import { windowsTrash } from '../../core/trash/windows-trash.js';
import type { HostTrashAnswer, HostTrashCall } from '../../engine/host-trash/host-trash-messages.js';
import type { Result } from '../../shared/result.js';
import { answerTrashCall, unsupportedTrash } from './os-trash.js';

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
