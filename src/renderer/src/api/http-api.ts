/**
 * Browser mode: the same typed API as the preload's, over the local bridge (src/bridge):
 * POST /api/<channel> for calls, Server-Sent Events for job progress, GET /thumb, /preview and
 * /original for thumbnails, compare-view previews and zoomable originals, POST /api/find-upload
 * for a dropped or picked file (a page never learns where a file lives, so its bytes go). Every
 * request rides on the session cookie the bridge set when this browser opened the address
 * `doppel serve` printed; without it the bridge answers 401.
 */
import { createApi, type DoppelApi, type PickedFile } from '../../../shared/api.js';
import { BRIDGE_FIND_UPLOAD_ROUTE, FILE_NAME_HEADER, type Channel } from '../../../shared/channels.js';
import type { AppEvent } from '../../../shared/ipc-contract.js';
import { ErrorCodes } from '../../../shared/errors.js';
import { err, type Result } from '../../../shared/result.js';
import { bridgeOriginalUrl, bridgePreviewUrl, bridgeThumbnailUrl } from '../../../shared/thumbnails.js';
import type { FindReport } from '../../../shared/types.js';

export const EVENTS_PATH = '/api/events';

export const NOT_SIGNED_IN_MESSAGE = 'Not signed in to this Doppel bridge: open the address `doppel serve` printed';

export interface HttpApiOptions {
  /**
   * Called on the first 401 (the bridge restarted with a new token, or the page was opened without
   * one); a reload then shows the bridge's sign-in page instead of the app.
   */
  readonly onUnauthorized?: () => void;
}

export function createHttpApi(baseUrl: string, options: HttpApiOptions = {}): DoppelApi {
  const listeners = new Set<(event: AppEvent) => void>();
  let source: EventSource | null = null;
  let signedOut = false;

  const connect = (): void => {
    // One stream for all listeners; EventSource reconnects by itself when the bridge goes away.
    const stream = new EventSource(`${baseUrl}${EVENTS_PATH}`);
    stream.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as AppEvent;
      for (const listener of listeners) listener(event);
    };
    // It stops for good on an HTTP error: a bridge restarted with a new token answers 401, and
    // one call finds out (invoke reports it) instead of the page waiting for events forever.
    stream.onerror = () => {
      if (stream.readyState === EventSource.CLOSED) void invoke('library:stats', undefined);
    };
    source = stream;
  };

  /** POSTs to the bridge and reads its Result envelope; `what` names the call in error messages. */
  async function post(what: string, route: string, init: { headers: Record<string, string>; body?: BodyInit }): Promise<Result<unknown>> {
    try {
      const response = await fetch(`${baseUrl}${route}`, { method: 'POST', ...init });
      if (response.status === 401) {
        if (!signedOut) options.onUnauthorized?.();
        signedOut = true;
        return err(ErrorCodes.transport, `${what}: ${NOT_SIGNED_IN_MESSAGE}`);
      }
      const body: unknown = await response.json();
      if (isResult(body)) return body;
      return err(ErrorCodes.transport, `${what}: the bridge answered HTTP ${response.status} without a result`);
    } catch (thrown) {
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      return err(ErrorCodes.transport, `${what} could not reach the Doppel bridge at ${baseUrl}: ${reason}`);
    }
  }

  function invoke(channel: Channel, input: unknown): Promise<Result<unknown>> {
    return post(channel, `/api/${channel}`, {
      headers: { 'content-type': 'application/json' },
      ...(input === undefined ? {} : { body: JSON.stringify(input) }),
    });
  }

  /** The bridge answers as `find:query` does; a file over its upload limit gets an `invalid_input` that says so. */
  async function findFile(file: PickedFile): Promise<Result<FindReport>> {
    const result = await post(`Looking up ${file.name}`, BRIDGE_FIND_UPLOAD_ROUTE, {
      // Header values must be ASCII (ISO-8859-1): the name goes URI-encoded.
      headers: { 'content-type': 'application/octet-stream', [FILE_NAME_HEADER]: encodeURIComponent(file.name) },
      body: file,
    });
    return result as Result<FindReport>;
  }

  return createApi({
    mode: 'browser',
    invoke,
    onEvent(listener) {
      listeners.add(listener);
      if (!source) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = null;
        }
      };
    },
    thumbnailUrl: (photoPath) => bridgeThumbnailUrl(baseUrl, photoPath),
    previewUrl: (photoPath) => bridgePreviewUrl(baseUrl, photoPath),
    originalUrl: (photoPath) => bridgeOriginalUrl(baseUrl, photoPath),
    findFile,
    // The page picks folders with `folders:list` and has no file manager to show a file in.
    pickFolder: null,
    showInFolder: null,
  });
}

function isResult(body: unknown): body is Result<unknown> {
  return typeof body === 'object' && body !== null && typeof (body as { ok?: unknown }).ok === 'boolean';
}
