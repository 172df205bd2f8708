/**
 * The headers every `app://` response carries. The policy matches the meta tag in
 * src/renderer/index.html (both apply, so neither may be looser than the page needs) and adds what
 * only a header can say (`frame-ancestors`).
 */
import { THUMBNAIL_SCHEME } from '../shared/thumbnails.js';

/**
 * What the renderer loads, and nothing more: its own scripts and styles; thumbnails, previews and
 * originals from `doppel-thumb:` (src/shared/thumbnails.ts); `data:` images because Vite inlines
 * assets under 4 KiB as data URLs; `blob:` images only, for the preview of a file dropped on the
 * window (an object URL of the page's own File: it can only show what the user handed over); no
 * fetches but its own origin (it talks to main over IPC). `style-src 'unsafe-inline'` is for Vue's
 * style bindings and Vite's dev-time injection; scripts stay 'self' only.
 */
export const CONTENT_SECURITY_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", `${THUMBNAIL_SCHEME}:`, 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
};

/** The directives as one header value: `default-src 'self'; script-src 'self'; …`. */
export const CONTENT_SECURITY_POLICY = Object.entries(CONTENT_SECURITY_DIRECTIVES)
  .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
  .join('; ');

/** Headers of every `app://` response, files and errors alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  // Served types are decided by extension (renderer-files.ts); the page must never guess another.
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
