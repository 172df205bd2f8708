import path from 'node:path';
import type { ScannedFile } from '../scan/scanner';
import type { StoredFile } from '../store/photo.repository';

/** What a run has to do, decided from the scan and the library alone (no file is read). */
export interface IndexPlan {
  /** New or changed files (size or modification time differ): read, hashed and maybe decoded. */
  readonly work: readonly ScannedFile[];
  /** Files whose path, size and modification time match the library: not read again. */
  readonly unchanged: readonly StoredFile[];
  /** Library files the scan did not find: removed from the library. */
  readonly removedIds: readonly number[];
  /**
   * The content of each of those files (one entry per file): a new path with one of these contents
   * is that file moved or renamed; with any other known content it is a copy.
   */
  readonly removedContents: readonly string[];
}

/**
 * Splits what the scan found into work and unchanged files, and finds the stored files that are gone.
 * `stored` holds the library's files of the scanned roots, by path.
 */
export function planIndex(
  stored: ReadonlyMap<string, StoredFile>,
  found: readonly ScannedFile[],
  unreadableDirs: readonly string[],
): IndexPlan {
  const work: ScannedFile[] = [];
  const unchanged: StoredFile[] = [];
  const seen = new Set<string>();
  for (const file of found) {
    seen.add(file.path);
    const known = stored.get(file.path);
    if (known?.size === file.size && known.mtimeMs === file.mtimeMs) unchanged.push(known);
    else work.push(file);
  }
  const removedIds: number[] = [];
  const removedContents: string[] = [];
  for (const [filePath, file] of stored) {
    if (seen.has(filePath)) continue;
    // A folder we could not list this time may still hold its files: keep them.
    if (unreadableDirs.some((dir) => filePath.startsWith(dir + path.sep))) continue;
    removedIds.push(file.id);
    if (file.contentHash !== null && file.status === 'ok') removedContents.push(file.contentHash);
  }
  return { work, unchanged, removedIds, removedContents };
}
