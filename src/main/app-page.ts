/**
 * Where the app's own page lives: `app://doppel/index.html` when built (served by app-protocol.ts
 * from out/renderer), or the electron-vite dev server in development. IPC, navigation and
 * permissions all ask `isAppPageUrl` the same question.
 */

/** The scheme the built renderer is served from (registered privileged: standard + secure). */
export const APP_SCHEME = 'app';
/** The one host of that scheme: the page's origin is `app://doppel`. */
export const APP_HOST = 'doppel';
/** The URL the window loads when there is no dev server. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** `new URL` that answers null instead of throwing on a malformed URL. */
export function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True for the app's own page: `app://doppel/index.html` (or `app://doppel/`), hash and query
 * ignored, or any page of the dev server's origin when there is one.
 * Compares protocol and host, not `URL.origin`: Node's URL gives custom schemes the origin "null".
 *
 * @example isAppPageUrl('app://doppel/index.html#/similar', null) // → true
 * @example isAppPageUrl('http://localhost:51730/', 'http://localhost:5173') // → false (another port)
 */
export function isAppPageUrl(url: string, devServerUrl: string | null): boolean {
  const page = parseUrl(url);
  // No page, or user info in front of the host (`app://evil@doppel/`): not ours.
  if (page?.username !== '' || page.password !== '') return false;
  if (page.protocol === `${APP_SCHEME}:`) {
    return page.host === APP_HOST && (page.pathname === '/index.html' || page.pathname === '/');
  }
  if (devServerUrl === null) return false;
  const devOrigin = parseUrl(devServerUrl)?.origin ?? 'null';
  return devOrigin !== 'null' && page.origin === devOrigin;
}
