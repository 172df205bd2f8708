/**
 * The FreeDesktop.org trash (Trash specification 1.0), hand-written because undo needs to know
 * where each file went and no maintained package says so. A file only ever moves by `rename`
 * inside its own filesystem: it is never copied and never deleted.
 * https://specifications.freedesktop.org/trash-spec/trashspec-1.0.html
 */
import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, errnoCode, errorMessage } from '../errors';
import { errorCodeOf } from '../../shared/errors';
import { TrashError, formatTrashInfo, readTrashInfo } from './trash-info';

export { TrashError, readTrashInfo, type TrashInfo } from './trash-info';

/** Where a trashed file came from and where it (and its `.trashinfo`) now lie. */
export interface TrashedFile {
  /** The file's path before trashing, with symlinked folders resolved: where `restoreFile` puts it. */
  readonly originalPath: string;
  readonly trashedPath: string;
  readonly infoPath: string;
}

/** A trash folder that may receive a file: `topdir` is set for a top-directory trash. */
export interface TrashDir {
  readonly root: string;
  readonly topdir?: string;
}

const STICKY_BIT = 0o1000;
/** Sequential names (`a.2.jpg`, `a.3.jpg`) up to here; beyond, random numbers keep a big clean-up of same-named duplicates from probing quadratically. */
const SEQUENTIAL_NAMES = 100;
const MAX_NAME_ATTEMPTS = 1000;
/** `link` errors meaning "this filesystem has no hard links" (FAT, some FUSE and network mounts), not "the path is taken". */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * The trash folders to try for a file, best first: the home trash when the file shares its device,
 * else `$topdir/.Trash/$uid` when `$topdir/.Trash` is a real sticky folder (the spec forbids using
 * it otherwise, since any user could have planted it), then `$topdir/.Trash-$uid`.
 * @example chooseTrashDirs({ fileDev: 2, homeTrashDev: 1, homeTrash, topdir: '/media/usb', uid: 1000, sharedTrash: undefined })
 *   // → [{ root: '/media/usb/.Trash-1000', topdir: '/media/usb' }]
 */
export function chooseTrashDirs(input: {
  readonly fileDev: number;
  readonly homeTrashDev: number;
  readonly homeTrash: string;
  readonly topdir: string;
  readonly uid: number;
  /** lstat of `$topdir/.Trash`, undefined when it does not exist. */
  readonly sharedTrash: Pick<Stats, 'isDirectory' | 'isSymbolicLink' | 'mode'> | undefined;
}): TrashDir[] {
  if (input.fileDev === input.homeTrashDev) return [{ root: input.homeTrash }];
  const { topdir, uid, sharedTrash } = input;
  const perUser = { root: path.join(topdir, `.Trash-${uid}`), topdir };
  const sharedUsable =
    sharedTrash !== undefined && sharedTrash.isDirectory() && !sharedTrash.isSymbolicLink() && (sharedTrash.mode & STICKY_BIT) !== 0;
  return sharedUsable ? [{ root: path.join(topdir, '.Trash', String(uid)), topdir }, perUser] : [perUser];
}

/** Options of `trashFile` and `reserveTrashSlot`: the environment for `XDG_DATA_HOME`/`HOME`, and the DeletionDate. */
export interface TrashOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: Date;
}

/**
 * Moves one regular file to the trash of the filesystem it lives on and says where it went:
 * `reserveTrashSlot` then `moveToTrash`, giving the slot back when the move fails.
 * @example const item = await trashFile('/photos/a.jpg'); // item.trashedPath: ~/.local/share/Trash/files/a.jpg
 */
export async function trashFile(filePath: string, options: TrashOptions = {}): Promise<TrashedFile> {
  const slot = await reserveTrashSlot(filePath, options);
  try {
    await moveToTrash(slot);
  } catch (error) {
    await releaseTrashSlot(slot); // an info file without its file would list a ghost in the trash
    throw error;
  }
  return slot;
}

/**
 * Claims the place in the trash where `filePath` will go, moving nothing: its `.trashinfo` is
 * written first and created exclusively, as the spec asks, so two trashings never share a name.
 * Split from the move so a caller can journal the destination before the file moves.
 */
export async function reserveTrashSlot(filePath: string, options: TrashOptions = {}): Promise<TrashedFile> {
  const absolute = path.resolve(filePath);
  const stats = await assertRegularFile(absolute);
  try {
    // The real parent, so the topdir and a topdir-relative Path describe where the bytes really are.
    const originalPath = path.join(await fs.realpath(path.dirname(absolute)), path.basename(absolute));
    const trashDir = await openTrashDir(originalPath, stats.dev, options.env ?? process.env);
    const recordedPath = trashDir.topdir === undefined ? originalPath : path.relative(trashDir.topdir, originalPath);
    const info = formatTrashInfo(recordedPath, options.now ?? new Date());
    const name = await claimTrashName(trashDir.root, path.basename(originalPath), info);
    return { originalPath, trashedPath: path.join(trashDir.root, 'files', name), infoPath: infoPathOf(trashDir.root, name) };
  } catch (error) {
    throw new TrashError(`Cannot move ${absolute} to the trash: ${errorMessage(error)}`, { cause: error });
  }
}

