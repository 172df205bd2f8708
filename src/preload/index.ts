/**
 * Exposes the typed `window.api` and nothing else: the page never sees ipcRenderer. Built as CJS
 * because sandboxed preloads cannot be ES modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createApi } from '../shared/api.js';
import { EVENT_CHANNEL } from '../shared/channels.js';
import type { AppEvent } from '../shared/ipc-contract.js';
import { ErrorCodes } from '../shared/errors.js';
import { err, type Result } from '../shared/result.js';
import { electronPreviewUrl, electronThumbnailUrl } from '../shared/thumbnails.js';

const api = createApi({
  mode: 'electron',
  async invoke(channel, input): Promise<Result<unknown>> {
    try {
      return (await ipcRenderer.invoke(channel, input)) as Result<unknown>;
    } catch (thrown) {
      return err(ErrorCodes.transport, `${channel} could not reach the app: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    }
  },
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, appEvent: AppEvent): void => listener(appEvent);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
  thumbnailUrl: electronThumbnailUrl,
  previewUrl: electronPreviewUrl,
});

contextBridge.exposeInMainWorld('api', api);
