/**
 * `doppel-thumb://thumb/?path=<photo>` serves the WebP thumbnail of an indexed photo. The engine
 * resolves the path and guarantees the file lies inside the library folder; main re-checks
 * against the library folder it was told, so no URL can read anything else on disk.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { THUMBNAIL_SCHEME } from '../shared/thumbnails.js';
import type { EngineHost } from './engine-host.js';

/** Must run before `app.ready`: privileged schemes cannot be registered later. */
export function registerThumbnailScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: THUMBNAIL_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function handleThumbnailProtocol(engine: EngineHost): void {
  protocol.handle(THUMBNAIL_SCHEME, async (request) => {
    const photoPath = new URL(request.url).searchParams.get('path');
    if (!photoPath) return new Response('missing ?path=', { status: 400 });
    const result = await engine.request({ type: 'thumbnail', photoPath });
    if (!result.ok) return new Response(result.error.message, { status: 503 });
    const thumbnail = result.value;
    if (typeof thumbnail !== 'string' || !isInside(engine.libraryDir, thumbnail)) {
      return new Response('no thumbnail', { status: 404 });
    }
    return net.fetch(pathToFileURL(thumbnail).toString());
  });
}

function isInside(folder: string | null, file: string): boolean {
  if (!folder) return false;
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
