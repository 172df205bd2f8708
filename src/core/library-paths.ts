import os from 'node:os';
import path from 'node:path';

/**
 * The platform's per-user data folder for Doppel's library (the same place Electron's
 * `app.getPath('userData')` points to), so the CLI and the desktop app share one library.
 */
export function defaultLibraryDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.DOPPEL_LIBRARY) return path.resolve(env.DOPPEL_LIBRARY);
  const home = os.homedir();
  switch (platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Doppel', 'library');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Doppel', 'library');
    default:
      return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'doppel', 'library');
  }
}

/** True when `file` lies strictly inside `folder` (both absolute). */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
