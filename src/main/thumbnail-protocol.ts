/**
 * `doppel-thumb://thumb/?path=<photo>` serves the WebP thumbnail of an indexed photo,
 * `doppel-thumb://preview/?path=<photo>` its large JPEG preview for the compare view (rendered by
 * the engine on first use), and `doppel-thumb://original/?path=<photo>` its own file for zooming
 * in the viewer, or the preview when a browser cannot show its format (HEIC, TIFF, RAW).
 *
 * Thumbnails and previews: the engine resolves the path and guarantees the file lies inside the
 * library folder; main re-checks against the library folder it was told, on real paths (a library
 * reached through a symlink still serves its pictures). Originals lie in the user's folders, so no
 * folder check can vouch for them: the engine answers one only for a path the library indexed as a
 * readable photo whose bytes are still the indexed ones (EngineService.resolveOriginal). Either
 * way no URL can read anything else on disk. The scheme is registered as privileged in
 * privileged-schemes.ts.
 */
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { ORIGINAL_HOST, PREVIEW_HOST, THUMBNAIL_HOST, THUMBNAIL_SCHEME } from '../shared/thumbnails.js';
import type { EngineHost } from './engine-host.js';
import type { OriginalPicture } from '../engine/process/engine-messages.js';
import { realPathInside } from './path-containment.js';

type Picture = 'thumbnail' | 'preview' | 'original';

export function handleThumbnailProtocol(engine: EngineHost): void {
  protocol.handle(THUMBNAIL_SCHEME, async (request) => {
    const url = new URL(request.url);
    const type = pictureOfHost(url.host);
    if (!type) return new Response(`nothing at ${THUMBNAIL_SCHEME}://${url.host}/`, { status: 404 });
    const photoPath = url.searchParams.get('path');
    if (!photoPath) return new Response('missing ?path=', { status: 400 });
    if (type === 'original') {
      const original = await engine.request({ type: 'original', photoPath });
      if (!original.ok) return new Response(original.error.message, { status: 503 });
      if (isOriginalPicture(original.value)) return serveFile(original.value.file, 'original', original.value.contentType);
    }
    return serveLibraryPicture(engine, type === 'thumbnail' ? 'thumbnail' : 'preview', photoPath);
  });
}

/** A thumbnail or preview: a file the engine rendered into the library folder, checked to lie there. */
async function serveLibraryPicture(engine: EngineHost, type: 'thumbnail' | 'preview', photoPath: string): Promise<Response> {
  const result = await engine.request({ type, photoPath });
  if (!result.ok) return new Response(result.error.message, { status: 503 });
  const picture = result.value;
  if (typeof picture !== 'string' || engine.libraryDir === null) return new Response(`no ${type}`, { status: 404 });
  try {
    const servedFile = await realPathInside(engine.libraryDir, picture);
    if (servedFile === null) return new Response(`no ${type}`, { status: 404 });
    return await serveFile(servedFile, type);
  } catch (error) {
    return cannotServe(type, picture, error);
  }
}

/** `contentType` overrides the one net.fetch guesses from the extension (a PNG named .jpg is still a PNG). */
async function serveFile(file: string, type: Picture, contentType?: string): Promise<Response> {
  try {
    const fetched = await net.fetch(pathToFileURL(file).toString());
    if (!contentType) return fetched;
    return new Response(fetched.body, { status: fetched.status, headers: { 'content-type': contentType } });
  } catch (error) {
    return cannotServe(type, file, error);
  }
}

function cannotServe(type: Picture, file: string, error: unknown): Response {
  return new Response(`Cannot serve the ${type} ${file}: ${error instanceof Error ? error.message : String(error)}`, { status: 500 });
}

function isOriginalPicture(value: unknown): value is OriginalPicture {
  if (typeof value !== 'object' || value === null) return false;
  const { file, contentType } = value as Partial<OriginalPicture>;
  return typeof file === 'string' && typeof contentType === 'string';
}

function pictureOfHost(host: string): Picture | null {
  switch (host) {
    case THUMBNAIL_HOST:
      return 'thumbnail';
    case PREVIEW_HOST:
      return 'preview';
    case ORIGINAL_HOST:
      return 'original';
    default:
      return null;
  }
}
