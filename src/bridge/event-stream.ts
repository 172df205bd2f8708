/** Server-Sent Events: every engine event goes to every open browser tab. */
import type { ServerResponse } from 'node:http';
import type { AppEvent } from '../shared/ipc-contract.js';
import type { ClientId } from './auth.js';

/** Proxies and idle timeouts drop silent connections; a comment line every so often keeps it open. */
const KEEPALIVE_MS = 20_000;
/** Browsers reconnect after this delay when the stream drops (bridge restart). */
const RETRY_MS = 2_000;

export interface EventStreamLimits {
  readonly perClient: number;
  readonly total: number;
}

export class EventStream {
  readonly #clients = new Map<ServerResponse, ClientId>();
  readonly #limits: EventStreamLimits;
  readonly #keepalive: ReturnType<typeof setInterval>;

  constructor(limits: EventStreamLimits) {
    this.#limits = limits;
    this.#keepalive = setInterval(() => {
      for (const client of this.#clients.keys()) client.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  /**
   * Why `client` may not open another stream, or null when it may. A new stream is refused rather
   * than an old one dropped: a dropped EventSource reconnects and would drop the next one in turn.
   */
  refusal(client: ClientId): string | null {
    if (this.#clients.size >= this.#limits.total) return `the bridge already serves ${this.#limits.total} event streams`;
    const own = [...this.#clients.values()].filter((id) => id === client).length;
    if (own >= this.#limits.perClient) return `this browser already has ${this.#limits.perClient} event streams open (close a tab)`;
    return null;
  }

  /** Starts streaming to `response`; check `refusal` first. */
  attach(response: ServerResponse, client: ClientId): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    this.#clients.set(response, client);
    response.on('close', () => this.#clients.delete(response));
  }

  broadcast(event: AppEvent): void {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of this.#clients.keys()) client.write(frame);
  }

  close(): void {
    clearInterval(this.#keepalive);
    for (const client of this.#clients.keys()) client.end();
    this.#clients.clear();
  }
}
