/** Server-Sent Events: every engine event goes to every open browser tab. */
import type { ServerResponse } from 'node:http';
import type { AppEvent } from '../shared/ipc-contract.js';

/** Proxies and idle timeouts drop silent connections; a comment line every so often keeps it open. */
const KEEPALIVE_MS = 20_000;
/** Browsers reconnect after this delay when the stream drops (bridge restart). */
const RETRY_MS = 2_000;

export class EventStream {
  readonly #clients = new Set<ServerResponse>();
  readonly #keepalive: ReturnType<typeof setInterval>;

  constructor() {
    this.#keepalive = setInterval(() => {
      for (const client of this.#clients) client.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  attach(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    this.#clients.add(response);
    response.on('close', () => this.#clients.delete(response));
  }

  broadcast(event: AppEvent): void {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of this.#clients) client.write(frame);
  }

  close(): void {
    clearInterval(this.#keepalive);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}
