/**
 * Exposes the typed `window.api` and nothing else: the page never sees ipcRenderer. Built as CJS
 * because sandboxed preloads cannot be ES modules.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createApi, type PickedFile } from '../shared/api.js';
import { DIALOG_PICK_FOLDER, EVENT_CHANNEL, SHOW_IN_FOLDER, type Channel } from '../shared/channels.js';
import type { AppEvent } from '../shared/ipc-contract.js';
import { ErrorCodes } from '../shared/errors.js';
import { err, type Result } from '../shared/result.js';
import type { FindReport } from '../shared/types.js';
import { electronOriginalUrl, electronPreviewUrl, electronThumbnailUrl } from '../shared/thumbnails.js';

async function invoke(channel: Channel, input: unknown): Promise<Result<unknown>> {
  try {
    return (await ipcRenderer.invoke(channel, input)) as Result<unknown>;
  } catch (thrown) {
    return err(ErrorCodes.transport, `${channel} could not reach the app: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  }
}

/**
 * A dropped or picked file is found by its path on disk, as the CLI finds one. A file that has
 * none (dragged out of another app's memory, made by a script) cannot be sent over IPC by bytes:
 * the contract takes paths only, so it is refused with a message saying what to do instead.
 */
async function findFile(file: PickedFile): Promise<Result<FindReport>> {
  // PickedFile only says what the page may pass: contextBridge hands the page's File over as a File.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- see above
  const filePath = webUtils.getPathForFile(file as File);
  if (!filePath) {
    return err(
      ErrorCodes.invalidInput,
      `Cannot look up ${file.name}: it is not a file on disk; save it to a folder first, then drop that file`,
    );
  }
  return (await invoke('find:query', { path: filePath })) as Result<FindReport>;
}

const api = createApi({
  mode: 'electron',
  invoke,
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, appEvent: AppEvent): void => listener(appEvent);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
  },
  thumbnailUrl: electronThumbnailUrl,
  previewUrl: electronPreviewUrl,
  originalUrl: electronOriginalUrl,
  findFile,
  // Main answers a path or null (cancelled); it rejects only if main itself failed.
  pickFolder: async () => (await ipcRenderer.invoke(DIALOG_PICK_FOLDER)) as string | null,
  showInFolder: (photoPath) => ipcRenderer.send(SHOW_IN_FOLDER, photoPath),
});

contextBridge.exposeInMainWorld('api', api);
