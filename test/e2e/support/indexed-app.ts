/**
 * The app in Chromium over a library just indexed from `photos`: the engine behind the browser-mode
 * bridge, a page open at 1440 × 900 with its errors collected. The caller closes the three.
 */
import type { Browser, Page } from 'playwright-core';
import { Doppel } from '../../../src/core/doppel.js';
import { startBridge, type Bridge } from '../../../src/bridge/index.js';
import { launchChromium, openAppPage } from './browser.js';

export interface IndexedApp {
  readonly bridge: Bridge;
  readonly browser: Browser;
  readonly page: Page;
}

export async function openIndexedApp(options: {
  readonly photos: string;
  readonly libraryDir: string;
  readonly rendererDir: string;
  readonly pageErrors: string[];
}): Promise<IndexedApp> {
  const { photos, libraryDir, rendererDir, pageErrors } = options;
  const doppel = await Doppel.open({ libraryDir });
  await doppel.index([photos]);
  await doppel.close();
  const bridge = await startBridge({ libraryDir, port: 0, host: '127.0.0.1', rendererDir });
  const browser = await launchChromium();
  const page = await openAppPage(browser, bridge.url, pageErrors);
  await page.setViewportSize({ width: 1440, height: 900 });
  return { bridge, browser, page };
}
