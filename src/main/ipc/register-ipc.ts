/**
 * Typed IPC registration: one `ipcMain.handle` per contract channel. Input is validated against the
 * contract here, before it crosses into the engine, and only the app's own page may call.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CHANNELS, EVENT_CHANNEL } from '../../shared/channels.js';
import { parseChannelInput, type AppEvent } from '../../shared/ipc-contract.js';
import { ErrorCodes, err, type Result } from '../../shared/result.js';
import type { EngineHost } from '../engine-host.js';

export interface IpcOptions {
  readonly engine: EngineHost;
  /** True for frames showing the app's own renderer (file:// build or the dev server). */
  readonly isTrustedUrl: (url: string) => boolean;
}

export function registerIpc({ engine, isTrustedUrl }: IpcOptions): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) return err(ErrorCodes.transport, `Refused ${channel} from untrusted page ${url}`);
      const parsed = parseChannelInput(channel, input);
      if (!parsed.ok) return parsed;
      return engine.request({ type: 'invoke', channel, input: parsed.value });
    });
  }
}

/** Pushes an engine event to every open window. */
export function sendAppEvent(windows: readonly BrowserWindow[], event: AppEvent): void {
  for (const window of windows) {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  }
}
