/**
 * Serves the built renderer from `app://doppel/` instead of file:// (a file:// page may read any
 * file on disk; this scheme serves out/renderer only). The mapping lives in renderer-files.ts.
 */
import { protocol } from 'electron';
import { APP_SCHEME } from './app-page.js';
import { rendererResponse } from './renderer-files.js';

/** Call once the app is ready, before the window loads `app://doppel/index.html`. */
export function handleAppProtocol(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, (request) => rendererResponse(rendererRoot, request));
}
