/**
 * Hosts one `Doppel` and answers contract calls with Result envelopes. Runs inside the Electron
 * engine utility process and, unchanged, inside the browser-mode bridge: it must stay free of
 * Electron (scripts/check-imports.mjs enforces that for src/engine).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TrashBin } from '../core/trash/trash-bin.js';
import { Doppel } from '../core/doppel.js';
import { isInside } from '../core/library-paths.js';
import { isChannel } from '../shared/channels.js';
import { parseChannelInput, type AppEvent } from '../shared/ipc-contract.js';
import { ErrorCodes, toAppError } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';
import { BROWSER_IMAGE_TYPES } from '../shared/thumbnails.js';
import { channelHandlers, type HandlerContext } from './channel-handlers.js';
import { IndexJobs, type IndexFunction } from './index-jobs.js';
import { LibraryWatcher, type WatchActivity, type WatchTiming } from './library-watcher.js';
import { ReviewPages } from './review-pages.js';

export interface EngineServiceOptions {
  /** Library folder; the core's per-user default when left out. */
  readonly libraryDir?: string;
  readonly onEvent: (event: AppEvent) => void;
  readonly log?: (line: string) => void;
  /** Where clean-up sends files; default: the core's (the desktop engine passes main's on macOS and Windows). */
  readonly trashBin?: TrashBin;
  /**
   * Live library: watch the library's folders and index changed photos on its own (see
   * {@link LibraryWatcher}). The long-lived doors turn it on (the desktop engine, `doppel serve`).
   */
  readonly watch?: boolean;
  /** How long changes are batched before they are indexed (tests shorten it). */
  readonly watchTiming?: Partial<WatchTiming>;
  /** Told what live updates heard and did (tests wait on it instead of sleeping); see {@link WatchActivity}. */
  readonly onWatchActivity?: (activity: WatchActivity) => void;
}

export class EngineService {
  readonly #doppel: Doppel;
  readonly #jobs: IndexJobs;
  readonly #watcher: LibraryWatcher | null;
  readonly #reviews: ReviewPages;
  readonly #log: (line: string) => void;
  #closed = false;

