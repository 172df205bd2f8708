/**
 * Browser mode: a local HTTP server that serves the built renderer and the SAME contract as the
 * Electron IPC, through the same dispatcher (src/engine/engine-service.ts) and the same
 * Result envelope. Used by `doppel serve` and by the e2e tests.
 *
 *   POST /api/<channel>   JSON input (empty body for none) → Result envelope
 *   GET  /api/events      Server-Sent Events: AppEvent per message
 *   GET  /thumb?path=…    WebP thumbnail of an indexed photo
 *   GET  /preview?path=…  large JPEG preview of an indexed photo (compare view), rendered on first use
 *   GET  /*               out/renderer
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EngineService } from '../engine/engine-service.js';
import { ErrorCodes, type ErrorCode } from '../shared/errors.js';
import { err, type Result } from '../shared/result.js';
import { BRIDGE_PREVIEW_ROUTE, BRIDGE_THUMBNAIL_ROUTE } from '../shared/thumbnails.js';
import { EventStream } from './event-stream.js';
import { isJsonRequest, rejectForeignRequest } from './request-guard.js';
import { contentTypeOf, findRendererDir, sendFile, serveStatic } from './static-files.js';

export interface BridgeOptions {
  /** Library folder; the core's per-user default when left out. */
  readonly libraryDir?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Loopback only (the bridge has no authentication): anything else is refused. */
  readonly host?: string;
  /** Built renderer; found by walking up to out/renderer when left out. */
  readonly rendererDir?: string;
  readonly log?: (line: string) => void;
}

export interface Bridge {
  /** e.g. `http://127.0.0.1:5173/` */
  readonly url: string;
  readonly libraryDir: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const API_PREFIX = '/api/';
const EVENTS_PATH = '/api/events';

/**
 * Opens the library and starts serving it.
 * @example const bridge = await startBridge({ libraryDir: '/tmp/lib', port: 0 }); console.log(bridge.url);
 */
export async function startBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`Cannot start the bridge on ${host}: it only binds to 127.0.0.1`);
  const log = options.log ?? (() => {});
  const rendererDir = options.rendererDir ?? findRendererDir();
  const events = new EventStream();
  const service = await EngineService.open({
    ...(options.libraryDir ? { libraryDir: options.libraryDir } : {}),
    onEvent: (event) => events.broadcast(event),
    log,
  });

  let port = 0;
  const server = createServer((request, response) => {
    handle(request, response).catch((thrown: unknown) => {
      log(`bridge: ${request.method} ${request.url} failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
      if (!response.headersSent) sendResult(response, err(ErrorCodes.transport, 'The bridge failed to answer'));
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refusal = rejectForeignRequest(request, port);
    if (refusal) {
      log(`bridge: refused ${request.method} ${request.url}: ${refusal}`);
      response.writeHead(403, { 'content-type': 'text/plain' }).end(`Forbidden: ${refusal}`);
      return;
    }
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname === EVENTS_PATH && request.method === 'GET') {
      events.attach(response);
      return;
    }
    if (url.pathname.startsWith(API_PREFIX)) {
      sendResult(response, await callChannel(request, url.pathname.slice(API_PREFIX.length)));
      return;
    }
    if (url.pathname === BRIDGE_THUMBNAIL_ROUTE && request.method === 'GET') {
      const thumbnail = await service.resolveThumbnail(url.searchParams.get('path') ?? '');
      if (!thumbnail) response.writeHead(404, { 'content-type': 'text/plain' }).end('no thumbnail');
      // Thumbnails are keyed by content: a path can point to a new one after re-indexing.
      else sendFile(thumbnail, response, { 'content-type': 'image/webp', 'cache-control': 'private, max-age=60' });
      return;
    }
    if (url.pathname === BRIDGE_PREVIEW_ROUTE && request.method === 'GET') {
      const preview = await service.resolvePreview(url.searchParams.get('path') ?? '');
      if (!preview) response.writeHead(404, { 'content-type': 'text/plain' }).end('no preview');
      // Keyed by content like thumbnails, so a path can show a new picture after re-indexing.
      else sendFile(preview, response, { 'content-type': contentTypeOf(preview), 'cache-control': 'private, max-age=60' });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (!rendererDir) {
      response
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end('The Doppel UI is not built: run `npm run build` (it writes out/renderer), then reload.');
      return;
    }
    await serveStatic(rendererDir, url.pathname, response);
  }

  async function callChannel(request: IncomingMessage, channel: string): Promise<Result<unknown>> {
    if (request.method !== 'POST') return err(ErrorCodes.transport, `Use POST for /api/${channel}`);
    if (!isJsonRequest(request)) return err(ErrorCodes.transport, `POST /api/${channel} needs content-type application/json`);
    const body = await readBody(request);
    if (body === null) return err(ErrorCodes.invalidInput, `Input for ${channel} is larger than ${MAX_BODY_BYTES} bytes`);
    let input: unknown;
    try {
      input = body.length === 0 ? undefined : JSON.parse(body);
    } catch (thrown) {
      return err(ErrorCodes.invalidInput, `Input for ${channel} is not JSON: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    }
    return service.dispatch(channel, input);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (thrown: unknown) => {
    events.close();
    await service.close();
    throw thrown;
  });
  port = (server.address() as AddressInfo).port;
  const bridgeUrl = `http://${host}:${port}/`;
  log(`bridge: serving ${service.libraryDir} at ${bridgeUrl}${rendererDir ? '' : ' (UI not built)'}`);

  return {
    url: bridgeUrl,
    libraryDir: service.libraryDir,
    async close() {
      events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await service.close();
    },
  };
}

/** Reads the body as UTF-8; null when it exceeds MAX_BODY_BYTES. */
async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Every code gets its HTTP status; the body carries the code itself, unchanged. */
const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  transport: 400,
  unknown_channel: 404,
  job_running: 409,
  file_changed: 409,
  decode_failed: 422,
  unsupported_format: 422,
  internal: 500,
  engine_crashed: 500,
  engine_unavailable: 503,
  library_unavailable: 503,
  model_unavailable: 503,
};

function sendResult(response: ServerResponse, result: Result<unknown>): void {
  const status = result.ok ? 200 : STATUS_BY_CODE[result.error.code];
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(result));
}
