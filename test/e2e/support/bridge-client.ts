/**
 * How the tests call the bridge over HTTP: node:http with every timeout chosen here, none left to
 * Node's defaults (fetch's pool keeps an idle socket for 4 s or whatever the server hints, and waits
 * 300 s for an answer's headers).
 *
 * The e2e suites run the bridge and its client on one event loop, which indexing can stall. The
 * client drops an idle socket well before the bridge does (`requestLimits.keepAliveTimeoutMs`); both
 * timers run on that loop, so after a stall the client's fires first and it never writes onto a
 * socket the bridge is closing. A reset is then a real failure, so only an idempotent poll is tried
 * again, once, and only after a reset of a reused socket; every such retry is counted in
 * `bridgeRetries` for the suite to report.
 */
import http from 'node:http';
import { requestLimits } from '../../../src/bridge/request-limits.js';
import { authHeaders } from './bridge-auth.js';

/** An idle keep-alive socket is closed by the client after this long: a quarter of the bridge's wait (65 s). */
export const CLIENT_IDLE_SOCKET_MS = requestLimits.keepAliveTimeoutMs / 4;
/** A call that has not been answered within this fails, naming its route (answers take milliseconds; indexing runs as a job). */
export const CALL_DEADLINE_MS = 60_000;

const agent = new http.Agent({ keepAlive: true, timeout: CLIENT_IDLE_SOCKET_MS });

/** One retried call: what was asked, and the reset that was retried. */
export interface BridgeRetry {
  readonly route: string;
  readonly error: string;
}

/** Every retry made in this test file's process, in order (see the module comment). */
export const bridgeRetries: BridgeRetry[] = [];

export interface BridgeAnswer {
  readonly status: number;
  readonly body: string;
}

/** An error of a request, with whether it went out on a socket an earlier request had used. */
class BridgeRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly reusedSocket: boolean,
    options: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A signed-in POST of `body` (JSON) to `route` of the bridge at `bridgeUrl` (its token URL).
 * `idempotent`: the request may be sent again after the keep-alive race (see the module comment).
 */
export async function postToBridge(
  bridgeUrl: string,
  route: string,
  body: unknown,
  options: { readonly idempotent?: boolean } = {},
): Promise<BridgeAnswer> {
  try {
    return await postOnce(bridgeUrl, route, body);
  } catch (error) {
    const race = error instanceof BridgeRequestError && error.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
    if (!options.idempotent || !race) throw error;
    bridgeRetries.push({ route, error: error.message });
    console.warn(`bridge client: retrying idempotent ${route} once after ${error.message} on a reused socket`);
    return postOnce(bridgeUrl, route, body);
  }
}

function postOnce(bridgeUrl: string, route: string, body: unknown): Promise<BridgeAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(route, bridgeUrl), {
      method: 'POST',
      agent,
      headers: { ...authHeaders(bridgeUrl), 'content-type': 'application/json', 'content-length': String(payload?.length ?? 0) },
      signal: AbortSignal.timeout(CALL_DEADLINE_MS),
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.name === 'AbortError' ? `no answer within ${CALL_DEADLINE_MS / 1000} s` : error.message;
      reject(new BridgeRequestError(`POST ${route}: ${reason}`, error.code, request.reusedSocket, { cause: error }));
    });
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.once('error', (error: NodeJS.ErrnoException) =>
        reject(new BridgeRequestError(`POST ${route}: ${error.message}`, error.code, request.reusedSocket, { cause: error })),
      );
    });
    request.end(payload);
  });
}
