/** The renderer's only door to the app: the preload's `window.api`, or the bridge in a browser. */
import type { DoppelApi } from '../../../shared/api.js';
import { createHttpApi } from './http-api.js';

export const api: DoppelApi =
  window.api ??
  createHttpApi(window.location.origin, {
    // The bridge serves its sign-in page to a browser without a session: show that, not broken views.
    onUnauthorized: () => window.location.reload(),
  });
