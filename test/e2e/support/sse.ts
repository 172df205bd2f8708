/** Reads the bridge's Server-Sent Events from Node (Node 20 has no EventSource). */
import http, { type IncomingMessage } from 'node:http';
import type { AppEvent } from '../../../src/shared/ipc-contract.js';
import { authHeaders } from './bridge-auth.js';

/**
 * The stream fails when silent this long: the bridge writes a keep-alive comment every 20 s
 * (src/bridge/event-stream.ts), so this is three of them missed. Chosen here rather than left to
 * the HTTP client's default (fetch gave up on a silent body after 300 s).
 */
export const SILENT_STREAM_MS = 60_000;
/** The stream's headers must arrive within this. */
const CONNECT_MS = 30_000;

export interface EventRecorder {
  readonly events: AppEvent[];
  stop(): void;
}

/** Opens the event stream of the bridge at `bridgeUrl` (its token URL: the stream needs signing in). */
export async function recordEvents(bridgeUrl: string): Promise<EventRecorder> {
  const controller = new AbortController();
  const events: AppEvent[] = [];
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = http.get(new URL('/api/events', bridgeUrl), {
      headers: authHeaders(bridgeUrl),
      agent: false, // a connection of its own, outside the pool the calls share
      signal: controller.signal,
    });
    const connecting = setTimeout(
      () => request.destroy(new Error(`the event stream did not answer within ${CONNECT_MS / 1000} s`)),
      CONNECT_MS,
    );
    request.once('response', (answer) => {
      clearTimeout(connecting);
      resolve(answer);
    });
    request.once('error', (error) => {
      clearTimeout(connecting);
      reject(error);
    });
  });
  if (response.statusCode !== 200) {
    response.destroy();
    throw new Error(`the event stream answered HTTP ${response.statusCode}`);
  }
  response.setTimeout(SILENT_STREAM_MS, () => response.destroy(new Error(`the event stream was silent for ${SILENT_STREAM_MS / 1000} s`)));
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          for (const line of frame.split('\n')) {
            if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as AppEvent);
          }
        }
      }
    } catch (thrown) {
      if (!controller.signal.aborted) throw thrown;
    }
  })();
  return { events, stop: () => controller.abort() };
}
