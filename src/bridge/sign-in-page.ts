/**
 * What a browser gets instead of the app when it has no session: a short page that says where the
 * sign-in link is. It needs no script; its one <style> block is allowed by hash, so the policy
 * stays as strict as the app's.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { PAGE_CONTENT_SECURITY_POLICY } from './security-headers.js';

export type SignInReason = 'no-session' | 'stale-token';

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
  main { max-width: 34rem; padding: 2rem; }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  p { line-height: 1.5; margin: 0 0 0.75rem; }
  code { font-family: ui-monospace, monospace; padding: 0.1rem 0.3rem; border-radius: 4px; background: color-mix(in srgb, CanvasText 10%, transparent); }
  .hint { opacity: 0.75; font-size: 0.9rem; }
`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;
const SIGN_IN_POLICY = PAGE_CONTENT_SECURITY_POLICY.replace("style-src 'self'", `style-src 'self' ${STYLE_HASH}`);

const MESSAGES: Readonly<Record<SignInReason, string>> = {
  'no-session': 'This browser is not signed in to the Doppel bridge.',
  'stale-token': 'This link is from an earlier run of <code>doppel serve</code>: each run makes a new one.',
};

/**
 * Sends the page with status 401. `refresh` reloads it once, for a browser that came from another
 * site (a link, or the launcher file `doppel serve` opens): it withholds the SameSite=Strict
 * cookie after such a redirect, and sends it when the page reloads itself.
 */
export function sendSignInPage(response: ServerResponse, reason: SignInReason, options: { refresh: boolean }): void {
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    ${options.refresh ? '<meta http-equiv="refresh" content="0" />' : ''}
    <title>Doppel · sign in</title>
    <style>${STYLE}</style>
  </head>
  <body>
    <main>
      <h1>Open Doppel from its link</h1>
      <p>${MESSAGES[reason]}</p>
      <p>Open the address that <code>doppel serve</code> printed in its terminal (it ends in <code>?token=…</code>). It signs this browser in for as long as the bridge runs.</p>
      <p class="hint">The link is the key to your photo library: other people on this computer cannot use the bridge without it.</p>
    </main>
  </body>
</html>
`;
  response.writeHead(401, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': SIGN_IN_POLICY,
  });
  response.end(html);
}
