import fs from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { assertDefined } from '../assert';
import { errnoCode, errorMessage } from '../errors';
import { imageKindOf } from './image-types';

export interface ScannedFile {
  readonly path: string;
  readonly rootPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly dev: number;
  readonly ino: number;
}

export interface ScanProblem {
  readonly path: string;
  readonly reason: string;
}

export interface ScanRoot {
  readonly path: string;
  /** Glob patterns matched against paths relative to the root (`**\/Thumbs/**`, `*.tmp.jpg`). */
  readonly excludes: readonly string[];
}

export interface ScanOptions {
  /** Folders never entered, e.g. the library folder itself (compared by real path). */
  readonly skipDirs?: readonly string[];
  readonly signal?: AbortSignal;
  /** Called every so often with the number of photo files found so far. */
  readonly onFound?: (count: number) => void;
}

export interface ScanResult {
  readonly files: ScannedFile[];
  /** Folders that could not be listed; their previously indexed files must not be treated as deleted. */
  readonly unreadableDirs: string[];
  readonly problems: ScanProblem[];
}

/**
 * Walks the roots recursively and lists photo files with their size and mtime (stat only, no reads).
 * Skips hidden files and folders and `skipDirs`; follows symlinked folders, after the real ones,
 * but visits each real folder (device + inode) once, which also survives symlink loops; a symlinked file is listed only
 * if its target is not listed already. Hard links are separate files (they show up as duplicates
 * that waste no space). Files that vanish mid-scan are dropped;
 * unreadable folders are reported, not fatal, and so are photos and folders whose names are not
 * valid UTF-8 (Doppel cannot open them by name; they are not entered).
 */
export async function scanRoots(roots: readonly ScanRoot[], options: ScanOptions = {}): Promise<ScanResult> {
  const files: ScannedFile[] = [];
  const unreadableDirs: string[] = [];
  const problems: ScanProblem[] = [];
  const visitedDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const symlinkedFiles: { path: string; rootPath: string; stat: import('node:fs').Stats }[] = [];
  const skipDirs = new Set<string>();
  for (const dir of options.skipDirs ?? []) skipDirs.add(await realPathOrSelf(dir));

  // Symlinked folders are walked after every real one, so a folder reached both ways is listed by
  // its own path: a protected folder and its shortcut inside a root show under the protected name.
  let linkedDirs: { dir: string; root: ScanRoot }[] = [];
  for (const root of roots) await walk(root, [root.path]);
  while (linkedDirs.length > 0) {
    const pending = linkedDirs;
    linkedDirs = [];
    for (const { dir, root } of pending) await walk(root, [dir]);
  }
  for (const link of symlinkedFiles) {
    if (!seenFiles.has(`${link.stat.dev}:${link.stat.ino}`)) addFile(link.path, link.rootPath, link.stat);
  }
  return { files, unreadableDirs, problems };

  async function walk(root: ScanRoot, stack: string[]): Promise<void> {
    const isExcluded = root.excludes.length > 0 ? picomatch(root.excludes as string[], { dot: true }) : () => false;
    while (stack.length > 0) {
      options.signal?.throwIfAborted();
      const dir = assertDefined(stack.pop(), 'directory to scan');
      const real = await realPathOrSelf(dir);
      if (skipDirs.has(real)) continue;
      const dirStat = await statOrNull(real);
      if (dirStat === null) continue;
      const dirKey = `${dirStat.dev}:${dirStat.ino}`;
      if (visitedDirs.has(dirKey)) continue;
      visitedDirs.add(dirKey);

      let entries: Entry[];
      try {
        entries = await listFolder(dir);
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') continue; // vanished mid-scan
        unreadableDirs.push(dir);
        problems.push({ path: dir, reason: `Cannot list folder: ${errorMessage(error)}` });
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)); // popped in name order
      // The folder's photo files are stat'ed together (see statAll), then added in name order.
      const photoFiles: string[] = [];
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const full = path.join(dir, entry.name);
        const relative = path.relative(root.path, full);
        if (isExcluded(relative) || isExcluded(relative.split(path.sep).join('/'))) continue;
        if (entry.rawName) {
          const rawPath = Buffer.concat([Buffer.from(path.join(dir, path.sep)), entry.rawName]);
          const problem = await badNameProblem(entry, full, rawPath);
          if (problem) problems.push(problem);
          continue;
        }
        if (entry.isDirectory()) {
          stack.push(full);
          continue;
        }
        if (!entry.isFile() && !entry.isSymbolicLink()) continue;
        const kind = imageKindOf(entry.name);
        if (entry.isSymbolicLink()) {
          const target = await statOrNull(full); // follows the link
          if (target === null) continue; // dangling link
          if (target.isDirectory()) {
            linkedDirs.push({ dir: full, root });
            continue;
          }
          if (!target.isFile() || kind === null) continue;
          symlinkedFiles.push({ path: full, rootPath: root.path, stat: target });
          continue;
        }
        if (kind === null) continue;
        photoFiles.push(full);
      }
      const stats = await statAll(photoFiles);
      photoFiles.forEach((full, i) => {
        const stat = stats[i];
        if (stat) addFile(full, root.path, stat); // null: vanished mid-scan
      });
      if (files.length > 0) options.onFound?.(files.length);
    }
  }

  function addFile(filePath: string, rootPath: string, stat: import('node:fs').Stats): void {
    seenFiles.add(`${stat.dev}:${stat.ino}`);
    files.push({ path: filePath, rootPath, size: stat.size, mtimeMs: stat.mtimeMs, dev: stat.dev, ino: stat.ino });
  }
}

