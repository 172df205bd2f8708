/**
 * Browser mode: a local HTTP server that serves the built renderer and the SAME contract as the
 * Electron IPC, through the same dispatcher (src/engine/engine-service.ts) and the same
 * Result envelope. Used by `doppel serve` and by the e2e tests.
 *
 *   GET  /?token=…         signs a browser in (session cookie, 303 to /); see auth.ts
 *   POST /api/<channel>    JSON input (empty body for none) → Result envelope
 *   POST /api/find-upload  a photo's bytes → Result<FindReport>, as find:query (find-upload.ts)
 *   GET  /api/events       Server-Sent Events: AppEvent per message
 *   GET  /thumb?path=…     WebP thumbnail of an indexed photo
 *   GET  /preview?path=…   large JPEG preview of an indexed photo (compare view), rendered on first use
 *   GET  /original?path=…  the photo's own file when a browser shows its format, else its preview
 *   GET  /*                out/renderer; the page itself (only once signed in) for the renderer's
 *                          routes too (`/library`, `/similar?photo=…`), so links and reloads work
 *
 * Every other local process is treated as hostile: everything but the renderer's static files
 * needs this run's token (401 without), paths from the page are checked (path-guard.ts), and
 * request-limits.ts bounds what any one caller can hold, sockets that never sign in included.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { EngineService } from '../engine/engine-service.js';
import { ErrorCodes, type ErrorCode } from '../shared/errors.js';
import { err, type Result } from '../shared/result.js';
import { BRIDGE_FIND_UPLOAD_ROUTE } from '../shared/channels.js';
import { BRIDGE_ORIGINAL_ROUTE, BRIDGE_PREVIEW_ROUTE, BRIDGE_THUMBNAIL_ROUTE } from '../shared/thumbnails.js';
import type { LibraryStats } from '../shared/types.js';
import { BridgeAuth, type ClientId } from './auth.js';
import { EventStream } from './event-stream.js';
import { findUpload } from './find-upload.js';
import { PathGuard } from './path-guard.js';
import { cameFromAnotherSite, isCrossSiteFetch, isJsonRequest, rejectForeignRequest } from './request-guard.js';
import { InFlightLimit, UnauthenticatedSockets, requestLimits } from './request-limits.js';
import { applySecurityHeaders } from './security-headers.js';
import { sendSignInPage } from './sign-in-page.js';
import { contentTypeOf, findRendererDir, sendFile, sendStatic, staticTarget } from './static-files.js';

export interface BridgeOptions {
  /** Library folder; the core's per-user default when left out. */
  readonly libraryDir?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Loopback only: anything else is refused. */
  readonly host?: string;
  /** Built renderer; found by walking up to out/renderer when left out. */
  readonly rendererDir?: string;
  readonly log?: (line: string) => void;
}

export interface Bridge {
  /** The address to open, carrying this run's token: `http://127.0.0.1:5173/?token=…`. Keep it private. */
  readonly url: string;
  /** The bridge without the token, e.g. `http://127.0.0.1:5173/`: it answers 401 until signed in. */
  readonly baseUrl: string;
  /** This run's token, for scripts: `Authorization: Bearer <token>`. */
  readonly token: string;
  readonly libraryDir: string;
  close(): Promise<void>;
}

const API_PREFIX = '/api/';
const EVENTS_PATH = '/api/events';
const MEDIA_ROUTES: readonly string[] = [BRIDGE_THUMBNAIL_ROUTE, BRIDGE_PREVIEW_ROUTE, BRIDGE_ORIGINAL_ROUTE];
const NOT_SIGNED_IN = 'Not signed in to this Doppel bridge: open the address `doppel serve` printed';

/**
 * Opens the library and starts serving it.
 * @example const bridge = await startBridge({ libraryDir: '/tmp/lib', port: 0 }); console.log(bridge.url);
 */
