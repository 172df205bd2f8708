/**
 * "Does this file lie inside that folder?", asked of real paths: symlinks are resolved on both
 * sides, so a folder reached through a link (a library on another disk, linked from home) still
 * matches its own files, and a link inside the folder cannot lead a request out of it.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * Lexical test on two absolute paths: `file` lies strictly below `folder` (the folder itself does
 * not count). Only meaningful on resolved paths; `realPathInside` resolves them first.
 *
 * @example isPathInside('/lib', '/lib/thumbs/ab.webp') // → true
 * @example isPathInside('/lib', '/lib-other/ab.webp') // → false
 */
export function isPathInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * The real path of `file` when it exists and lies inside the real path of `folder`; null when
 * either is missing or the file lies elsewhere. Other errors (permissions, I/O) are thrown.
 */
export async function realPathInside(folder: string, file: string): Promise<string | null> {
  const [realFolder, realFile] = await Promise.all([realPathOrNull(folder), realPathOrNull(file)]);
  if (realFolder === null || realFile === null) return null;
  return isPathInside(realFolder, realFile) ? realFile : null;
}

async function realPathOrNull(target: string): Promise<string | null> {
  try {
    return await realpath(target);
  } catch (error) {
    // Missing, or a path through something that is not a folder: nothing there to serve.
    if (hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR')) return null;
    throw error;
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