/** A folder entry; `rawName` is set when the name is not valid UTF-8 (`name` is then lossy). */
interface Entry {
  readonly name: string;
  readonly rawName: Buffer | null;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * Lists a folder with its names as bytes: Linux allows any bytes but `/` and NUL in a name, and a
 * name that is not valid UTF-8 cannot be turned into a string and back (Node replaces the bad bytes
 * with U+FFFD), so such a file could never be opened by its string path. Those names are flagged
 * instead of silently failing later.
 */
async function listFolder(dir: string): Promise<Entry[]> {
  const dirents = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  return dirents.map((dirent) => {
    const raw = dirent.name;
    const name = raw.toString('utf8');
    return {
      name,
      rawName: Buffer.from(name, 'utf8').equals(raw) ? null : raw,
      isDirectory: () => dirent.isDirectory(),
      isFile: () => dirent.isFile(),
      isSymbolicLink: () => dirent.isSymbolicLink(),
    };
  });
}

/**
 * The problem to report for an entry whose name is not valid UTF-8 (`displayPath` is lossy,
 * `rawPath` the real bytes): photo files and folders are reported, anything else is ignored as
 * usual. Such a folder is not entered: none of its files could be opened either.
 */
async function badNameProblem(entry: Entry, displayPath: string, rawPath: Buffer): Promise<ScanProblem | null> {
  let isDirectory = entry.isDirectory();
  let isFile = entry.isFile();
  if (entry.isSymbolicLink()) {
    const target = await statOrNull(rawPath);
    if (target === null) return null; // dangling link
    isDirectory = target.isDirectory();
    isFile = target.isFile();
  }
  if (isDirectory) {
    return { path: displayPath, reason: 'folder name is not valid UTF-8: Doppel cannot open the folder or its photos; rename it' };
  }
  if (isFile && imageKindOf(entry.name) !== null) {
    return { path: displayPath, reason: 'file name is not valid UTF-8: Doppel cannot open it; rename it' };
  }
  return null;
}

/**
 * Stats of many files (no link following), null for those that vanished. A few calls are kept in
 * flight at once: one at a time, each stat waits a full round trip through libuv's thread pool,
 * which made the scan of 100k unchanged photos the bulk of a re-index.
 */
async function statAll(files: readonly string[]): Promise<(import('node:fs').Stats | null)[]> {
  const stats = new Array<import('node:fs').Stats | null>(files.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      stats[i] = await statOrNull(assertDefined(files[i], 'file to stat'), false);
    }
  };
  await Promise.all(Array.from({ length: Math.min(STATS_IN_FLIGHT, files.length) }, worker));
  return stats;
}

/** Stat calls in flight at once: libuv's pool has 4 threads by default; a few more keep it fed. */
const STATS_IN_FLIGHT = 16;

async function statOrNull(target: string | Buffer, follow = true): Promise<import('node:fs').Stats | null> {
  try {
    return follow ? await fs.stat(target) : await fs.lstat(target);
  } catch {
    return null;
  }
}

async function realPathOrSelf(target: string): Promise<string> {
  try {
    return await fs.realpath(target);
  } catch {
    return path.resolve(target);
  }
}
