/**
 * OS services the page asks main for directly, outside the contract (the engine has no windows):
 * the native folder picker and "show in folder". Only the app's own page may ask, as for contract
 * calls (register-ipc.ts).
 */
import { BrowserWindow, dialog, ipcMain, shell, type IpcMainEvent, type IpcMainInvokeEvent, type OpenDialogOptions } from 'electron';
import { DIALOG_PICK_FOLDER, SHOW_IN_FOLDER } from '../../shared/channels.js';
import { revealableFile } from '../show-in-folder.js';

export interface OsServicesOptions {
  /** True for frames showing the app's own renderer (app://doppel/index.html or the dev server). */
  readonly isTrustedUrl: (url: string) => boolean;
  readonly log: (line: string) => void;
}

export function registerOsServices({ isTrustedUrl, log }: OsServicesOptions): void {
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent, what: string): boolean => {
    const url = event.senderFrame?.url ?? '';
    if (!isTrustedUrl(url)) log(`refused ${what} from untrusted page ${url}`);
    return isTrustedUrl(url);
  };

  /** The chosen folder, or null when the user cancelled (or an untrusted page asked). */
  ipcMain.handle(DIALOG_PICK_FOLDER, async (event: IpcMainInvokeEvent): Promise<string | null> => {
    if (!trusted(event, 'the folder picker')) return null;
    const options: OpenDialogOptions = { title: 'Choose a folder of photos', properties: ['openDirectory', 'createDirectory'] };
    // Attached to the asking window: modal on macOS (a sheet), and it cannot open behind the app.
    const window = BrowserWindow.fromWebContents(event.sender);
    const choice = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return choice.canceled ? null : (choice.filePaths[0] ?? null);
  });

  ipcMain.on(SHOW_IN_FOLDER, (event: IpcMainEvent, filePath: unknown) => {
    if (!trusted(event, 'show in folder')) return;
    void revealableFile(filePath).then((target) => {
      if (target.ok) shell.showItemInFolder(target.path);
      else log(target.reason);
    });
  });
}
