/**
 * Where the renderer fetches thumbnails. Both doors take the photo's absolute path and look the
 * thumbnail up in the library, so a URL can never name an arbitrary file on disk.
 */

/** Custom protocol registered by Electron main (privileged: standard + secure). */
export const THUMBNAIL_SCHEME = 'doppel-thumb';

/** Route of the browser-mode bridge. */
export const BRIDGE_THUMBNAIL_ROUTE = '/thumb';

function thumbnailQuery(photoPath: string): string {
  return `path=${encodeURIComponent(photoPath)}`;
}

/** @example electronThumbnailUrl('/p/a.jpg') // → 'doppel-thumb://thumb/?path=%2Fp%2Fa.jpg' */
export function electronThumbnailUrl(photoPath: string): string {
  return `${THUMBNAIL_SCHEME}://thumb/?${thumbnailQuery(photoPath)}`;
}

/** @example bridgeThumbnailUrl('http://127.0.0.1:5000', '/p/a.jpg') // → 'http://127.0.0.1:5000/thumb?path=%2Fp%2Fa.jpg' */
export function bridgeThumbnailUrl(baseUrl: string, photoPath: string): string {
  return `${baseUrl.replace(/\/$/, '')}${BRIDGE_THUMBNAIL_ROUTE}?${thumbnailQuery(photoPath)}`;
}
