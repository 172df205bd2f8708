/**
 * Who may use the bridge: whoever holds this run's token. Loopback is no boundary on a machine with
 * other users, so `doppel serve` prints a URL carrying a fresh random token; the page trades it
 * for a session cookie (`GET /?token=…` → Set-Cookie + 303 to `/`), scripts send it as
 * `Authorization: Bearer …`. Nothing is stored: a session cookie is a random id plus an HMAC of it
 * keyed by the token, so every browser that opens the link gets its own id (the per-client limits
 * count by it) and a new run (new token) invalidates every old cookie.
 *
 * Cookies are not scoped by port: a server on another 127.0.0.1 port that the user visits would
 * receive this cookie. It is only good for this run, and SameSite=Strict keeps other pages from
 * sending it (the Origin and Sec-Fetch-Site checks refuse what they still try).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 256 bits: guessing is hopeless, so wrong tokens need no rate limit. */
const TOKEN_BYTES = 32;
const SESSION_ID_BYTES = 16;

/** Who made a request: one id per signed-in browser, one for every Bearer caller. */
export type ClientId = string;

const BEARER_CLIENT: ClientId = 'bearer';

/** Cookies ignore ports: naming the cookie after the port keeps two bridges from overwriting each other's. */
export function sessionCookieName(port: number): string {
  return `doppel-session-${port}`;
}

export class BridgeAuth {
  readonly token = randomBytes(TOKEN_BYTES).toString('base64url');

  /** Constant-time comparison with this run's token (hashing first evens out the lengths). */
  isToken(candidate: string): boolean {
    return sameSecret(candidate, this.token);
  }

  /** The request's client when it carries a valid session cookie or bearer token, else null. */
  clientOf(request: IncomingMessage, port: number): ClientId | null {
    const authorization = request.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    if (bearer !== undefined && this.isToken(bearer)) return BEARER_CLIENT;
    const cookie = readCookie(request.headers.cookie, sessionCookieName(port));
    if (cookie === undefined) return null;
    const [sessionId = '', mac = ''] = cookie.split('.');
    return sessionId !== '' && sameSecret(mac, this.#mac(sessionId)) ? sessionId : null;
  }

  /** A Set-Cookie value for a new session: HttpOnly (no script reads it), SameSite=Strict. */
  newSessionCookie(port: number): string {
    const sessionId = randomBytes(SESSION_ID_BYTES).toString('base64url');
    return `${sessionCookieName(port)}=${sessionId}.${this.#mac(sessionId)}; HttpOnly; SameSite=Strict; Path=/`;
  }

  #mac(sessionId: string): string {
    return createHmac('sha256', this.token).update(sessionId).digest('base64url');
  }
}

function sameSecret(candidate: string, secret: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}

/** The value of cookie `name` in a Cookie header, if present. */
function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}
