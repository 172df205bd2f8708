/**
 * The macOS Trash through a `trashItem` call (Electron's `shell.trashItem` in the desktop app, the
 * `trash` package's `macos-trash` helper in the CLI), which moves a file but does not say where it
 * went. Undo needs the place, so after the move the file is looked for in the Trash of its volume:
 * its own name, or the one Finder gives when that is taken ("harbour 2.jpg"), with the size and
 * modification time it had (a rename keeps both) and, where the volume keeps it, the same inode.
 * macOS can refuse a process without Full Disk Access a look into the Trash: the move still
 * happens, and undo then says to use Finder's Put Back.
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { errorCodeOf } from '../../shared/errors';
import { errnoCode, errorMessage } from '../errors';
import { mountPointOf, putBack, type TrashedFile } from './freedesktop-trash';
import { regularFileStats, type HostTrash, type TrashItem } from './host-trash';
import { TrashError } from './trash-info';

/** What the file was when it left, kept in the slot's `infoPath` (macOS has no info file): how undo recognises it. */
export interface MacTrashReceipt {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

const RECEIPT_SCHEME = 'macos-trash:';

export function formatMacReceipt(receipt: MacTrashReceipt): string {
  const { dev, ino, size, mtimeMs } = receipt;
  return (
    RECEIPT_SCHEME + new URLSearchParams({ dev: String(dev), ino: String(ino), size: String(size), mtimeMs: String(mtimeMs) }).toString()
  );
}

/** The receipt `formatMacReceipt` wrote, or null for anything else (a freedesktop `.trashinfo` path). */
export function parseMacReceipt(text: string): MacTrashReceipt | null {
  if (!text.startsWith(RECEIPT_SCHEME)) return null;
  const fields = new URLSearchParams(text.slice(RECEIPT_SCHEME.length));
  const [dev, ino, size, mtimeMs] = ['dev', 'ino', 'size', 'mtimeMs'].map((name) => Number(fields.get(name) ?? Number.NaN));
  if (dev === undefined || ino === undefined || size === undefined || mtimeMs === undefined) return null;
  return [dev, ino, size, mtimeMs].every(Number.isFinite) ? { dev, ino, size, mtimeMs } : null;
}

/**
 * True for the original name, for the names Finder gives a taken one, the stem then a space
 * ("harbour 2.jpg", "harbour 10.42.13.jpg"), and for the name the `trash` package gives one when it
 * falls back to a plain move into ~/.Trash (macOS refused its helper): the name, a space, a number
 * ("harbour.jpg 1"). Compared in NFC: HFS+ lists names decomposed.
 */
export function isTrashNameOf(entryName: string, originalName: string): boolean {
  const entry = entryName.normalize('NFC');
  const original = originalName.normalize('NFC');
  if (entry === original) return true;
  if (entry.startsWith(`${original} `) && /^\d+$/.test(entry.slice(original.length + 1))) return true;
  const extension = path.extname(original);
  const stem = original.slice(0, original.length - extension.length);
  return entry.length > stem.length + 1 + extension.length && entry.startsWith(`${stem} `) && entry.endsWith(extension);
}

/**
 * Where a trashed file lies now: among the entries of `dirs` named like `originalName`, those with
 * the receipt's size and modification time; the one with its inode if any (APFS and HFS+ keep it
 * across the move), else the newest (by ctime, which the move sets). Null when none matches.
 * Throws when a folder exists but cannot be listed (no Full Disk Access), so a caller can say so.
 * @example await findTrashedFile({ dirs: ['/Users/ann/.Trash'], originalName: 'a.jpg', receipt }) // '/Users/ann/.Trash/a 2.jpg'
 */
export async function findTrashedFile(query: {
  readonly dirs: readonly string[];
  readonly originalName: string;
  readonly receipt: MacTrashReceipt;
}): Promise<string | null> {
  const { receipt } = query;
  const matches: { readonly filePath: string; readonly stats: Stats }[] = [];
  for (const dir of query.dirs) {
    const names = await fs.readdir(dir).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return [];
      throw error;
    });
    for (const name of names.filter((entry) => isTrashNameOf(entry, query.originalName))) {
      const filePath = path.join(dir, name);
      const stats = await fs.lstat(filePath).catch(() => null);
      if (stats?.isFile() && stats.size === receipt.size && stats.mtimeMs === receipt.mtimeMs) matches.push({ filePath, stats });
    }
  }
  const sameInode = matches.find(({ stats }) => stats.dev === receipt.dev && stats.ino === receipt.ino);
  if (sameInode) return sameInode.filePath;
  return matches.sort((a, b) => b.stats.ctimeMs - a.stats.ctimeMs)[0]?.filePath ?? null;
}

