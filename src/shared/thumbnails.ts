/**
 * Where the renderer fetches thumbnails (256 px) and previews (up to 2048 px, for the compare view).
 * Both doors take the photo's absolute path and look the picture up in the library, so a URL can
 * never name an arbitrary file on disk.
 */

/** Custom protocol registered by Electron main (privileged: standard + secure). */
export const THUMBNAIL_SCHEME = 'doppel-thumb';

/** Hosts of the custom protocol: `doppel-thumb://thumb/…` and `doppel-thumb://preview/…`. */
export const THUMBNAIL_HOST = 'thumb';
export const PREVIEW_HOST = 'preview';

/** Routes of the browser-mode bridge. */
export const BRIDGE_THUMBNAIL_ROUTE = '/thumb';
export const BRIDGE_PREVIEW_ROUTE = '/preview';

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
