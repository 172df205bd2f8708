/** Serves the built renderer (out/renderer) and the files behind the media routes. */
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RENDERER_CONTENT_TYPES } from '../shared/content-types.js';
import { BRIDGE_ORIGINAL_ROUTE, BRIDGE_PREVIEW_ROUTE, BRIDGE_THUMBNAIL_ROUTE } from '../shared/thumbnails.js';
import { PAGE_CONTENT_SECURITY_POLICY } from './security-headers.js';

const CONTENT_TYPES = RENDERER_CONTENT_TYPES;

/**
 * Finds out/renderer by walking up from this module (src/bridge in tests, dist/ in the CLI bundle),
 * then from the working directory.
 */
export function findRendererDir(): string | null {
  const starts = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'out', 'renderer');
      if (existsSync(path.join(candidate, 'index.html'))) return candidate;
      if (path.dirname(dir) === dir) break;
    }
  }
  return null;
}

/**
 * What a GET of a page path answers: a file of the renderer (`isPage` for index.html, which signing
 * in guards), or a status when there is none.
 */
export type StaticTarget =
  | { readonly kind: 'file'; readonly file: string; readonly isPage: boolean }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'forbidden' };

/** Paths the bridge answers itself, and the built assets: a miss there is a 404, never the page. */
const NOT_APP_ROUTES = ['/api', BRIDGE_THUMBNAIL_ROUTE, BRIDGE_PREVIEW_ROUTE, BRIDGE_ORIGINAL_ROUTE, '/assets'];

/**
 * Whether `urlPath` may be one of the renderer's own routes (vue-router, HTML5 history in browser
 * mode), so that a reload or a shared link of `/library` or `/similar?photo=…` gets the page: a
 * path whose last segment has no extension, outside the bridge's routes and the assets. A missing
 * `/assets/x.js` or `/favicon.ico` stays a 404 instead of a page the browser would try to run.
 * @example isAppRoute('/similar') // → true
 * @example isAppRoute('/assets/nope.js') // → false
 */
export function isAppRoute(urlPath: string): boolean {
  const lastSegment = urlPath.slice(urlPath.lastIndexOf('/') + 1);
  if (lastSegment.includes('.')) return false;
  return !NOT_APP_ROUTES.some((route) => urlPath === route || urlPath.startsWith(`${route}/`));
}

/**
 * The file `urlPath` names under `rootDir`; index.html for `/` and for the renderer's routes
 * ({@link isAppRoute}); not-found for any other miss; forbidden outside `rootDir` or for a
 * malformed %-escape.
 */
export async function staticTarget(rootDir: string, urlPath: string): Promise<StaticTarget> {
  const root = path.resolve(rootDir);
  const page = path.join(root, 'index.html');
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath).replace(/^\/+/, '') || 'index.html';
  } catch {
    return { kind: 'forbidden' }; // a malformed %-escape names no file
  }
  const file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep)) return { kind: 'forbidden' };
  const stat = await fs.stat(file).catch(() => null);
  if (stat?.isFile()) return { kind: 'file', file, isPage: file.endsWith('.html') };
  return isAppRoute(urlPath) ? { kind: 'file', file: page, isPage: true } : { kind: 'not-found' };
}

export function sendStatic(target: { readonly file: string; readonly isPage: boolean }, response: ServerResponse): void {
  // Scripts and styles take no policy of their own (a worker script would); the page's is strict.
  if (!target.isPage) response.removeHeader('content-security-policy');
  sendFile(target.file, response, {
    'content-type': contentTypeOf(target.file),
    // Vite hashes asset names, so they never change; the page itself must always be fresh.
    'cache-control': target.isPage ? 'no-cache' : 'public, max-age=31536000, immutable',
    ...(target.isPage ? { 'content-security-policy': PAGE_CONTENT_SECURITY_POLICY } : {}),
  });
}

/** MIME type of a file the bridge serves, by its extension. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
}

export function sendFile(file: string, response: ServerResponse, headers: Readonly<Record<string, string>>): void {
  const stream = createReadStream(file);
  stream.once('open', () => {
    response.writeHead(200, headers);
    stream.pipe(response);
  });
  stream.once('error', (error) => {
    if (!response.headersSent)
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`cannot read ${path.basename(file)}`);
    else response.destroy(error);
  });
}
