/**
 * `doppel-thumb://thumb/?path=<photo>` serves the WebP thumbnail of an indexed photo, and
 * `doppel-thumb://preview/?path=<photo>` its large JPEG preview for the compare view (rendered by
 * the engine on first use). The engine resolves the path and guarantees the file lies inside the
 * library folder; main re-checks against the library folder it was told, on real paths (a library
 * reached through a symlink still serves its pictures), so no URL can read anything else on disk.
 * The scheme is registered as privileged in privileged-schemes.ts.
 */
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { PREVIEW_HOST, THUMBNAIL_HOST, THUMBNAIL_SCHEME } from '../shared/thumbnails.js';
import type { EngineHost } from './engine-host.js';
import { realPathInside } from './path-containment.js';

export function handleThumbnailProtocol(engine: EngineHost): void {
  protocol.handle(THUMBNAIL_SCHEME, async (request) => {
    const url = new URL(request.url);
    const type = pictureOfHost(url.host);
    if (!type) return new Response(`nothing at ${THUMBNAIL_SCHEME}://${url.host}/`, { status: 404 });
    const photoPath = url.searchParams.get('path');
    if (!photoPath) return new Response('missing ?path=', { status: 400 });
    const result = await engine.request({ type, photoPath });
    if (!result.ok) return new Response(result.error.message, { status: 503 });
    const picture = result.value;
    if (typeof picture !== 'string' || engine.libraryDir === null) return new Response(`no ${type}`, { status: 404 });
    try {
      const servedFile = await realPathInside(engine.libraryDir, picture);
      if (servedFile === null) return new Response(`no ${type}`, { status: 404 });
      return await net.fetch(pathToFileURL(servedFile).toString());
    } catch (error) {
      return new Response(`Cannot serve the ${type} ${picture}: ${error instanceof Error ? error.message : String(error)}`, {
        status: 500,
      });
    }
  });
}

function pictureOfHost(host: string): 'thumbnail' | 'preview' | null {
  switch (host) {
    case THUMBNAIL_HOST:
      return 'thumbnail';
    case PREVIEW_HOST:
      return 'preview';
    default:
      return null;
  }
}