/** Moves a file into the slot `reserveTrashSlot` claimed for it (a rename: same filesystem, never a copy). */
export async function moveToTrash(slot: TrashedFile): Promise<void> {
  await assertRegularFile(slot.originalPath);
  try {
    // Without its info file the file would be invisible to every trash UI.
    if (!(await exists(slot.infoPath))) throw new Error(`its trash slot ${slot.infoPath} was given back`);
    // rename replaces silently, and what sits in the trash must never be deleted.
    if (await exists(slot.trashedPath)) throw new Error(`${slot.trashedPath} is taken in the trash`);
    await fs.rename(slot.originalPath, slot.trashedPath);
  } catch (error) {
    throw new TrashError(`Cannot move ${slot.originalPath} to the trash: ${errorMessage(error)}`, { cause: error });
  }
}

/** Gives back a slot whose move did not happen by removing its `.trashinfo`; refused while the file is in the trash, which would orphan it. */
export async function releaseTrashSlot(slot: TrashedFile): Promise<void> {
  try {
    if (await exists(slot.trashedPath)) throw new Error(`${slot.trashedPath} is in the trash`);
    await fs.rm(slot.infoPath, { force: true });
  } catch (error) {
    throw new TrashError(`Cannot give back the trash slot ${slot.infoPath}: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * Puts a trashed file back at its original path and removes its `.trashinfo`. Never overwrites:
 * a hard link fails atomically when the path is taken again, and only then is the trash entry dropped.
 */
export async function restoreFile(item: TrashedFile): Promise<void> {
  const { originalPath, trashedPath } = item;
  const fail = (reason: string, cause?: unknown) => new TrashError(`Cannot restore ${originalPath}: ${reason}`, { cause });
  try {
    await fs.lstat(trashedPath);
  } catch (error) {
    throw fail(errnoCode(error) === 'ENOENT' ? `it is no longer in the trash (${trashedPath} is gone)` : errorMessage(error), error);
  }
  const info = await readTrashInfo(item.infoPath).catch((error: unknown) => {
    throw fail(`cannot read its trash info: ${errorMessage(error)}`, error);
  });
  if (info.originalPath !== path.resolve(originalPath)) throw fail(`${item.infoPath} records ${info.originalPath} instead`);
  try {
    await fs.mkdir(path.dirname(originalPath), { recursive: true });
    await putBack(trashedPath, originalPath);
    await fs.rm(item.infoPath, { force: true });
  } catch (error) {
    throw errorCodeOf(error) ? error : fail(errorMessage(error), error); // ours already says what failed
  }
}

/** lstat of a file about to be trashed: a missing path, a folder or a symlink is refused. */
async function assertRegularFile(absolute: string): Promise<Stats> {
  const refuse = (reason: string, cause?: unknown) =>
    new InvalidArgumentError(`Cannot move ${absolute} to the trash: ${reason}`, { cause });
  const stats = await fs.lstat(absolute).catch((error: unknown) => {
    throw errnoCode(error) === 'ENOENT'
      ? refuse('no such file', error)
      : new TrashError(`Cannot move ${absolute} to the trash: ${errorMessage(error)}`, { cause: error });
  });
  if (!stats.isFile()) throw refuse('not a regular file (folders and symlinks are refused)');
  return stats;
}

/** Picks the trash for a file on device `fileDev` and makes sure its `files/` and `info/` exist. */
async function openTrashDir(originalPath: string, fileDev: number, env: NodeJS.ProcessEnv): Promise<TrashDir> {
  const homeTrash = homeTrashPath(env);
  const homeTrashDev = await deviceOfNearestAncestor(homeTrash);
  const uid = process.getuid?.();
  if (uid === undefined) throw new Error('the freedesktop.org trash needs a POSIX user id');
  const topdir = await mountPointOf(path.dirname(originalPath), fileDev);
  // An unreadable `.Trash` is as unusable as a missing one: `.Trash-$uid` is the spec's answer to both.
  const sharedTrash = await fs.lstat(path.join(topdir, '.Trash')).catch(() => undefined);
  let lastError: unknown;
  for (const candidate of chooseTrashDirs({ fileDev, homeTrashDev, homeTrash, topdir, uid, sharedTrash })) {
    try {
      if (candidate.topdir !== undefined) await assertOwnTopdirTrash(candidate.root, uid);
      await fs.mkdir(path.join(candidate.root, 'files'), { recursive: true, mode: 0o700 });
      await fs.mkdir(path.join(candidate.root, 'info'), { recursive: true, mode: 0o700 });
      return candidate;
    } catch (error) {
      lastError = error; // the spec's fallback: an unusable `.Trash/$uid` gives way to `.Trash-$uid`
    }
  }
  throw new Error(`no usable trash folder on its filesystem (${errorMessage(lastError)})`, { cause: lastError });
}

/** Creates a top-directory trash (0700) if needed and checks that it is our own real folder, not something planted on a shared disk. */
async function assertOwnTopdirTrash(root: string, uid: number): Promise<void> {
  await fs.mkdir(root, { mode: 0o700 }).catch((error: unknown) => {
    if (errnoCode(error) !== 'EEXIST') throw error;
  });
  const stats = await fs.lstat(root);
  if (!stats.isDirectory() || stats.uid !== uid) throw new Error(`${root} is not a folder owned by user ${uid}`);
}

/** Claims the first free name (`a.jpg`, `a.2.jpg`, …) by creating its info file exclusively. */
async function claimTrashName(root: string, baseName: string, info: string): Promise<string> {
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const number = attempt <= SEQUENTIAL_NAMES ? attempt : SEQUENTIAL_NAMES + 1 + Math.floor(Math.random() * 1e9);
    const name = trashEntryName(baseName, number);
    if (!(await createExclusive(infoPathOf(root, name), info))) continue;
    // An entry in files/ without info (left by another tool) still owns its name.
    if (!(await exists(path.join(root, 'files', name)))) return name;
    await fs.rm(infoPathOf(root, name), { force: true });
  }
  throw new Error(`no free name for ${baseName} in ${root} after ${MAX_NAME_ATTEMPTS} attempts`);
}

/** The longest file name most filesystems take (ext4, XFS, Btrfs, APFS: 255 bytes). */
const MAX_NAME_BYTES = 255;
const INFO_SUFFIX = '.trashinfo';

/**
 * The name of a trash entry: the file's own name, numbered from the second of that name on
 * (`a.jpg`, `a.2.jpg`), its stem shortened at a character boundary where the name plus
 * `.trashinfo` would pass 255 bytes, as desktop trashes do; the `.trashinfo` keeps the full path.
 * @example trashEntryName('a.jpg', 2) // 'a.2.jpg'
 */
export function trashEntryName(baseName: string, number: number): string {
  let extension = path.extname(baseName);
  if (Buffer.byteLength(extension) > 16) extension = ''; // not a real extension: part of the name to shorten
  const stem = baseName.slice(0, baseName.length - extension.length);
  const suffix = `${number === 1 ? '' : `.${number}`}${extension}`;
  const budget = MAX_NAME_BYTES - Buffer.byteLength(INFO_SUFFIX) - Buffer.byteLength(suffix);
  let kept = '';
  let bytes = 0;
  for (const character of stem) {
    const size = Buffer.byteLength(character);
    if (bytes + size > budget) break;
    kept += character;
    bytes += size;
  }
  return `${kept}${suffix}`;
}

/**
 * Writes `content` to a new file; false when the file already exists. The content is written to a
 * hidden temp file first and hard-linked into place, so the file appears whole or not at all (a
 * kill -9 mid-write must not leave an empty `.trashinfo` in the user's trash); where the filesystem
 * has no hard links, it is created exclusively and written, and a half-written file is removed.
 */
async function createExclusive(filePath: string, content: string): Promise<boolean> {
  const temp = path.join(path.dirname(filePath), `${TEMP_PREFIX}${process.pid}-${randomUUID()}.tmp`);
  await fs.writeFile(temp, content, { flag: 'wx', mode: 0o600 });
  try {
    await fs.link(temp, filePath);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') return false;
    if (code === undefined || !LINK_UNSUPPORTED.has(code)) throw error;
    return await writeExclusive(filePath, content);
  } finally {
    await fs.rm(temp, { force: true });
  }
}

async function writeExclusive(filePath: string, content: string): Promise<boolean> {
  const handle = await fs.open(filePath, 'wx', 0o600).catch((error: unknown) => {
    if (errnoCode(error) === 'EEXIST') return undefined;
    throw error;
  });
  if (handle === undefined) return false;
  try {
    await handle.writeFile(content);
  } catch (error) {
    await handle.close();
    await fs.rm(filePath, { force: true });
    throw error;
  }
  await handle.close();
  return true;
}

/** Temp files of `createExclusive` in a trash's `info/`: hidden, so no trash UI lists them. */
const TEMP_PREFIX = '.doppel-';

/**
 * Gives back every place in the trash claimed for `filePath` that holds no file: what a crash
 * between claiming a place and journaling it leaves (a `.trashinfo` recording this very path, with
 * nothing in `files/`), and the temp files of claims made by processes no longer running. Entries
 * of other programs, and any entry whose file is in the trash, are left alone. Returns how many.
 */
export async function releaseUnrecordedSlots(filePath: string, options: TrashOptions = {}): Promise<number> {
  const absolute = path.resolve(filePath);
  const stats = await fs.lstat(absolute).catch(() => null);
  if (!stats?.isFile()) return 0; // it moved after all, or is gone: nothing of ours to find by it
  const originalPath = path.join(await fs.realpath(path.dirname(absolute)), path.basename(absolute));
  const trashDir = await openTrashDir(originalPath, stats.dev, options.env ?? process.env);
  const infoDir = path.join(trashDir.root, 'info');
  const firstName = trashEntryName(path.basename(originalPath), 1);
  const stem = firstName.slice(0, firstName.length - path.extname(firstName).length);
  let released = 0;
  for (const name of await fs.readdir(infoDir)) {
    if (name.startsWith(TEMP_PREFIX) && !isRunning(Number(name.slice(TEMP_PREFIX.length).split('-')[0]))) {
      await fs.rm(path.join(infoDir, name), { force: true });
      continue;
    }
    if (!name.startsWith(stem) || !name.endsWith(INFO_SUFFIX)) continue;
    const entry = name.slice(0, -INFO_SUFFIX.length);
    if (await exists(path.join(trashDir.root, 'files', entry))) continue;
    const info = await readTrashInfo(path.join(infoDir, name)).catch(() => null);
    if (info?.originalPath !== originalPath) continue;
    await fs.rm(path.join(infoDir, name), { force: true });
    released += 1;
  }
  return released;
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM'; // alive, another user's
  }
}

/** Moves `from` to `to` without ever replacing what is at `to` (the desktop app's macOS trash restores with it too). */
export async function putBack(from: string, to: string): Promise<void> {
  const taken = () => new InvalidArgumentError(`Cannot restore ${to}: the original path is taken again`);
  try {
    await fs.link(from, to);
  } catch (error) {
    const code = errnoCode(error);
    // Already linked back by a put-back that stopped before its unlink (a kill -9): finish it.
    if (code === 'EEXIST' && (await oneInode(from, to))) {
      await fs.unlink(from);
      return;
    }
    if (code === 'EEXIST') throw taken();
    if (code === undefined || !LINK_UNSUPPORTED.has(code)) throw error;
    // No hard links here: check then rename, which leaves a tiny race window the link does not.
    if (await exists(to)) throw taken();
    await fs.rename(from, to);
    return;
  }
  // Test hook: a kill -9 between the two names (see UndoService's faults).
  if (process.env.DOPPEL_FAULT === 'undo:after-link') process.kill(process.pid, 'SIGKILL');
  await fs.unlink(from).catch(async (error: unknown) => {
    await fs.unlink(to); // back to one name, still in the trash, so the restore can be retried
    throw error;
  });
}

/** True when both paths name one inode (two hard links of one file). */
async function oneInode(a: string, b: string): Promise<boolean> {
  const [first, second] = await Promise.all([fs.lstat(a), fs.lstat(b)]).catch(() => [undefined, undefined]);
  return first !== undefined && second !== undefined && first.ino !== 0 && first.dev === second.dev && first.ino === second.ino;
}

function homeTrashPath(env: NodeJS.ProcessEnv): string {
  const dataHome = env.XDG_DATA_HOME;
  // The XDG base directory spec: a relative value is invalid and ignored.
  if (dataHome !== undefined && path.isAbsolute(dataHome)) return path.join(dataHome, 'Trash');
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : os.homedir();
  return path.join(home, '.local', 'share', 'Trash');
}

/** st_dev of `target`, or of its nearest existing ancestor while the home trash does not exist yet. */
async function deviceOfNearestAncestor(target: string): Promise<number> {
  for (let current = target; ; current = path.dirname(current)) {
    try {
      return (await fs.stat(current)).dev;
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT' || path.dirname(current) === current) throw error;
    }
  }
}

/** The mount point above `dir`: the highest ancestor still on device `dev`. */
export async function mountPointOf(dir: string, dev: number): Promise<string> {
  let current = dir;
  for (let parent = path.dirname(current); parent !== current; parent = path.dirname(current)) {
    if ((await fs.stat(parent)).dev !== dev) break;
    current = parent;
  }
  return current;
}

const infoPathOf = (root: string, name: string) => path.join(root, 'info', `${name}${INFO_SUFFIX}`);

async function exists(target: string): Promise<boolean> {
  try {
    await fs.lstat(target);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}
