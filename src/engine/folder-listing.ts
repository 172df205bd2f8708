/**
 * Browser mode's folder browser (`folders:list`): one level of sub-folders at a time, as a native
 * folder picker shows them. Names only, never the files: the page needs nothing else to pick a folder.
 */
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, errnoCode, errorMessage } from '../core/errors.js';
import type { FolderListing } from '../shared/types.js';

type FolderEntry = FolderListing['folders'][number];

/**
 * The sub-folders of `folder` (default: the user's home), sorted by name ignoring case, hidden
 * (dot) names left out, symlinks to folders included. A sub-folder this user cannot open is not
 * named but counted in `unreadable`. A path that is missing or not a folder is invalid input.
 * @example await listFolders('/home/me') // → { path: '/home/me', parent: '/home', folders: [{ name: 'Pictures', … }], … }
 */
export async function listFolders(folder?: string): Promise<FolderListing> {
  const home = os.homedir();
  const target = path.resolve(folder ?? home);
  const entries = await readFolder(target);
  const candidates = entries.filter((entry) => !entry.name.startsWith('.') && (entry.isDirectory() || entry.isSymbolicLink()));
  const checked = await Promise.all(candidates.map((entry) => openable(path.join(target, entry.name), entry)));
  const folders: FolderEntry[] = [];
  let unreadable = 0;
  candidates.forEach((entry, i) => {
    const state = checked[i];
    if (state === 'readable') folders.push({ name: entry.name, path: path.join(target, entry.name) });
    else if (state === 'unreadable') unreadable += 1;
  });
  folders.sort((a, b) => compareNames(a.name, b.name));
  const parent = path.dirname(target);
  return { path: target, parent: parent === target ? null : parent, home, folders, unreadable };
}

async function readFolder(target: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(target, { withFileTypes: true });
  } catch (error) {
    switch (errnoCode(error)) {
      case 'ENOENT':
        throw new InvalidArgumentError(`Cannot list ${target}: no such folder`);
      case 'ENOTDIR':
        throw new InvalidArgumentError(`Cannot list ${target}: not a folder`);
      case 'EACCES':
      case 'EPERM':
        throw new InvalidArgumentError(`Cannot list ${target}: permission denied`);
      default:
        throw new InvalidArgumentError(`Cannot list ${target}: ${errorMessage(error)}`);
    }
  }
}

/**
 * 'readable' for a folder this user can open and list, 'unreadable' for one they cannot, 'none'
 * for what is not a folder at all (a symlink to a file, a dangling symlink).
 */
async function openable(full: string, entry: Dirent): Promise<'readable' | 'unreadable' | 'none'> {
  if (entry.isSymbolicLink()) {
    try {
      if (!(await fs.stat(full)).isDirectory()) return 'none';
    } catch (error) {
      return errnoCode(error) === 'EACCES' ? 'unreadable' : 'none';
    }
  }
  try {
    await fs.access(full, fs.constants.R_OK | fs.constants.X_OK);
    return 'readable';
  } catch {
    return 'unreadable';
  }
}

/** Case-insensitive, numbers in order (`2`, `10`), then by exact name so the order is total. */
function compareNames(a: string, b: string): number {
  return a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}
