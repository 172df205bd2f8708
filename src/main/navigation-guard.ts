/**
 * What the window does when a frame tries to go somewhere else. The page is a one-page app: it
 * never navigates, so any navigation is a bug or an attack. Only the main frame may (re)load the
 * app's own page (a reload, the dev server's full reload); a link to an allow-listed site opens in
 * the browser; everything else stays put.
 */
import { externalUrlToOpen } from './external-links.js';

export type NavigationVerdict =
  { readonly action: 'allow' } | { readonly action: 'deny' } | { readonly action: 'open-external'; readonly url: string };

export interface NavigationAttempt {
  readonly url: string;
  readonly isMainFrame: boolean;
}

/**
 * For `will-navigate` and `will-frame-navigate`.
 *
 * @example navigationVerdict({ url: 'https://evil.example/', isMainFrame: true }, () => false) // → { action: 'deny' }
 */
export function navigationVerdict(
  { url, isMainFrame }: NavigationAttempt,
  isAppPage: (url: string) => boolean,
  allowList?: readonly string[],
): NavigationVerdict {
  if (isMainFrame && isAppPage(url)) return { action: 'allow' };
  return windowOpenVerdict(url, allowList);
}

/** For `setWindowOpenHandler`: nothing opens inside the app; allow-listed links open in the browser. */
export function windowOpenVerdict(url: string, allowList?: readonly string[]): NavigationVerdict {
  const external = externalUrlToOpen(url, allowList);
  return external === null ? { action: 'deny' } : { action: 'open-external', url: external };
}
