/**
 * Browser mode: the same typed API as the preload's, over the local bridge (src/bridge):
 * POST /api/<channel> for calls, Server-Sent Events for job progress, GET /thumb and /preview for
 * thumbnails and compare-view previews.
 */
import { createApi, type DoppelApi } from '../../../shared/api.js';
import type { AppEvent } from '../../../shared/ipc-contract.js';
import { ErrorCodes } from '../../../shared/errors.js';
import { err, type Result } from '../../../shared/result.js';
import { bridgePreviewUrl, bridgeThumbnailUrl } from '../../../shared/thumbnails.js';

export const EVENTS_PATH = '/api/events';

export function createHttpApi(baseUrl: string): DoppelApi {
  const listeners = new Set<(event: AppEvent) => void>();
  let source: EventSource | null = null;

  const connect = (): void => {
    // One stream for all listeners; EventSource reconnects by itself after a bridge restart.
    source = new EventSource(`${baseUrl}${EVENTS_PATH}`);
    source.onmessage = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as AppEvent;
      for (const listener of listeners) listener(event);
    };
  };

  return createApi({
    mode: 'browser',
    async invoke(channel, input): Promise<Result<unknown>> {
      try {
        const response = await fetch(`${baseUrl}/api/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          ...(input === undefined ? {} : { body: JSON.stringify(input) }),
        });
        const body: unknown = await response.json();
        if (isResult(body)) return body;
        return err(ErrorCodes.transport, `${channel}: the bridge answered HTTP ${response.status} without a result`);
      } catch (thrown) {
        const reason = thrown instanceof Error ? thrown.message : String(thrown);
        return err(ErrorCodes.transport, `${channel} could not reach the Doppel bridge at ${baseUrl}: ${reason}`);
      }
    },
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
