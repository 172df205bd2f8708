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
 * Engine-side on purpose: the core stays free of long-lived watchers (the one-shot CLI never
 * watches). A watcher that fails (the inotify limit, ENOSPC) stops, says why in its state, and
 * never takes the engine down: indexing by hand still works.
 */
import fs from 'node:fs';
import path from 'node:path';
import { watch as chokidarWatch, type ChokidarOptions, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';
import { errnoCode, errorMessage } from '../core/errors.js';
import { isInside } from '../core/library-paths.js';
import { imageKindOf } from '../core/scan/image-types.js';
import { ErrorCodes, hasErrorCode } from '../shared/errors.js';
import type { AboutInfo, LibraryRoot } from '../shared/types.js';
import type { IndexJobs } from './index-jobs.js';

export type WatcherState = AboutInfo['watcher'];

export interface WatchTiming {
  /** Quiet time after the last change before a batch is indexed: a copy in progress is one batch. */
  readonly quietMs: number;
  /** Longest a batch waits while changes keep coming, so a long copy shows photos as it goes. */
  readonly maxWaitMs: number;
}

export const DEFAULT_WATCH_TIMING: WatchTiming = { quietMs: 1500, maxWaitMs: 10_000 };

export interface LibraryWatcherOptions {
  readonly libraryDir: string;
  /** The library's folders now; read at start, after each job and on `refresh`. */
  readonly roots: () => readonly Pick<LibraryRoot, 'path' | 'excludes' | 'missing'>[];
  readonly jobs: Pick<IndexJobs, 'start' | 'idle' | 'onSettled' | 'wasSetAside'>;
  readonly log: (line: string) => void;
  readonly timing?: Partial<WatchTiming>;
  /** Creates the watcher of one folder; chokidar's by default (a test injects a failure through it). */
  readonly watch?: (folder: string, options: ChokidarOptions) => FSWatcher;
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
}

export class LibraryWatcher {
  readonly #options: LibraryWatcherOptions;
  readonly #timing: WatchTiming;
  /** The library folder, as given and as its real path: never watched, even inside a root. */
  readonly #libraryDirs: readonly string[];
  readonly #watched = new Map<string, WatchedRoot>();
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
  }

  /** For the About page: off, watching how many folders, or failed and why. */
  get state(): WatcherState {
    if (this.#failure !== null) return { state: 'failed', folders: 0, message: this.#failure };
    if (!this.#started || this.#closed) return { state: 'off', folders: 0, message: null };
    return { state: 'watching', folders: this.#watched.size, message: null };
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
    let roots: readonly Pick<LibraryRoot, 'path' | 'excludes' | 'missing'>[];
    try {
      roots = this.#options.roots();
    } catch (error) {
      this.#options.log(`live updates: cannot read the library's folders: ${errorMessage(error)}`);
      return;
    }
    const wanted = new Map(roots.filter((root) => !root.missing).map((root) => [root.path, root.excludes]));
    for (const [folder, root] of this.#watched) {
      if (wanted.has(folder)) continue;
      this.#watched.delete(folder);
      this.#pending.delete(folder);
      this.#closeWatcher(root);
    }
    for (const [folder, excludes] of wanted) {
      const existing = this.#watched.get(folder);
      if (!existing) this.#watch(folder, excludes);
      else if (existing.excludesKey !== JSON.stringify(excludes)) {
        existing.excludesKey = JSON.stringify(excludes);
        existing.isExcluded = excludeMatcher(excludes);
      }
    }
  }

  /** Stops watching; a batch not yet indexed is dropped (the next index of its folders sees it). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearTimers();
    this.#unsubscribe?.();
    const roots = [...this.#watched.values()];
    this.#watched.clear();
    for (const root of roots) root.markReady();
    await Promise.all(roots.map((root) => root.watcher.close()));
  }

  #watch(folder: string, excludes: readonly string[]): void {
    const create = this.#options.watch ?? chokidarWatch;
    let markReady = (): void => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    // The rules exist before the watcher: chokidar asks about the folder itself inside `watch`.
    const rules: RootRules = { path: folder, excludesKey: JSON.stringify(excludes), isExcluded: excludeMatcher(excludes) };
    const watcher = create(folder, {
      ignoreInitial: true,
      // `persistent` stays on, although the door keeps the process alive anyway: only then does
      // chokidar listen for a native watch's own errors, and an unheard one would end the engine.
      // An unreadable sub-folder is skipped, as the scanner skips it; it must not stop the rest.
      ignorePermissionErrors: true,
      // Files are never watched one by one (see above); folders the scanner skips are not watched.
      ignored: (file: string, stats?: fs.Stats) => stats?.isFile() === true || this.#outside(rules, file),
    });
    const root: WatchedRoot = Object.assign(rules, { watcher, ready, markReady });
    this.#watched.set(folder, root);
    watcher
      .on('ready', markReady)
      .on('raw', (_event, name, details) => {
        const watchedPath = (details as { watchedPath?: unknown }).watchedPath;
        if (typeof watchedPath !== 'string') return;
        // No name (some platforms): something changed in that folder, which is enough.
        if (!name || this.#isPhotoChange(rules, path.resolve(watchedPath, name))) this.#changed(root);
      })
      .on('addDir', (dir) => {
        if (dir !== folder) this.#changed(root);
      })
      .on('unlinkDir', () => this.#changed(root))
      .on('error', (error: unknown) => this.#fail(folder, error));
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

  #changed(root: WatchedRoot): void {
    if (this.#closed || this.#watched.get(root.path) !== root) return;
    this.#pending.add(root.path);
    if (this.#quietTimer) clearTimeout(this.#quietTimer);
    this.#quietTimer = setTimeout(() => this.#flush(), this.#timing.quietMs);
    this.#maxWaitTimer ??= setTimeout(() => this.#flush(), this.#timing.maxWaitMs);
  }

  /** Starts the index job of the pending batch, or marks it due when a job runs. */
  #flush(): void {
    this.#clearTimers();
    if (this.#closed || this.#pending.size === 0) return;
    if (!this.#options.jobs.idle) {
      this.#due = true;
      return;
    }
    // A folder unplugged since its change is left alone: indexing it would fail, and its photos
    // stay listed until it comes back or is removed.
    const roots = [...this.#pending].filter((folder) => this.#watched.has(folder) && isFolder(folder));
    this.#pending.clear();
    this.#due = false;
    if (roots.length === 0) return;
    try {
      const jobId = this.#options.jobs.start(roots, 'watch');
      this.#options.log(`live updates: job ${jobId} indexes the changes in ${roots.join(', ')}`);
    } catch (error) {
      // Runs from a timer: a throw here would take the engine down.
      if (hasErrorCode(error, ErrorCodes.jobRunning)) {
        for (const folder of roots) this.#pending.add(folder);
        this.#due = true;
      } else this.#options.log(`live updates: cannot index the changes in ${roots.join(', ')}: ${errorMessage(error)}`);
    }
  }

  #fail(folder: string, error: unknown): void {
    if (this.#closed || this.#failure !== null) return;
    this.#failure = failureMessage(folder, error);
    this.#options.log(`live updates: ${this.#failure}`);
    // Give the watches back: at the system's limit, other programs need them too.
    const roots = [...this.#watched.values()];
    this.#watched.clear();
    for (const root of roots) this.#closeWatcher(root);
  }

  #closeWatcher(root: WatchedRoot): void {
    root.markReady();
    root.watcher.close().catch((error: unknown) => {
      this.#options.log(`live updates: cannot stop watching ${root.path}: ${errorMessage(error)}`);
    });
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
