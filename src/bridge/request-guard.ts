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
