/**
 * Where the renderer fetches thumbnails (256 px), previews (up to 2048 px, for the compare view)
 * and originals (for zooming in the viewer). Every door takes the photo's absolute path and looks
 * the picture up in the library, so a URL can never name an arbitrary file on disk.
 */

/** Custom protocol registered by Electron main (privileged: standard + secure). */
export const THUMBNAIL_SCHEME = 'doppel-thumb';

/** Hosts of the custom protocol: `doppel-thumb://thumb/…`, `doppel-thumb://preview/…`, `doppel-thumb://original/…`. */
export const THUMBNAIL_HOST = 'thumb';
export const PREVIEW_HOST = 'preview';
export const ORIGINAL_HOST = 'original';

/** Routes of the browser-mode bridge. */
export const BRIDGE_THUMBNAIL_ROUTE = '/thumb';
export const BRIDGE_PREVIEW_ROUTE = '/preview';
export const BRIDGE_ORIGINAL_ROUTE = '/original';

/**
 * Formats (as the core names them from a file's first bytes) whose original file every browser
 * engine the app runs in shows as is, with the type to serve them as. Anything else (HEIC, TIFF,
 * RAW) is answered with its preview JPEG: the original URL always shows the photo, at full
 * resolution where the format allows.
 */
export const BROWSER_IMAGE_TYPES: Readonly<Record<string, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

function thumbnailQuery(photoPath: string): string {
  return `path=${encodeURIComponent(photoPath)}`;
}

/** @example electronThumbnailUrl('/p/a.jpg') // → 'doppel-thumb://thumb/?path=%2Fp%2Fa.jpg' */
export function electronThumbnailUrl(photoPath: string): string {
  return `${THUMBNAIL_SCHEME}://${THUMBNAIL_HOST}/?${thumbnailQuery(photoPath)}`;
}

/** @example bridgeThumbnailUrl('http://127.0.0.1:5000', '/p/a.jpg') // → 'http://127.0.0.1:5000/thumb?path=%2Fp%2Fa.jpg' */
export function bridgeThumbnailUrl(baseUrl: string, photoPath: string): string {
  return `${baseUrl.replace(/\/$/, '')}${BRIDGE_THUMBNAIL_ROUTE}?${thumbnailQuery(photoPath)}`;
}

/** @example electronPreviewUrl('/p/a.jpg') // → 'doppel-thumb://preview/?path=%2Fp%2Fa.jpg' */
export function electronPreviewUrl(photoPath: string): string {
  return `${THUMBNAIL_SCHEME}://${PREVIEW_HOST}/?${thumbnailQuery(photoPath)}`;
}

/** @example bridgePreviewUrl('http://127.0.0.1:5000', '/p/a.jpg') // → 'http://127.0.0.1:5000/preview?path=%2Fp%2Fa.jpg' */
export function bridgePreviewUrl(baseUrl: string, photoPath: string): string {
  return `${baseUrl.replace(/\/$/, '')}${BRIDGE_PREVIEW_ROUTE}?${thumbnailQuery(photoPath)}`;
}

/** @example electronOriginalUrl('/p/a.jpg') // → 'doppel-thumb://original/?path=%2Fp%2Fa.jpg' */
export function electronOriginalUrl(photoPath: string): string {
  return `${THUMBNAIL_SCHEME}://${ORIGINAL_HOST}/?${thumbnailQuery(photoPath)}`;
}

/** @example bridgeOriginalUrl('http://127.0.0.1:5000', '/p/a.jpg') // → 'http://127.0.0.1:5000/original?path=%2Fp%2Fa.jpg' */
export function bridgeOriginalUrl(baseUrl: string, photoPath: string): string {
  return `${baseUrl.replace(/\/$/, '')}${BRIDGE_ORIGINAL_ROUTE}?${thumbnailQuery(photoPath)}`;
}
