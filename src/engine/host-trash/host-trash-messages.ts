/**
 * The engine asking its host (Electron main) to act on the system trash, over the same MessagePort
 * as every other engine message (src/engine/process/engine-messages.ts). Defined here, not in src/main,
 * because the engine may not import a door; main imports these types instead.
 */
import type { TrashedFile } from '../../core/trash/trash-bin.js';
import type { Result } from '../../shared/result.js';

/** One `TrashBin` call, forwarded as is. */
export type HostTrashCall =
  | { readonly op: 'reserve'; readonly filePath: string }
  | { readonly op: 'move'; readonly slot: TrashedFile }
  | { readonly op: 'release'; readonly slot: TrashedFile }
  | { readonly op: 'restore'; readonly slot: TrashedFile };

/**
 * What a call answers: `reserve` the slot to journal, `move` the slot with the file's final place
 * (macOS may give it another name than the one reserved), `release` and `restore` null.
 */
export type HostTrashAnswer = TrashedFile | null;

/** Engine → main. */
export interface HostTrashRequest {
  readonly type: 'trash-request';
  readonly id: number;
  readonly call: HostTrashCall;
}

/** Main → engine: the answer to the request with the same `id`. */
export interface HostTrashResponse {
  readonly type: 'trash-response';
  readonly id: number;
  readonly result: Result<HostTrashAnswer>;
}