export async function startBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`Cannot start the bridge on ${host}: it only binds to 127.0.0.1`);
  const log = options.log ?? (() => {});
  const rendererDir = options.rendererDir ?? findRendererDir();
  const events = new EventStream({ perClient: requestLimits.eventStreamsPerClient, total: requestLimits.eventStreamsTotal });
  const service = await EngineService.open({
    ...(options.libraryDir ? { libraryDir: options.libraryDir } : {}),
    onEvent: (event) => events.broadcast(event),
    log,
    watch: true,
  });
  const guard = new PathGuard(async () => {
    const stats = await service.dispatch('library:stats', undefined);
    return stats.ok ? (stats.value as LibraryStats).roots : [];
  });
  const apiCalls = new InFlightLimit(requestLimits.apiCalls);
  const mediaRequests = new InFlightLimit(requestLimits.mediaRequests);
  const uploads = new InFlightLimit(requestLimits.uploads);

  const auth = new BridgeAuth();
  const strangers = new UnauthenticatedSockets({
    max: requestLimits.unauthenticatedSockets,
    timeoutMs: requestLimits.unauthenticatedSocketMs,
  });
  let port = 0;
  const server = createServer((request, response) => {
    if (carriesCredential(request)) strangers.trust(request.socket);
    handle(request, response).catch((thrown: unknown) => {
      log(`bridge: ${request.method} ${request.url} failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
      if (!response.headersSent) sendResult(response, err(ErrorCodes.transport, 'The bridge failed to answer'));
      else response.destroy();
    });
  });
  server.keepAliveTimeout = requestLimits.keepAliveTimeoutMs;
  server.headersTimeout = requestLimits.headersTimeoutMs;
  server.requestTimeout = requestLimits.requestTimeoutMs;
  server.maxConnections = requestLimits.connections;
  server.on('connection', (socket: Socket) => strangers.admit(socket));

  /** A valid bearer token or session cookie, or the token URL that signs a browser in. */
  function carriesCredential(request: IncomingMessage): boolean {
    if (auth.clientOf(request, port)) return true;
    const token = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('token');
    return token !== null && auth.isToken(token);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    applySecurityHeaders(response);
    const refusal = rejectForeignRequest(request, port);
    if (refusal) {
      log(`bridge: refused ${request.method} ${request.url}: ${refusal}`);
      response.writeHead(403, { 'content-type': 'text/plain' }).end(`Forbidden: ${refusal}`);
      return;
    }
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const isMedia = MEDIA_ROUTES.includes(url.pathname);
    if (!isMedia && !url.pathname.startsWith(API_PREFIX)) {
      await handlePage(request, response, url);
      return;
    }
    if (isCrossSiteFetch(request)) {
      log(`bridge: refused ${request.method} ${url.pathname} from another site`);
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden: request from another site');
      return;
    }
    const client = auth.clientOf(request, port);
    if (!client) {
      if (isMedia) response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' }).end(NOT_SIGNED_IN);
      else sendResult(response, err(ErrorCodes.transport, NOT_SIGNED_IN), 401);
      return;
    }
    if (isMedia) await handleMedia(request, response, url);
    else await handleApi(request, response, url, client);
  }

  async function handlePage(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.searchParams.has('token')) {
      signIn(response, url.searchParams.get('token') ?? '');
      return;
    }
    if (!rendererDir) {
      response
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end('The Doppel UI is not built: run `npm run build` (it writes out/renderer), then reload.');
      return;
    }
    const target = await staticTarget(rendererDir, url.pathname);
    if (target.kind === 'forbidden') response.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden');
    else if (target.kind === 'not-found') response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    // Scripts and styles may load without a session (they hold nothing); the page needs one.
    else if (target.isPage && !auth.clientOf(request, port))
      sendSignInPage(response, 'no-session', { refresh: cameFromAnotherSite(request) });
    else sendStatic(target, response);
  }

  /** Trades the token for a session cookie, and takes the token out of the address bar. */
  function signIn(response: ServerResponse, token: string): void {
    if (!auth.isToken(token)) {
      log('bridge: refused a sign-in with a wrong token');
      sendSignInPage(response, 'stale-token', { refresh: false });
      return;
    }
    // Always `/`: echoing the path would make `//other.host/?token=…` an open redirect.
    response.writeHead(303, { location: '/', 'set-cookie': auth.newSessionCookie(port), 'cache-control': 'no-store' }).end();
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL, client: ClientId): Promise<void> {
    if (url.pathname === EVENTS_PATH && request.method === 'GET') {
      const refused = events.refusal(client);
      if (refused) sendResult(response, err(ErrorCodes.transport, `Cannot open another event stream: ${refused}`), 429);
      else events.attach(response, client);
      return;
    }
    const isUpload = url.pathname === BRIDGE_FIND_UPLOAD_ROUTE;
    const limit = isUpload ? uploads : apiCalls;
    const release = limit.tryAcquire();
    if (!release) {
      const busy = `The bridge is busy: ${limit.max} ${isUpload ? 'uploads' : 'calls'} are already running; try again in a moment`;
      sendResult(response, err(ErrorCodes.transport, busy), 503);
      return;
    }
    try {
      if (isUpload) await answerUpload(request, response);
      else await answerCall(request, response, url.pathname.slice(API_PREFIX.length));
    } finally {
      release();
    }
  }

  async function answerUpload(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const answer = await findUpload(request, {
      maxBytes: requestLimits.maxUploadBytes,
      find: (file) => service.dispatch('find:query', { path: file }),
    });
    if (answer.status === 413) {
      log(`bridge: refused an upload: ${answer.result.ok ? '' : answer.result.error.message}`);
      // The body may still be on its way (refused by its declared length): close rather than read it.
      response.setHeader('connection', 'close');
    }
    sendResult(response, answer.result, answer.status);
  }

  async function handleMedia(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const release = mediaRequests.tryAcquire();
    if (!release) {
      response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('busy');
      return;
    }
    response.once('close', release);
    const photoPath = url.searchParams.get('path') ?? '';
    // Only photos under the library's roots: the engine then checks that the file is its own.
    const allowed = path.isAbsolute(photoPath) && (await guard.isInsideRoots(photoPath));
    const picture = allowed ? await resolvePicture(url.pathname, photoPath) : null;
    if (!picture) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${url.pathname.slice(1)}`);
      return;
    }
    // Keyed by content: a path can point to a new picture after re-indexing, so caches stay short.
    sendFile(picture.file, response, { 'content-type': picture.contentType, 'cache-control': 'private, max-age=60' });
  }

  /** The file a media route serves for an indexed photo, or null; an original the browser cannot show falls back to the preview. */
  async function resolvePicture(route: string, photoPath: string): Promise<{ file: string; contentType: string } | null> {
    if (route === BRIDGE_THUMBNAIL_ROUTE) {
      const file = await service.resolveThumbnail(photoPath);
      return file ? { file, contentType: 'image/webp' } : null;
    }
    const original = route === BRIDGE_ORIGINAL_ROUTE ? await service.resolveOriginal(photoPath) : null;
    if (original) return original;
    const preview = await service.resolvePreview(photoPath);
    return preview ? { file: preview, contentType: contentTypeOf(preview) } : null;
  }

  async function answerCall(request: IncomingMessage, response: ServerResponse, channel: string): Promise<void> {
    if (request.method !== 'POST') {
      sendResult(response, err(ErrorCodes.transport, `Use POST for /api/${channel}`));
      return;
    }
    if (!isJsonRequest(request)) {
      sendResult(response, err(ErrorCodes.transport, `POST /api/${channel} needs content-type application/json`));
      return;
    }
    const body = await readBody(request);
    if (typeof body !== 'string') {
      log(`bridge: refused ${channel}: its input is larger than ${requestLimits.maxBodyBytes} bytes`);
      // Unread bytes would reset the connection under the answer's feet: it cannot be reused.
      if (!body.drained) response.setHeader('connection', 'close');
      sendResult(response, err(ErrorCodes.invalidInput, `Input for ${channel} is larger than ${requestLimits.maxBodyBytes} bytes`), 413);
      return;
    }
    sendResult(response, await callChannel(channel, body));
  }

  async function callChannel(channel: string, body: string): Promise<Result<unknown>> {
    let input: unknown;
    try {
      input = body.length === 0 ? undefined : JSON.parse(body);
    } catch (thrown) {
      return err(ErrorCodes.invalidInput, `Input for ${channel} is not JSON: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    }
    const refused = await guard.check(channel, input);
    if (refused) {
      log(`bridge: refused ${channel}: ${refused.message}`);
      return { ok: false, error: refused };
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
  const baseUrl = `http://${host}:${port}/`;
  log(`bridge: serving ${service.libraryDir} at ${baseUrl}${rendererDir ? '' : ' (UI not built)'}`);

  return {
    url: `${baseUrl}?token=${auth.token}`,
    baseUrl,
    token: auth.token,
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

/** A body over `maxBodyBytes`; `drained` when it was read to its end, so the connection can be reused. */
interface TooLarge {
  readonly drained: boolean;
}

/**
 * Reads the body as UTF-8, or answers why not. Past `maxBodyBytes` it keeps nothing but reads on to
 * the end: leaving the loop early would destroy the request, and the client would meet a reset
 * instead of its 413. A body that declares more than `maxDrainedBodyBytes` is not read at all; one
 * that declares nothing is read to its end, bounded by the server's request timeout.
 */
async function readBody(request: IncomingMessage): Promise<string | TooLarge> {
  if (Number(request.headers['content-length']) > requestLimits.maxDrainedBodyBytes) return { drained: false };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= requestLimits.maxBodyBytes) chunks.push(buffer);
  }
  return size > requestLimits.maxBodyBytes ? { drained: true } : Buffer.concat(chunks).toString('utf8');
}

/** Every code gets its HTTP status; the body carries the code itself, unchanged. */
const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  transport: 400,
  unknown_channel: 404,
  job_running: 409,
  file_changed: 409,
  // Replaced by a newer request of its view: an answer like any other, not a failed call.
  superseded: 200,
  decode_failed: 422,
  unsupported_format: 422,
  internal: 500,
  engine_crashed: 500,
  engine_unavailable: 503,
  library_unavailable: 503,
  model_unavailable: 503,
};

/** `status` overrides the code's own for answers the transport gives (401, 413, 429, 503). */
function sendResult(response: ServerResponse, result: Result<unknown>, status?: number): void {
  response.writeHead(status ?? (result.ok ? 200 : STATUS_BY_CODE[result.error.code]), {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(result));
}
