/**
 * Maps an `app://doppel/<path>` request to a file of the built renderer (out/renderer) and answers
 * it with the security headers. Only files whose real path lies inside the renderer folder are
 * served: `..`, encoded slashes and symlinks leading out all end in 404. No Electron here, so the
 * whole request → response mapping runs under plain Node in the tests.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME, parseUrl } from './app-page.js';
import { RENDERER_CONTENT_TYPES } from '../shared/content-types.js';
import { SECURITY_HEADERS } from './content-security.js';
import { realPathInside } from './path-containment.js';

const CONTENT_TYPES = RENDERER_CONTENT_TYPES;

export type RendererPath =
  { readonly ok: true; readonly segments: readonly string[] } | { readonly ok: false; readonly status: 400 | 404; readonly reason: string };

export type RendererFile =
  | { readonly ok: true; readonly file: string; readonly contentType: string }
  | { readonly ok: false; readonly status: 400 | 404; readonly reason: string };

/** A request as both Electron's `protocol.handle` and the tests give it. */
export interface RendererRequest {
  readonly url: string;
  readonly method: string;
}

/**
 * The path segments an `app://doppel/…` URL names inside the renderer folder (`/` is index.html),
 * decoded, or why it names none: another scheme or host, a malformed escape, or a segment that is
 * empty, `.`, `..` or holds a separator, a drive colon or NUL once decoded (`%2F..%2F`).
 *
 * @example rendererPath('app://doppel/assets/index.js') // → { ok: true, segments: ['assets', 'index.js'] }
 */
export function rendererPath(requestUrl: string): RendererPath {
  const url = parseUrl(requestUrl);
  if (url?.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username !== '' || url.password !== '') {
    return { ok: false, status: 404, reason: `not an ${APP_SCHEME}://${APP_HOST}/ URL: ${requestUrl}` };
  }
  const rawSegments = url.pathname === '/' ? ['index.html'] : url.pathname.slice(1).split('/');
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: `malformed escape in ${url.pathname}` };
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\:\0]/.test(segment)) {
      return { ok: false, status: 404, reason: `no file at ${url.pathname}` };
    }
    segments.push(segment);
  }
  return { ok: true, segments };
}

/** MIME type by extension (case-insensitive); unknown types are `application/octet-stream`. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file an `app://` URL names: a regular file whose real path lies inside the real path of
 * `rendererRoot`, with its MIME type; or the status and reason to answer instead.
 */
export async function resolveRendererFile(rendererRoot: string, requestUrl: string): Promise<RendererFile> {
  const named = rendererPath(requestUrl);
  if (!named.ok) return named;
  const requested = path.join(rendererRoot, ...named.segments);
  const file = await realPathInside(rendererRoot, requested);
  if (file === null || !(await stat(file)).isFile()) {
    return { ok: false, status: 404, reason: `no file at /${named.segments.join('/')}` };
  }
  return { ok: true, file, contentType: contentTypeOf(file) };
}

/**
 * The whole answer to one `app://` request: the file with its type and the security headers, or a
 * short plain-text error (405 for anything but GET and HEAD, 500 with the cause when the disk fails).
 */
export async function rendererResponse(rendererRoot: string, request: RendererRequest): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return textResponse(405, `${request.method} is not allowed on ${APP_SCHEME}://`, { Allow: 'GET, HEAD' });
  }
  try {
    const found = await resolveRendererFile(rendererRoot, request.url);
    if (!found.ok) return textResponse(found.status, found.reason);
    const body = request.method === 'HEAD' ? null : await readFile(found.file);
    return new Response(body, { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': found.contentType } });
  } catch (error) {
    return textResponse(500, `Cannot serve ${request.url}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function textResponse(status: number, message: string, extraHeaders: Readonly<Record<string, string>> = {}): Response {
  return new Response(message, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extraHeaders },
  });
}
