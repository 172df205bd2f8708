/**
 * Electron accepts `registerSchemesAsPrivileged` once, before `app.ready`: every custom scheme of
 * the app is registered here together.
 */
import { protocol } from 'electron';
import { THUMBNAIL_SCHEME } from '../shared/thumbnails.js';
import { APP_SCHEME } from './app-page.js';

/**
 * standard: relative URLs, a real origin and storage; secure: counts as a secure context;
 * supportFetchAPI: reachable with fetch. Neither bypasses the page's CSP.
 */
const PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: PRIVILEGES },
    { scheme: THUMBNAIL_SCHEME, privileges: PRIVILEGES },
  ]);
}
