/**
 * Browser mode: the same typed API as the preload's, over the local bridge (src/bridge):
 * POST /api/<channel> for calls, Server-Sent Events for job progress, GET /thumb and /preview for
 * thumbnails and compare-view previews. Every request rides on the session cookie the bridge set
 * when this browser opened the address `doppel serve` printed; without it the bridge answers 401.
 */
import { createApi, type DoppelApi } from '../../../shared/api.js';
import type { Channel } from '../../../shared/channels.js';
import type { AppEvent } from '../../../shared/ipc-contract.js';
import { ErrorCodes } from '../../../shared/errors.js';
import { err, type Result } from '../../../shared/result.js';
import { bridgePreviewUrl, bridgeThumbnailUrl } from '../../../shared/thumbnails.js';

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

  async function invoke(channel: Channel, input: unknown): Promise<Result<unknown>> {
    try {
      const response = await fetch(`${baseUrl}/api/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...(input === undefined ? {} : { body: JSON.stringify(input) }),
      });
      if (response.status === 401) {
        if (!signedOut) options.onUnauthorized?.();
        signedOut = true;
        return err(ErrorCodes.transport, `${channel}: ${NOT_SIGNED_IN_MESSAGE}`);
      }
      const body: unknown = await response.json();
      if (isResult(body)) return body;
      return err(ErrorCodes.transport, `${channel}: the bridge answered HTTP ${response.status} without a result`);
    } catch (thrown) {
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      return err(ErrorCodes.transport, `${channel} could not reach the Doppel bridge at ${baseUrl}: ${reason}`);
    }
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
  });
}

function isResult(body: unknown): body is Result<unknown> {
  return typeof body === 'object' && body !== null && typeof (body as { ok?: unknown }).ok === 'boolean';
}
