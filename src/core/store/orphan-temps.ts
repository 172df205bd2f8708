import fs from 'node:fs';
import path from 'node:path';

/**
 * Temp files Doppel writes before renaming them into place: `<name>.<pid>.tmp` (thumbnails,
 * previews, decisions.json) and `.<name>.<pid>.<random>.tmp` (the vector index).
 */
const TEMP_NAME = /\.(\d+)(?:\.[0-9a-f]+)?\.tmp$/;
/** A temp file this old is left over whoever wrote it (writes take milliseconds to seconds). */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/**
 * Deletes the temp files killed runs left in `folders` (not recursive): those whose writer process
 * is gone, or that are over an hour old. Live writers' temps are left alone, so readers that write
 * a thumbnail at the same moment (the bridge) lose nothing. Returns how many were removed.
 */
export function removeOrphanTemps(folders: readonly string[], now = Date.now()): number {
  const files: string[] = [];
  for (const folder of folders) {
    try {
      for (const name of fs.readdirSync(folder)) files.push(path.join(folder, name));
    } catch {
      // not created yet
    }
  }
  return removeOrphanTempFiles(files, now);
}

/** {@link removeOrphanTemps} on files already listed (names that are not temps are passed over). */
export function removeOrphanTempFiles(files: readonly string[], now = Date.now()): number {
  let removed = 0;
  for (const file of files) {
    const match = TEMP_NAME.exec(path.basename(file));
    if (!match) continue;
    try {
      if (isRunning(Number(match[1])) && now - fs.statSync(file).mtimeMs < ABANDONED_AFTER_MS) continue;
      fs.rmSync(file, { force: true });
      removed += 1;
    } catch {
      // Gone already (its writer renamed it): nothing to remove.
    }
  }
  return removed;
}

/** Whether a process with this id exists (signal 0 checks without sending anything). */
function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM'; // exists, owned by someone else
  }
}
