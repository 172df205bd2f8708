/**
 * Headers every bridge response carries. Cross-Origin-Resource-Policy keeps other pages (another
 * 127.0.0.1 port counts as same-site, so SameSite cookies ride along) from embedding a thumbnail
 * or a JSON answer; nosniff stops a browser from reading a JSON answer or a photo as a script.
 */
import type { ServerResponse } from 'node:http';

/**
 * The page's policy: the meta tag in src/renderer/index.html (both apply) minus `'unsafe-inline'`
 * for styles, which only Vite's dev server needs (it injects <style> tags; Vue's `:style` bindings
 * go through the CSSOM, which CSP allows), plus what only a header can say (frame-ancestors).
 * `data:` images because Vite inlines small assets; `blob:` images for the preview of a file
 * dropped on the page (an object URL of the page's own File), and for nothing else.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Everything that is not the page (JSON, images, scripts) needs no power at all if opened as a document. */
const RESOURCE_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Sets the headers for every response; `writeHead` may still override the policy (the page does). */
export function applySecurityHeaders(response: ServerResponse): void {
  response.setHeader('cross-origin-resource-policy', 'same-origin');
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('content-security-policy', RESOURCE_CONTENT_SECURITY_POLICY);
}
