/**
 * Live library: while the engine runs (the desktop app, `doppel serve`), the library's folders are
 * watched, and photos added, changed, moved or deleted under them are indexed without being asked.
 *
 * Changes are batched: a batch is indexed once the folders are quiet for `quietMs`, or at most
 * `maxWaitMs` after its first change while changes keep coming, as ONE incremental index job of
 * the folders it touched (stat-only for unchanged files). A copy of 5,000 photos is a handful of
 * jobs, not 5,000. A batch that falls due while a job runs waits for that job to end.
 *
 * Folders are watched, files are not: chokidar gives every file it watches a watch of its own (an
 * inotify watch on Linux, an open descriptor on macOS), and 100k photos would run out of them long
 * before a library is large. A folder's watch reports what happens to the names in it (the raw
 * events), which is all a batch needs: which library folder to index again. The incremental index
 * finds what changed by itself. A folder moved in or out is chokidar's addDir / unlinkDir.
 *
 * Symlinked folders are followed, as the scanner follows them, and each real folder (device +
 * inode) is watched once per library folder: a symlink loop (`ln -s . self`, `ln -s .. up`) is a
 * second path to a folder already watched, and is not walked again (chokidar alone walks it until
 * the paths grow too long: thousands of watches, then ELOOP).
 *
 * Each library folder is watched on its own. An error in one (a link to itself, a sub-folder gone
 * mid-walk) is logged and shown with that folder; it never stops the others. A folder removed or
 * unplugged shows as missing; the folders are checked every `rootCheckMs` (device + inode, so a
 * folder re-created or a drive re-mounted at the same path is another folder), and one that comes
 * back is watched again and indexed, so photos deleted meanwhile leave and new ones come in.
 *
 * Engine-side on purpose: the core stays free of long-lived watchers (the one-shot CLI never
 * watches). When the system runs out of watches (the inotify limit, ENOSPC) live updates stop for
 * every folder, to give the watches back, and say why in their state; nothing here ever takes the
 * engine down: indexing by hand still works.
 */
