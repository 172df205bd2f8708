/**
 * The app window, locked down: context isolation, sandbox, no Node in the page, no webviews, no
 * navigation away or redirects in any frame, no new windows (allow-listed links open in the
 * browser). The decisions live in navigation-guard.ts; the CSP comes with every app:// response
 * (content-security.ts) and, for the dev server, from the meta tag in src/renderer/index.html.
 */
import { BrowserWindow, shell } from 'electron';
import { navigationVerdict, windowOpenVerdict, type NavigationVerdict } from './navigation-guard.js';

export interface WindowOptions {
  readonly preloadPath: string;
  /** `app://doppel/index.html`, or the dev server URL (electron-vite dev). */
  readonly pageUrl: string;
  readonly isAppPage: (url: string) => boolean;
  readonly log: (line: string) => void;
  /**
   * The window's icon (resources/icon.png) for the taskbar and window switcher on Linux and
   * Windows; macOS takes the app bundle's and ignores it.
   */
  readonly iconPath?: string;
}

export function createMainWindow({ preloadPath, pageUrl, isAppPage, log, iconPath }: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    // The page's <title> replaces this once it loads; both say Doppel.
    title: 'Doppel',
    ...(iconPath ? { icon: iconPath } : {}),
    show: false,
    backgroundColor: '#f7f7f5',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());

  const act = (verdict: NavigationVerdict, what: string, url: string): boolean => {
    if (verdict.action === 'open-external') void shell.openExternal(verdict.url);
    else if (verdict.action === 'deny') log(`refused ${what} to ${url}`);
    return verdict.action === 'allow';
  };
  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    act(windowOpenVerdict(url), 'a new window', url);
    return { action: 'deny' };
  });
  // will-frame-navigate covers every frame, the main one included; will-navigate is kept as a
  // second lock on the main frame, and only denies (the link, if any, opened from the first).
  contents.on('will-frame-navigate', (event) => {
    if (!act(navigationVerdict({ url: event.url, isMainFrame: event.isMainFrame }, isAppPage), 'navigation', event.url)) {
      event.preventDefault();
    }
  });
  contents.on('will-navigate', (event) => {
    if (navigationVerdict({ url: event.url, isMainFrame: true }, isAppPage).action !== 'allow') event.preventDefault();
  });
  // Neither the app:// protocol nor the dev server redirects: a redirect is someone else's page.
  contents.on('will-redirect', (event) => {
    log(`refused a redirect to ${event.url}`);
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());

  void window.loadURL(pageUrl);
  return window;
}