  private constructor(doppel: Doppel, jobs: IndexJobs, watcher: LibraryWatcher | null, log: (line: string) => void) {
    this.#doppel = doppel;
    this.#jobs = jobs;
    this.#watcher = watcher;
    this.#reviews = new ReviewPages(
      (query, signal) => doppel.duplicates(query, signal),
      () => doppel.libraryVersion(),
    );
    this.#log = log;
  }

  static async open(options: EngineServiceOptions): Promise<EngineService> {
    const log = options.log ?? (() => {});
    const doppel = await Doppel.open({
      ...(options.libraryDir ? { libraryDir: options.libraryDir } : {}),
      ...(options.trashBin ? { trashBin: options.trashBin } : {}),
      log,
      onNearPairsProgress: (progress) => options.onEvent({ type: 'nearPairs', progress }),
    });
    const index: IndexFunction = async (roots, { reason, ...indexOptions }) => {
      const report = await doppel.index(roots, {
        ...indexOptions,
        // Nobody asked for a live update: it waits for another writer (a clean-up, `doppel index`)
        // instead of failing as a job the user did not start.
        ...(reason === 'watch' ? { onWaitForWriter: (message: string) => log(`live updates: ${message}`) } : {}),
      });
      // Compare the new photos now (a worker thread), so that the Duplicates view opens at once.
      doppel
        .prepareNearDuplicates()
        .catch((error: unknown) => log(`near-duplicate comparison after indexing: ${toAppError(error).message}`));
      return report;
    };
    const jobs = new IndexJobs(index, options.onEvent, log);
    const watcher = options.watch
      ? new LibraryWatcher({
          libraryDir: doppel.libraryDir,
          roots: () => doppel.roots(),
          jobs,
          log,
          ...(options.watchTiming ? { timing: options.watchTiming } : {}),
          ...(options.onWatchActivity ? { onActivity: options.onWatchActivity } : {}),
        })
      : null;
    watcher?.start();
    return new EngineService(doppel, jobs, watcher, log);
  }

  get libraryDir(): string {
    return this.#doppel.libraryDir;
  }

  /** Resolves once live updates see every change in the folders watched now (at once without them). */
  async watching(): Promise<void> {
    await this.#watcher?.ready();
  }

  /** Validates `input` against the contract, runs the channel's handler, never throws. */
  async dispatch(channel: string, input: unknown): Promise<Result<unknown>> {
    if (!isChannel(channel)) return err(ErrorCodes.unknownChannel, `Unknown channel "${channel}"`);
    if (this.#closed) return err(ErrorCodes.engineUnavailable, `Cannot run ${channel}: the library is closed`);
    const parsed = parseChannelInput(channel, input);
    if (!parsed.ok) return parsed;
    const context: HandlerContext = { doppel: this.#doppel, jobs: this.#jobs, watcher: this.#watcher, reviews: this.#reviews };
    // The mapped type pairs each channel with its own input; TS cannot follow that through a union key.
    const handler = channelHandlers[channel] as (context: HandlerContext, input: unknown) => unknown;
    try {
      return ok(await handler(context, parsed.value));
    } catch (thrown) {
      const error = toAppError(thrown);
      // A request a newer one replaced is the slider at work, not a failure.
      if (error.code !== ErrorCodes.superseded) this.#log(`${channel} failed: ${error.message}`);
      return { ok: false, error };
    }
  }

  /**
   * Absolute path of the thumbnail of an indexed photo, or null. Only files inside the library
   * folder are ever returned, whatever the core answers, so a thumbnail URL cannot read other files.
   */
  async resolveThumbnail(photoPath: string): Promise<string | null> {
    if (this.#closed || !path.isAbsolute(photoPath)) return null;
    return this.#insideLibrary('thumbnail', photoPath, () => this.#doppel.thumbnail(photoPath));
  }

  /**
   * Absolute path of the large preview JPEG of an indexed photo (rendered and cached on first use),
   * or null; the same guarantee as `resolveThumbnail`. A photo that fails to decode is logged, null.
   */
  async resolvePreview(photoPath: string): Promise<string | null> {
    if (this.#closed || !path.isAbsolute(photoPath)) return null;
    return this.#insideLibrary('preview', photoPath, () => this.#doppel.previewPath(photoPath));
  }

  /**
   * The original file of an indexed photo and the type to serve it as, for zooming in the viewer;
   * null unless the photo is one a browser shows as is (BROWSER_IMAGE_TYPES: the doors fall back to
   * the preview) and its file still holds the content that was indexed (Doppel.originalFile). The
   * file lies in the user's folders, outside the library folder, so unlike thumbnails no folder
   * check vouches for it: the library's own record of it (indexed, readable, same bytes) does.
   */
  async resolveOriginal(photoPath: string): Promise<{ readonly file: string; readonly contentType: string } | null> {
    if (this.#closed || !path.isAbsolute(photoPath)) return null;
    try {
      const original = await this.#doppel.originalFile(photoPath, (format) => Object.hasOwn(BROWSER_IMAGE_TYPES, format));
      const contentType = original ? BROWSER_IMAGE_TYPES[original.format] : undefined;
      return original && contentType ? { file: original.path, contentType } : null;
    } catch (thrown) {
      this.#log(`original of ${photoPath} unreadable: ${toAppError(thrown).message}`);
      return null;
    }
  }

  async #insideLibrary(what: string, photoPath: string, find: () => Promise<string | null>): Promise<string | null> {
    try {
      const file = await find();
      if (!file) return null;
      const [realFile, realLibrary] = await Promise.all([fs.realpath(file), fs.realpath(this.libraryDir)]);
      const inside = isInside(realFile, realLibrary);
      if (!inside) this.#log(`refused ${what} outside the library: ${file}`);
      return inside ? realFile : null;
    } catch (thrown) {
      this.#log(`${what} of ${photoPath} unreadable: ${toAppError(thrown).message}`);
      return null;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#watcher?.close();
    this.#jobs.abortAll();
    await this.#doppel.close();
  }
}
