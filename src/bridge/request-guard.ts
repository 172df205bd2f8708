/**
 * The bridge listens on loopback only, but a web page in the user's browser can still reach it.
 * Checking Host stops DNS rebinding; checking Origin and requiring a JSON content type stops other
 * sites from firing calls (a cross-site JSON POST needs a CORS preflight the bridge never grants).
 */
import type { IncomingMessage } from 'node:http';

export function allowedOrigins(port: number): readonly string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** Null when the request may proceed, else why not. */
export function rejectForeignRequest(request: IncomingMessage, port: number): string | null {
  const origins = allowedOrigins(port);
  const host = request.headers.host ?? '';
  if (!origins.some((origin) => origin === `http://${host}`)) return `unexpected Host "${host}"`;
  const origin = request.headers.origin;
  if (origin !== undefined && !origins.includes(origin)) return `cross-origin request from ${origin}`;
  return null;
}

export function isJsonRequest(request: IncomingMessage): boolean {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * Browsers say where a request comes from (Sec-Fetch-Site). Another 127.0.0.1 port is the same
 * site, so SameSite cookies ride along on its requests: refuse API, event and image requests that
 * another site or port makes (an <img> sends no Origin header, so the Origin check misses them).
 * Scripts send no such header and pass on their token alone.
 */
export function isCrossSiteFetch(request: IncomingMessage): boolean {
  const site = request.headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

/** A top-level navigation that started on another site (a link, or `doppel serve`'s launcher file). */
export function cameFromAnotherSite(request: IncomingMessage): boolean {
  return request.headers['sec-fetch-mode'] === 'navigate' && isCrossSiteFetch(request);
}
