/**
 * The renderer's API, derived from the contract: `library:stats` becomes `api.library.stats()`.
 * Both transports (preload over Electron IPC, http-api over the browser bridge) build it with
 * `createApi`, so the two cannot disagree on its shape.
 */
import { CHANNELS, splitChannel, type Channel, type ChannelMethod, type ChannelNamespace } from './channels.js';
import type { AppEvent, ChannelInput, ChannelOutput } from './ipc-contract.js';
import type { Result } from './result.js';
import type { FindReport } from './types.js';

/** A file the user dropped or picked in the page (a DOM `File`). */
export interface PickedFile extends Blob {
  readonly name: string;
}

/** Channels whose input may be left out (`library:stats`) take no argument or an optional one. */
export type ChannelCall<C extends Channel> =
  undefined extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>
    : (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;

export type ChannelApi = {
  readonly [N in ChannelNamespace]: {
    readonly [C in Channel as ChannelNamespace<C> extends N ? ChannelMethod<C> : never]: ChannelCall<C>;
  };
};

export type Unsubscribe = () => void;

export interface ApiTransport {
  readonly mode: 'electron' | 'browser';
  /** Must resolve to a Result, never reject: transport failures become `{ ok: false }`. */
  invoke(channel: Channel, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: AppEvent) => void): Unsubscribe;
  /** URL of the thumbnail of an indexed photo (custom protocol in Electron, bridge route in the browser). */
  thumbnailUrl(photoPath: string): string;
  /**
   * URL of a large preview of an indexed photo for the compare view: JPEG, upright, long side at
   * most 2048 px, rendered on first request (a fraction of a second) and cached after that.
   */
  previewUrl(photoPath: string): string;
  /** URL of the original file of an indexed photo, for zooming in the viewer (only formats a browser shows). */
  originalUrl(photoPath: string): string;
  /**
   * "Is this photo already in my library?" for a file dropped on the window or picked with a file
   * dialog: Electron passes its path (`webUtils.getPathForFile`), browser mode uploads its bytes.
   */
  findFile(file: PickedFile): Promise<Result<FindReport>>;
  /** Electron's native folder picker (null when cancelled); null in browser mode, which uses `folders:list`. */
  readonly pickFolder: (() => Promise<string | null>) | null;
  /** Electron: shows the file in the system's file manager; null in browser mode. */
  readonly showInFolder: ((photoPath: string) => void) | null;
}

export type DoppelApi = ChannelApi & Omit<ApiTransport, 'invoke'>;

export function createApi(transport: ApiTransport): DoppelApi {
  const namespaces: Record<string, Record<string, (input?: unknown) => Promise<Result<unknown>>>> = {};
  for (const channel of CHANNELS) {
    const [namespace, method] = splitChannel(channel);
    namespaces[namespace] ??= {};
    namespaces[namespace][method] = (input?: unknown) => transport.invoke(channel, input);
  }
  return {
    ...(namespaces as unknown as ChannelApi),
    mode: transport.mode,
    onEvent: (listener) => transport.onEvent(listener),
    thumbnailUrl: (photoPath) => transport.thumbnailUrl(photoPath),
    previewUrl: (photoPath) => transport.previewUrl(photoPath),
    originalUrl: (photoPath) => transport.originalUrl(photoPath),
    findFile: (file) => transport.findFile(file),
    pickFolder: transport.pickFolder,
    showInFolder: transport.showInFolder,
  };
}
