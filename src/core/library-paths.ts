import fs from 'node:fs';
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

/**
 * Every path by which the library can reach each of `folders`: as given, as it resolves on disk, and
 * under each root that is a symlink to a folder above it (`~/Pictures/Originals` for a protected
 * `/data/Pictures/Originals` when the root `~/Pictures` leads to `/data/Pictures`). Clean-up checks
 * real paths as well; this is what lets the review show such copies as reference copies too.
 */
export function pathForms(folders: readonly string[], roots: readonly string[]): string[] {
  const real = (folder: string): string => {
    try {
      return fs.realpathSync(folder);
    } catch {
      return folder;
    }
  };
  const realRoots = roots.map((root) => [root, real(root)] as const).filter(([root, resolved]) => root !== resolved);
  const forms = folders.flatMap((folder) => {
    const given = path.resolve(folder);
    const resolved = real(given);
    const viaRoots = realRoots.flatMap(([root, realRoot]) =>
      resolved === realRoot || isInside(resolved, realRoot) ? [path.join(root, path.relative(realRoot, resolved))] : [],
    );
    return [given, resolved, ...viaRoots];
  });
  return [...new Set(forms)];
}
