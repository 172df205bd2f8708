/**
 * Messages between Electron main and the engine utility process, over a MessagePort.
 * Requests carry a `seq` so main can match answers to pending calls (Signal Desktop's pattern).
 */
import type { HostTrashRequest, HostTrashResponse } from '../host-trash/host-trash-messages.js';
import type { Channel } from '../../shared/channels.js';
import type { AppEvent } from '../../shared/ipc-contract.js';
import type { Result } from '../../shared/result.js';

/** First message on the parent port; carries the MessagePort as its transfer. */
export interface EngineInit {
  readonly type: 'init';
  /** Null: the core's per-user default library. */
  readonly libraryDir: string | null;
}

export type EngineRequest =
  | { readonly type: 'invoke'; readonly channel: Channel; readonly input: unknown }
  /** Answers Result<string | null>: the thumbnail file, checked to lie inside the library. */
  | { readonly type: 'thumbnail'; readonly photoPath: string }
  /** Answers Result<string | null>: the preview JPEG (rendered on first use), checked the same way. */
  | { readonly type: 'preview'; readonly photoPath: string }
  /**
   * Answers Result<OriginalPicture | null>: the photo's own file when the page can show its format
   * and it still holds the indexed content (EngineService.resolveOriginal); null: use the preview.
   */
  | { readonly type: 'original'; readonly photoPath: string };

/** The original file of an indexed photo and the type to serve it as. */
export interface OriginalPicture {
  readonly file: string;
  readonly contentType: string;
}

export interface EngineRequestMessage {
  readonly seq: number;
  readonly request: EngineRequest;
}

/** Everything main posts to the engine after init: its calls, and its answers to the engine's trash calls. */
export type EngineInbound = EngineRequestMessage | HostTrashResponse;

export type EngineMessage =
  | { readonly type: 'ready'; readonly libraryDir: string }
  /** The library could not be opened; the engine stays up and answers every call with this error. */
  | { readonly type: 'unavailable'; readonly message: string }
  | { readonly type: 'response'; readonly seq: number; readonly result: Result<unknown> }
  | { readonly type: 'event'; readonly event: AppEvent }
  /** The engine asks main to act on the system trash (macOS, Windows: src/engine/host-trash/host-trash-bin.ts). */
  | HostTrashRequest;
