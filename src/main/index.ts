/**
 * Electron main: a thin shell. It owns the window, the thumbnail protocol and IPC registration;
 * all real work happens in the engine utility process (see engine-host.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow } from 'electron';
import { electronTrash } from './electron-trash.js';
import { EngineHost } from './engine-host.js';
import { registerIpc, sendAppEvent } from './ipc/register-ipc.js';
import { handleThumbnailProtocol, registerThumbnailScheme } from './thumbnail-protocol.js';
import { createMainWindow } from './window.js';

const here = import.meta.dirname;
const devServerUrl = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
const rendererHtml = path.join(here, '../renderer/index.html');
const log = (line: string): void => console.log(`[main] ${line}`);

registerThumbnailScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

/** The built page (file://…/out/renderer/index.html) or, in development, the dev server. */
function isAppPage(url: string): boolean {
  if (devServerUrl !== null && url.startsWith(devServerUrl)) return true;
  if (!url.startsWith('file:')) return false;
  const withoutHash = new URL(url);
  withoutHash.hash = '';
  return path.resolve(fileURLToPath(withoutHash)) === path.resolve(rendererHtml);
}

function start(): void {
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

  registerIpc({ engine, isTrustedUrl: (url) => isAppPage(url) });
  handleThumbnailProtocol(engine);

  const openWindow = (): BrowserWindow =>
    createMainWindow({ preloadPath: path.join(here, '../preload/index.cjs'), devServerUrl, rendererHtml });
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
