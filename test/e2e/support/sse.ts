/** Reads the bridge's Server-Sent Events from Node (Node 20 has no EventSource). */
import type { AppEvent } from '../../../src/shared/ipc-contract.js';
import { authHeaders } from './bridge-auth.js';

export interface EventRecorder {
  readonly events: AppEvent[];
  stop(): void;
}

/** Opens the event stream of the bridge at `bridgeUrl` (its token URL: the stream needs signing in). */
export async function recordEvents(bridgeUrl: string): Promise<EventRecorder> {
  const controller = new AbortController();
  const events: AppEvent[] = [];
  const response = await fetch(new URL('/api/events', bridgeUrl), { headers: authHeaders(bridgeUrl), signal: controller.signal });
  if (!response.ok) throw new Error(`the event stream answered HTTP ${response.status}`);
  const body = response.body;
  if (!body) throw new Error('the event stream has no body');
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of body) {
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
