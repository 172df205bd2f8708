/**
 * The app window, locked down: context isolation, sandbox, no Node in the page, no navigation
 * away, no new windows, no permission prompts. The CSP lives in src/renderer/index.html.
 */
import path from 'node:path';
import { BrowserWindow, shell } from 'electron';

export interface WindowOptions {
  readonly preloadPath: string;
  /** Dev server URL (electron-vite dev) or null to load the built file. */
  readonly devServerUrl: string | null;
  readonly rendererHtml: string;
}

export function createMainWindow({ preloadPath, devServerUrl, rendererHtml }: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Doppel',
    show: false,
    backgroundColor: '#f7f7f5',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());

  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault();
  });
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(path.resolve(rendererHtml));
  return window;
}