import fs from 'node:fs';
import path from 'node:path';
import { watch as chokidarWatch, type ChokidarOptions, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';
import { errnoCode, errorMessage } from '../core/errors.js';
import { isInside } from '../core/library-paths.js';
import { imageKindOf } from '../core/scan/image-types.js';
import { ErrorCodes, hasErrorCode } from '../shared/errors.js';
import type { AboutInfo, LibraryRoot, WatchedFolder } from '../shared/types.js';
import type { IndexJobs } from './index-jobs.js';

export type WatcherState = AboutInfo['watcher'];

export interface WatchTiming {
  /** Quiet time after the last change before a batch is indexed: a copy in progress is one batch. */
  readonly quietMs: number;
  /** Longest a batch waits while changes keep coming, so a long copy shows photos as it goes. */
  readonly maxWaitMs: number;
  /** How often each library folder is checked: gone, back, or another folder at the same path. */
  readonly rootCheckMs: number;
}

export const DEFAULT_WATCH_TIMING: WatchTiming = { quietMs: 1500, maxWaitMs: 10_000, rootCheckMs: 3000 };

/** Errors logged per watch of a folder; one loop can report thousands. */
const LOGGED_ERRORS = 5;

type LibraryFolder = Pick<LibraryRoot, 'path' | 'excludes' | 'missing'>;

/**
 * What the watcher did, for whoever needs to know that it had its chance (tests wait on this rather
 * than sleeping): `heard` a change a folder's watch reported (`counted` towards the next batch, or
 * left out: hidden, excluded, not a photo); `held` a batch that fell due while a job ran (it starts
 * when that job ends); `flushed` a batch, given to the index job `jobId` (null: nothing left to
 * index, or the job could not start, which is logged).
 */
export type WatchActivity =
  | { readonly type: 'heard'; readonly path: string; readonly counted: boolean }
  | { readonly type: 'held'; readonly folders: readonly string[] }
  | { readonly type: 'flushed'; readonly jobId: string | null; readonly folders: readonly string[] };

export interface LibraryWatcherOptions {
  readonly libraryDir: string;
  /** The library's folders now; read at start, after each job and on `refresh`. */
  readonly roots: () => readonly LibraryFolder[];
  readonly jobs: Pick<IndexJobs, 'start' | 'idle' | 'onSettled' | 'wasSetAside'>;
  readonly log: (line: string) => void;
  readonly timing?: Partial<WatchTiming>;
  /** Creates the watcher of one folder; chokidar's by default (a test injects a failure through it). */
  readonly watch?: (folder: string, options: ChokidarOptions) => FSWatcher;
  /** Told of each change heard and each batch held or flushed (see {@link WatchActivity}); must not throw. */
  readonly onActivity?: (activity: WatchActivity) => void;
}

/** What decides which paths of a folder matter; the exclusions change in place. */
interface RootRules {
  readonly path: string;
  excludesKey: string;
  isExcluded: (relative: string) => boolean;
}

interface WatchedRoot extends RootRules {
  readonly watcher: FSWatcher;
  /** Settles once chokidar walked the folder, or the watcher stopped. */
  readonly ready: Promise<void>;
  readonly markReady: () => void;
  /** The folder watched (device:inode): another one at its path is watched anew. */
  readonly identity: string;
  /** chokidar saw the folder itself go: watch it anew whatever its identity now. */
  gone: boolean;
  /** Errors heard from this watch; the last one is shown with the folder. */
  errors: number;
  lastError: string | null;
}

/** A library folder not watched now, and why. */
interface UnwatchedRoot {
  readonly state: 'missing' | 'error';
  readonly message: string;
}

export class LibraryWatcher {
  readonly #options: LibraryWatcherOptions;
  readonly #timing: WatchTiming;
  /** The library folder, as given and as its real path: never watched, even inside a root. */
  readonly #libraryDirs: readonly string[];
  readonly #watched = new Map<string, WatchedRoot>();
  readonly #unwatched = new Map<string, UnwatchedRoot>();
  /** The library's folders as last read, in its order; checked again by the timer. */
  #roots: readonly LibraryFolder[] = [];
  #checkTimer: ReturnType<typeof setInterval> | null = null;
  /** Folders with changes not yet given to an index job. */
  readonly #pending = new Set<string>();
  #quietTimer: ReturnType<typeof setTimeout> | null = null;
  #maxWaitTimer: ReturnType<typeof setTimeout> | null = null;
  /** A batch fell due while a job ran: it starts when that job ends. */
  #due = false;
  #failure: string | null = null;
  #started = false;
  #closed = false;
  #unsubscribe: (() => void) | null = null;

  constructor(options: LibraryWatcherOptions) {
    this.#options = options;
    this.#timing = { ...DEFAULT_WATCH_TIMING, ...options.timing };
    const libraryDir = path.resolve(options.libraryDir);
    this.#libraryDirs = [...new Set([libraryDir, realPathOrSelf(libraryDir)])];
  }

  /** Starts watching the library's folders, and follows the folders each index job adds. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#unsubscribe = this.#options.jobs.onSettled((job) => {
      this.refresh(); // the job may have added a folder
      // A live update set aside for the user's request (IndexJobs.yieldWatchJob) is owed again.
      if (this.#options.jobs.wasSetAside(job.id)) {
        for (const folder of job.roots) this.#pending.add(folder);
        this.#due = true;
      }
      // After the caller that was waiting for this job has started its own: user requests go first.
      if (this.#due) setTimeout(() => this.#flush(), 0);
    });
    this.refresh();
    // A folder removed, re-created or re-mounted tells nobody: each is looked at now and then.
    // Unref'd: the door keeps the process alive, not this timer.
    this.#checkTimer = setInterval(() => this.#check(), this.#timing.rootCheckMs);
    this.#checkTimer.unref();
  }

  /** For the About page: off, failed and why, or watching, with each library folder's state. */
  get state(): WatcherState {
    if (this.#failure !== null) return { state: 'failed', folders: 0, message: this.#failure, roots: [] };
    if (!this.#started || this.#closed) return { state: 'off', folders: 0, message: null, roots: [] };
    const roots = this.#roots.map((root): WatchedFolder => {
      const watched = this.#watched.get(root.path);
      if (watched) {
        const message = watched.lastError === null ? null : `some sub-folders are not watched: ${watched.lastError}`;
        return { path: root.path, state: 'watching', message };
      }
      const unwatched = this.#unwatched.get(root.path) ?? { state: 'error', message: 'not watched' };
      return { path: root.path, ...unwatched };
    });
    const missing = roots.filter((root) => root.state === 'missing').length;
    const failed = roots.filter((root) => root.state === 'error').length;
    const notes = [
      ...(missing > 0 ? [`${plural(missing)} missing: watched again when it comes back`] : []),
      ...(failed > 0 ? [`${plural(failed)} cannot be watched`] : []),
    ];
    const folders = roots.filter((root) => root.state === 'watching').length;
    return { state: 'watching', folders, message: notes.length > 0 ? notes.join('; ') : null, roots };
  }

  /** Resolves once every watched folder has been walked: changes from then on are seen (tests wait for it). */
  async ready(): Promise<void> {
    await Promise.all([...this.#watched.values()].map((root) => root.ready));
  }

  /**
   * Brings the watched folders in line with the library's (a folder added, removed, or missing
   * now; exclusions changed). Never throws: a failure is logged.
   */
  refresh(): void {
    if (!this.#started || this.#closed || this.#failure !== null) return;
    let roots: readonly LibraryFolder[];
    try {
      roots = this.#options.roots();
    } catch (error) {
      this.#options.log(`live updates: cannot read the library's folders: ${errorMessage(error)}`);
      return;
    }
    this.#roots = roots;
    this.#check();
  }

  /** Looks at the library's folders as last read again; from a timer, so it never throws. */
  #check(): void {
    try {
      this.#sync(this.#roots);
    } catch (error) {
      this.#options.log(`live updates: cannot check the library's folders: ${errorMessage(error)}`);
    }
  }

  /**
   * Watches each of `roots` that is there, and each that came back or was replaced anew (its
   * photos then indexed); closes the watch of one gone or taken out of the library.
   */
  #sync(roots: readonly LibraryFolder[]): void {
    if (!this.#started || this.#closed || this.#failure !== null) return;
    this.#roots = roots;
    const wanted = new Map(roots.map((root) => [root.path, root.excludes]));
    for (const [folder, root] of this.#watched) {
      if (wanted.has(folder)) continue;
      this.#unwatch(root);
    }
    for (const folder of this.#unwatched.keys()) if (!wanted.has(folder)) this.#unwatched.delete(folder);
    for (const [folder, excludes] of wanted) {
      const found = folderIdentity(folder);
      const existing = this.#watched.get(folder);
      if (typeof found !== 'string') {
        if (existing) this.#unwatch(existing);
        const before = this.#unwatched.get(folder);
        if (before?.state !== found.state || before.message !== found.message) {
          this.#options.log(`live updates: ${folder} ${found.state === 'missing' ? 'is missing' : 'cannot be watched'}: ${found.message}`);
        }
        this.#unwatched.set(folder, found);
        continue;
      }
      if (existing?.identity === found && !existing.gone) {
        if (existing.excludesKey !== JSON.stringify(excludes)) {
          existing.excludesKey = JSON.stringify(excludes);
          existing.isExcluded = excludeMatcher(excludes);
        }
        continue;
      }
      // Back after being missing, or another folder now at its path: what was indexed is stale.
      const back = existing !== undefined || this.#unwatched.has(folder);
      if (existing) this.#unwatch(existing);
      this.#unwatched.delete(folder);
      if (back) this.#options.log(`live updates: ${folder} is back: watching it again and indexing it`);
      this.#watch(folder, excludes, found, back);
    }
  }

  /** Stops watching; a batch not yet indexed is dropped (the next index of its folders sees it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearTimers();
    if (this.#checkTimer) clearInterval(this.#checkTimer);
    this.#checkTimer = null;
    this.#unsubscribe?.();
    const roots = [...this.#watched.values()];
    this.#watched.clear();
    this.#unwatched.clear();
    await Promise.all(roots.map((root) => this.#closeWatcher(root)));
  }

  /** Watches `folder`; `reindex`: index it once walked (it came back: its rows are stale). */
  #watch(folder: string, excludes: readonly string[], identity: string, reindex: boolean): void {
    const create = this.#options.watch ?? chokidarWatch;
    let markReady = (): void => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    // The rules exist before the watcher: chokidar asks about the folder itself inside `watch`.
    const rules: RootRules = { path: folder, excludesKey: JSON.stringify(excludes), isExcluded: excludeMatcher(excludes) };
    // Each real folder (device:inode) and the path it is watched at: the scanner's rule, which
    // keeps a symlink loop from being walked for ever.
    const realFolders = new Map<string, string>();
    let watcher: FSWatcher;
    try {
      watcher = create(folder, {
        ignoreInitial: true,
        // `persistent` stays on, although the door keeps the process alive anyway: only then does
        // chokidar listen for a native watch's own errors, and an unheard one would end the engine.
        // An unreadable sub-folder is skipped, as the scanner skips it; it must not stop the rest.
        ignorePermissionErrors: true,
        // Symlinked folders are followed, as the scanner follows them; `ignored` stops the loops.
        followSymlinks: true,
        // Files are never watched one by one (see above); folders the scanner skips are not watched.
        ignored: (file: string, stats?: fs.Stats) =>
          stats?.isFile() === true ||
          this.#outside(rules, file) ||
          (stats?.isDirectory() === true && seenElsewhere(realFolders, file, stats)),
      });
    } catch (error) {
      markReady();
      const message = errorMessage(error);
      this.#options.log(`live updates: cannot watch ${folder}: ${message}`);
      this.#unwatched.set(folder, { state: 'error', message });
      return;
    }
    const root: WatchedRoot = Object.assign(rules, { watcher, ready, markReady, identity, gone: false, errors: 0, lastError: null });
    this.#watched.set(folder, root);
    watcher
      .on('ready', () => {
        markReady();
        if (reindex) this.#changed(root);
      })
      .on('raw', (_event, name, details) => {
        const watchedPath = (details as { watchedPath?: unknown }).watchedPath;
        if (typeof watchedPath !== 'string') return;
        const changed = name ? path.resolve(watchedPath, name) : watchedPath;
        // No name (some platforms): something changed in that folder, which is enough.
        const counted = (!name || this.#isPhotoChange(rules, changed)) && this.#changed(root);
        this.#options.onActivity?.({ type: 'heard', path: changed, counted });
      })
      .on('addDir', (dir) => {
        const counted = dir !== folder && this.#changed(root);
        this.#options.onActivity?.({ type: 'heard', path: dir, counted });
      })
      .on('unlinkDir', (dir) => {
        const counted = dir !== folder && this.#changed(root);
        if (dir === folder) this.#rootGone(root);
        this.#options.onActivity?.({ type: 'heard', path: dir, counted });
      })
      .on('error', (error: unknown) => this.#heard(root, error));
  }

  /** The folder itself went (removed, renamed, unmounted): say so now, watch it again once back. */
  #rootGone(root: WatchedRoot): void {
    if (this.#closed || this.#watched.get(root.path) !== root) return;
    root.gone = true;
    // Not from inside chokidar's own event: the sync closes this watcher.
    setImmediate(() => this.#check());
  }

  /**
   * An error of one folder's watch. The system's limits stop every watch (see `#fail`); anything
   * else (a symlink to itself, a sub-folder gone mid-walk) stays with its folder: logged, shown,
   * and the rest of the folder and the other folders are still watched. Also heard after the
   * watch closed, when chokidar's walks still report (an unheard `error` would end the engine).
   */
  #heard(root: WatchedRoot, error: unknown): void {
    if (this.#closed || this.#watched.get(root.path) !== root) return;
    const code = errnoCode(error);
    if (code === 'ENOSPC' || code === 'EMFILE') {
      this.#fail(root.path, error);
      return;
    }
    root.errors += 1;
    root.lastError = errorMessage(error);
    if (root.errors <= LOGGED_ERRORS) this.#options.log(`live updates: in ${root.path}: ${root.lastError}`);
    if (root.errors === LOGGED_ERRORS) this.#options.log(`live updates: further errors in ${root.path} are not logged`);
    // The folder itself may have gone: look now rather than at the next check.
    if ((error as { path?: unknown } | null)?.path === root.path) setImmediate(() => this.#check());
  }

  #unwatch(root: WatchedRoot): void {
    this.#watched.delete(root.path);
    this.#pending.delete(root.path);
    this.#closeWatcher(root).catch(() => {}); // logged inside
  }

  /** True for a path the scanner leaves out: a hidden name, an excluded path, the library folder. */
  #outside(root: RootRules, file: string): boolean {
    if (file === root.path) return false;
    if (this.#libraryDirs.some((dir) => file === dir || isInside(file, dir))) return true;
    const relative = path.relative(root.path, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return false; // a parent, asked about by chokidar
    if (relative.split(path.sep).some((part) => part.startsWith('.'))) return true;
    return root.isExcluded(relative) || root.isExcluded(relative.split(path.sep).join('/'));
  }

  #isPhotoChange(root: RootRules, file: string): boolean {
    return imageKindOf(file) !== null && isInside(file, root.path) && !this.#outside(root, file);
  }

  /** Adds the folder to the next batch; false when its watch is no longer current (closed, or replaced). */
  #changed(root: WatchedRoot): boolean {
    if (this.#closed || this.#watched.get(root.path) !== root) return false;
    this.#pending.add(root.path);
    if (this.#quietTimer) clearTimeout(this.#quietTimer);
    this.#quietTimer = setTimeout(() => this.#flush(), this.#timing.quietMs);
    this.#maxWaitTimer ??= setTimeout(() => this.#flush(), this.#timing.maxWaitMs);
    return true;
  }

  /** Starts the index job of the pending batch, or marks it due when a job runs. */
  #flush(): void {
    this.#clearTimers();
    if (this.#closed || this.#pending.size === 0) return;
    if (!this.#options.jobs.idle) {
      this.#due = true;
      this.#options.onActivity?.({ type: 'held', folders: [...this.#pending] });
      return;
    }
    // A folder unplugged since its change is left alone: indexing it would fail, and its photos
    // stay listed until it comes back or is removed.
    const roots = [...this.#pending].filter((folder) => this.#watched.has(folder) && isFolder(folder));
    this.#pending.clear();
    this.#due = false;
    if (roots.length === 0) {
      this.#options.onActivity?.({ type: 'flushed', jobId: null, folders: roots });
      return;
    }
    try {
      const jobId = this.#options.jobs.start(roots, 'watch');
      this.#options.log(`live updates: job ${jobId} indexes the changes in ${roots.join(', ')}`);
      this.#options.onActivity?.({ type: 'flushed', jobId, folders: roots });
    } catch (error) {
      // Runs from a timer: a throw here would take the engine down.
      if (hasErrorCode(error, ErrorCodes.jobRunning)) {
        for (const folder of roots) this.#pending.add(folder);
        this.#due = true;
        this.#options.onActivity?.({ type: 'held', folders: roots });
      } else {
        this.#options.log(`live updates: cannot index the changes in ${roots.join(', ')}: ${errorMessage(error)}`);
        this.#options.onActivity?.({ type: 'flushed', jobId: null, folders: roots });
      }
    }
  }

  #fail(folder: string, error: unknown): void {
    if (this.#closed || this.#failure !== null) return;
    this.#failure = failureMessage(folder, error);
    this.#options.log(`live updates: ${this.#failure}`);
    if (this.#checkTimer) clearInterval(this.#checkTimer);
    this.#checkTimer = null;
    // Give the watches back: at the system's limit, other programs need them too.
    const roots = [...this.#watched.values()];
    this.#watched.clear();
    this.#unwatched.clear();
    for (const root of roots) this.#closeWatcher(root).catch(() => {}); // logged inside
  }

  /** Closes one folder's watch; it keeps an error listener for good (chokidar's close drops them all). */
  async #closeWatcher(root: WatchedRoot): Promise<void> {
    root.markReady();
    let closing: Promise<void>;
    try {
      closing = root.watcher.close();
    } finally {
      // A walk still running reports its errors after close(), which removed every listener; an
      // `error` event without one throws, from a callback, and would end the process.
      root.watcher.on('error', () => {});
    }
    try {
      await closing;
    } catch (error) {
      this.#options.log(`live updates: cannot stop watching ${root.path}: ${errorMessage(error)}`);
    }
  }

  #clearTimers(): void {
    if (this.#quietTimer) clearTimeout(this.#quietTimer);
    if (this.#maxWaitTimer) clearTimeout(this.#maxWaitTimer);
    this.#quietTimer = null;
    this.#maxWaitTimer = null;
  }
}

/** The scanner's matcher (src/core/scan/scanner.ts): the same patterns, the same options. */
function excludeMatcher(excludes: readonly string[]): (relative: string) => boolean {
  return excludes.length > 0 ? picomatch([...excludes], { dot: true }) : () => false;
}

function failureMessage(folder: string, error: unknown): string {
  const stopped = `Live updates stopped while watching ${folder}`;
  switch (errnoCode(error)) {
    case 'ENOSPC':
      return `${stopped}: the system's limit on watched files was reached (raise fs.inotify.max_user_watches, then restart Doppel); index your folders by hand meanwhile`;
    case 'EMFILE':
      return `${stopped}: too many open files (raise the open-files limit, then restart Doppel); index your folders by hand meanwhile`;
    default:
      return `${stopped}: ${errorMessage(error)}; index your folders by hand meanwhile`;
  }
}

/**
 * True when `file`, a folder, is a second path to a real folder already watched at another path
 * that still leads to it (a symlink to it, a loop). The first path seen keeps it, as in the scanner.
 */
function seenElsewhere(realFolders: Map<string, string>, file: string, stats: fs.Stats): boolean {
  const key = `${stats.dev}:${stats.ino}`;
  const owner = realFolders.get(key);
  if (owner !== undefined && owner !== file) {
    let ownerStats: fs.Stats | undefined;
    try {
      ownerStats = fs.statSync(owner, { throwIfNoEntry: false });
    } catch {
      ownerStats = undefined; // unreadable now: this path takes over
    }
    if (ownerStats?.isDirectory() && ownerStats.dev === stats.dev && ownerStats.ino === stats.ino) return true;
  }
  // First seen, or its first path leads elsewhere now (moved, removed; an inode reused).
  realFolders.set(key, file);
  return false;
}

/**
 * The folder at `folder` (device:inode), or why it cannot be watched. Not its birth time: where the
 * system has none, Node gives the change time, which every photo added changes.
 */
function folderIdentity(folder: string): string | UnwatchedRoot {
  try {
    const stats = fs.statSync(folder);
    if (!stats.isDirectory())
      return { state: 'missing', message: 'not a folder any more: watched again once a folder is back at its path' };
    return `${stats.dev}:${stats.ino}`;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { state: 'missing', message: 'not found (removed, renamed, or on a drive not plugged in): watched again when it comes back' };
    }
    return { state: 'error', message: errorMessage(error) };
  }
}

function plural(folders: number): string {
  return folders === 1 ? '1 folder' : `${folders} folders`;
}

function isFolder(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

function realPathOrSelf(folder: string): string {
  try {
    return fs.realpathSync(folder);
  } catch {
    return folder;
  }
}
