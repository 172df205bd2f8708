/** `window.api` as the preload exposes it (absent in browser mode, where http-api stands in). */
import type { DoppelApi } from '../shared/api.js';

declare global {
  interface Window {
    readonly api?: DoppelApi;
  }
}

export {};
