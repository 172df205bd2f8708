/** Serves the built renderer (out/renderer), thumbnail and preview files. */
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RENDERER_CONTENT_TYPES } from '../shared/content-types.js';
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

/** A file of the renderer to answer with; `isPage` for index.html, which signing in guards. */
export interface StaticTarget {
  readonly file: string;
  readonly isPage: boolean;
}

/** The file `urlPath` names under `rootDir`; unknown paths get index.html (one-page app); null outside it. */
export async function staticTarget(rootDir: string, urlPath: string): Promise<StaticTarget | null> {
  const root = path.resolve(rootDir);
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath).replace(/^\/+/, '') || 'index.html';
  } catch {
    return null; // a malformed %-escape names no file
  }
  let file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep)) return null;
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) file = path.join(root, 'index.html');
  return { file, isPage: file.endsWith('.html') };
}

export function sendStatic(target: StaticTarget, response: ServerResponse): void {
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
