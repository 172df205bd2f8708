/** Serves the built renderer (out/renderer), thumbnail and preview files. */
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The same policy as the meta tag in src/renderer/index.html, plus what only a header can say. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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

/** Serves `urlPath` from `rootDir`; unknown paths get index.html (one-page app). */
export async function serveStatic(rootDir: string, urlPath: string, response: ServerResponse): Promise<void> {
  const root = path.resolve(rootDir);
  const relative = decodeURIComponent(urlPath).replace(/^\/+/, '') || 'index.html';
  let file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep)) {
    response.writeHead(403).end('forbidden');
    return;
  }
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) file = path.join(root, 'index.html');
  const isHtml = file.endsWith('.html');
  sendFile(file, response, {
    'content-type': contentTypeOf(file),
    // Vite hashes asset names, so they never change; the page itself must always be fresh.
    'cache-control': isHtml ? 'no-cache' : 'public, max-age=31536000, immutable',
    ...(isHtml ? { 'content-security-policy': CONTENT_SECURITY_POLICY } : {}),
  });
}

/** MIME type of a file the bridge serves, by its extension. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
}

export function sendFile(file: string, response: ServerResponse, headers: Readonly<Record<string, string>>): void {
  const stream = createReadStream(file);
  stream.once('open', () => {
    response.writeHead(200, { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', ...headers });
    stream.pipe(response);
  });
  stream.once('error', (error) => {
    if (!response.headersSent) response.writeHead(404).end(`cannot read ${path.basename(file)}: ${error.message}`);
    else response.destroy(error);
  });
}