export interface MacTrashOptions {
  readonly trashItem: TrashItem;
  /** Default: os.homedir(). */
  readonly homeDir?: string;
  /** Default: process.getuid(). */
  readonly uid?: number;
  readonly log?: (line: string) => void;
}

export function macTrash(options: MacTrashOptions): HostTrash {
  const homeDir = options.homeDir ?? os.homedir();
  const homeTrash = path.join(homeDir, '.Trash');
  const log = options.log ?? (() => {});
  // The recorded folder first (the Trash of the file's volume), then the home Trash.
  const dirsOf = (slot: TrashedFile): string[] => [...new Set([path.dirname(slot.trashedPath), homeTrash])];
  const find = (slot: TrashedFile, receipt: MacTrashReceipt) =>
    findTrashedFile({ dirs: dirsOf(slot), originalName: path.basename(slot.originalPath), receipt });

  return {
    async reserve(filePath) {
      const originalPath = path.resolve(filePath);
      const stats = await regularFileStats(originalPath);
      const trashDir = await trashDirOf(originalPath, stats.dev, homeDir, options.uid);
      // A guess that `move` corrects: the journal needs a place before the file moves, and Finder
      // picks the name only as it moves. Nothing is claimed, so there is nothing to release.
      const receipt = { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
      return { originalPath, trashedPath: path.join(trashDir, path.basename(originalPath)), infoPath: formatMacReceipt(receipt) };
    },

    async move(slot) {
      const attempted = `Cannot move ${slot.originalPath} to the Trash`;
      const receipt = parseMacReceipt(slot.infoPath);
      if (!receipt) throw new TrashError(`${attempted}: its slot was not reserved in the macOS Trash`);
      const stats = await regularFileStats(slot.originalPath);
      if (stats.ino !== receipt.ino || stats.size !== receipt.size || stats.mtimeMs !== receipt.mtimeMs) {
        throw new TrashError(`${attempted}: it changed after its place in the Trash was reserved`);
      }
      await options.trashItem(slot.originalPath).catch((error: unknown) => {
        throw new TrashError(`${attempted}: ${errorMessage(error)}`, { cause: error });
      });
      // The file is in the Trash now: failing to find it must not report the move as failed.
      try {
        const found = await find(slot, receipt);
        if (found !== null) return { ...slot, trashedPath: found };
        log(`moved ${slot.originalPath} to the Trash but did not find it in ${dirsOf(slot).join(' or ')}; undo will look again`);
      } catch (error) {
        log(`moved ${slot.originalPath} to the Trash but cannot look there: ${errorMessage(error)}; undo will look again`);
      }
      return slot;
    },

    release: () => Promise.resolve(),

    async restore(slot) {
      const fail = (reason: string, cause?: unknown) => new TrashError(`Cannot restore ${slot.originalPath}: ${reason}`, { cause });
      const receipt = parseMacReceipt(slot.infoPath);
      if (!receipt) throw fail('the journal does not say which file in the Trash it is');
      let found: string | null;
      try {
        found = await find(slot, receipt);
      } catch (error) {
        const reason = `macOS did not let Doppel look in the Trash (${errorMessage(error)}); use Put Back in Finder, or give Doppel Full Disk Access`;
        throw fail(reason, error);
      }
      if (found === null) {
        const name = path.basename(slot.originalPath);
        throw fail(`it is no longer in the Trash (no ${name} of ${receipt.size} bytes in ${dirsOf(slot).join(' or ')})`);
      }
      try {
        await fs.mkdir(path.dirname(slot.originalPath), { recursive: true });
        await putBack(found, slot.originalPath); // never over a file that took the path meanwhile
      } catch (error) {
        throw errorCodeOf(error) ? error : fail(errorMessage(error), error);
      }
    },
  };
}

/** The Trash a file goes to: ~/.Trash on the home volume, else the volume's own `.Trashes/<uid>`. */
async function trashDirOf(originalPath: string, fileDev: number, homeDir: string, uid: number | undefined): Promise<string> {
  if ((await fs.stat(homeDir)).dev === fileDev) return path.join(homeDir, '.Trash');
  const owner = uid ?? process.getuid?.();
  if (owner === undefined) throw new TrashError(`Cannot move ${originalPath} to the Trash: no POSIX user id`);
  const volume = await mountPointOf(await fs.realpath(path.dirname(originalPath)), fileDev);
  return path.join(volume, '.Trashes', String(owner));
}
