/**
 * Electron main: a thin shell. It owns the window, the app:// and thumbnail protocols, the session's
 * permission policy and IPC registration; all real work happens in the engine utility process
 * (see engine-host.ts).
 */
import path from 'node:path';
import { app, BrowserWindow, session } from 'electron';
import { APP_ENTRY_URL, isAppPageUrl } from './app-page.js';
import { handleAppProtocol } from './app-protocol.js';
import { electronTrash } from './trash/electron-trash.js';
import { EngineHost } from './engine-host.js';
import { registerOsServices } from './ipc/os-services.js';
import { registerIpc, sendAppEvent } from './ipc/register-ipc.js';
import { registerPrivilegedSchemes } from './privileged-schemes.js';
import { lockDownSession } from './session-security.js';
import { handleThumbnailProtocol } from './thumbnail-protocol.js';
import { createMainWindow } from './window.js';

const here = import.meta.dirname;
const devServerUrl = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
const rendererRoot = path.join(here, '../renderer');
/** The app folder holds resources/ (the project root when unpackaged, app.asar when packaged). */
const iconPath = path.join(app.getAppPath(), 'resources', 'icon.png');
const log = (line: string): void => console.log(`[main] ${line}`);
/** The built page (app://doppel/index.html) or, in development, the dev server. */
const isAppPage = (url: string): boolean => isAppPageUrl(url, devServerUrl);

registerPrivilegedSchemes();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

function start(): void {
  lockDownSession(session.defaultSession, isAppPage);

  const engine = new EngineHost({
    entryPath: path.join(here, 'engine-process.js'),
    // DOPPEL_LIBRARY is read by the core itself; null keeps the core's per-user default.
    libraryDir: null,
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Electron's own constructor made these windows
    onEvent: (event) => sendAppEvent(BrowserWindow.getAllWindows(), event),
    log,
    answerTrash: electronTrash(log),
  });
  engine.start();

  registerIpc({ engine, isTrustedUrl: isAppPage });
  registerOsServices({ isTrustedUrl: isAppPage, log });
  handleAppProtocol(rendererRoot);
  handleThumbnailProtocol(engine);

  const openWindow = (): BrowserWindow =>
    createMainWindow({
      preloadPath: path.join(here, '../preload/index.cjs'),
      pageUrl: devServerUrl ?? APP_ENTRY_URL,
      isAppPage,
      log,
      iconPath,
    });
  let mainWindow = openWindow();

  app.on('second-instance', () => {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => engine.stop());
}
