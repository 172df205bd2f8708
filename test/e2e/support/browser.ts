/** Debian's Chromium driven by playwright-core; never a downloaded browser. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run here. On CI (`CI` set) they must: setup installs Chromium, so a
 * missing browser there is a failure, not a reason to skip.
 */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH) || Boolean(process.env.CI);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A new page on `url` that collects page errors and console errors into `errors` (the suites
 * assert it stays empty). Pass the bridge's `url`: it carries the token, so the page signs in
 * (the bridge sets its session cookie and redirects to `/`) before the app loads.
 */
export async function openAppPage(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  if (new URL(page.url()).searchParams.has('token')) throw new Error(`signing in at ${page.url()} did not redirect to the app`);
  return page;
}
