/** Debian's Chromium driven by playwright-core; never a downloaded browser. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where to look, and the environment that says whether this is CI (tests inject both). */
export interface ChromiumCheck {
  readonly path?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Whether the browser tests can run here: false skips them on a developer's machine without
 * Chromium. On CI (`CI` set to anything but "false" or "0") they must run: setup installs Chromium,
 * so a missing browser there throws, failing the suite by name instead of skipping it unseen.
 * @example describe.skipIf(!chromiumAvailable())('the photo app', () => { ... })
 */
export function chromiumAvailable(check: ChromiumCheck = {}): boolean {
  const browserPath = check.path ?? CHROMIUM_PATH;
  if (existsSync(browserPath)) return true;
  const ci = (check.env ?? process.env).CI;
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') {
    throw new Error(
      `Chromium is missing at ${browserPath} and CI=${ci}: the browser tests must run on CI ` +
        '(install it with scripts/setup.sh, or point CHROMIUM_PATH at it)',
    );
  }
  return false;
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
