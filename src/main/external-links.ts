/**
 * Which web pages the app may hand to the user's browser (`shell.openExternal`). Everything else a
 * link, `window.open` or navigation asks for goes nowhere: an allow-list, because openExternal on
 * an arbitrary URL can start any registered protocol handler on the machine.
 */
import { parseUrl } from './app-page.js';

/**
 * The pages the app links to, as `https://host/path` prefixes. Empty today: the renderer links
 * nowhere. Add the project's homepage or docs here when the app gains such a link.
 */
export const EXTERNAL_LINK_ALLOW_LIST: readonly string[] = [];

/**
 * The URL to open in the browser, re-serialised by the URL parser (what was checked is what
 * opens), or null when it is not https, carries user info or a port, or falls outside the
 * allow-list. An entry matches on the exact origin and on whole path segments:
 * `https://example.org/docs` allows `/docs` and `/docs/…`, not `/docs-evil` nor `example.org.evil.com`.
 *
 * @example externalUrlToOpen('https://good.example@evil.example/', ['https://good.example']) // → null
 */
export function externalUrlToOpen(url: string, allowList: readonly string[] = EXTERNAL_LINK_ALLOW_LIST): string | null {
  const target = parseUrl(url);
  if (target === null || !isPlainHttps(target)) return null;
  const allowed = allowList.some((entry) => {
    const prefix = parseUrl(entry);
    return prefix !== null && isPlainHttps(prefix) && prefix.host === target.host && isUnderPath(prefix.pathname, target.pathname);
  });
  return allowed ? target.href : null;
}

/** https on the default port, with no `user:password@` to make the host read like another. */
function isPlainHttps(url: URL): boolean {
  return url.protocol === 'https:' && url.username === '' && url.password === '' && url.port === '';
}

function isUnderPath(prefix: string, pathname: string): boolean {
  if (prefix === '/' || pathname === prefix) return true;
  return pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}
