/**
 * Typed IPC registration: one `ipcMain.handle` per contract channel; only the app's own page may
 * call. Input is validated once, by the engine against the contract (src/engine/engine-service.ts),
 * as for every other door: main only forwards it.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CHANNELS, EVENT_CHANNEL } from '../../shared/channels.js';
import type { AppEvent } from '../../shared/ipc-contract.js';
import { ErrorCodes } from '../../shared/errors.js';
import { err, type Result } from '../../shared/result.js';
import type { EngineHost } from '../engine-host.js';

export interface IpcOptions {
  readonly engine: EngineHost;
  /** True for frames showing the app's own renderer (app://doppel/index.html or the dev server). */
  readonly isTrustedUrl: (url: string) => boolean;
}

export function registerIpc({ engine, isTrustedUrl }: IpcOptions): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) return err(ErrorCodes.transport, `Refused ${channel} from untrusted page ${url}`);
      return engine.request({ type: 'invoke', channel, input });
    });
  }
}

/** Pushes an engine event to every open window. */
export function sendAppEvent(windows: readonly BrowserWindow[], event: AppEvent): void {
  for (const window of windows) {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  }
}
