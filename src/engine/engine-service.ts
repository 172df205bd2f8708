/**
 * Hosts one `Doppel` and answers contract calls with Result envelopes. Runs inside the Electron
 * engine utility process and, unchanged, inside the browser-mode bridge: it must stay free of
 * Electron (scripts/check-imports.mjs enforces that for src/engine).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TrashBin } from '../core/cleanup/trash-bin.js';
import { Doppel } from '../core/doppel.js';
import { isInside } from '../core/library-paths.js';
import { isChannel } from '../shared/channels.js';
import { parseChannelInput, type AppEvent } from '../shared/ipc-contract.js';
import { ErrorCodes, toAppError } from '../shared/errors.js';
import { err, ok, type Result } from '../shared/result.js';
import { channelHandlers, type HandlerContext } from './channel-handlers.js';
import { IndexJobs, type IndexFunction } from './index-jobs.js';

export interface EngineServiceOptions {
  /** Library folder; the core's per-user default when left out. */
  readonly libraryDir?: string;
  readonly onEvent: (event: AppEvent) => void;
  readonly log?: (line: string) => void;
  /** Where clean-up sends files; default: the core's (the desktop engine passes main's on macOS and Windows). */
  readonly trashBin?: TrashBin;
}

export class EngineService {
  readonly #doppel: Doppel;
  readonly #jobs: IndexJobs;
  readonly #log: (line: string) => void;
  #closed = false;

  private constructor(doppel: Doppel, jobs: IndexJobs, log: (line: string) => void) {
    this.#doppel = doppel;
    this.#jobs = jobs;
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
    const index: IndexFunction = async (roots, indexOptions) => {
      const report = await doppel.index(roots, indexOptions);
      // Compare the new photos now (a worker thread), so that the Duplicates view opens at once.
      doppel
        .prepareNearDuplicates()
        .catch((error: unknown) => log(`near-duplicate comparison after indexing: ${toAppError(error).message}`));
      return report;
    };
    const jobs = new IndexJobs(index, options.onEvent, log);
    return new EngineService(doppel, jobs, log);
  }

  get libraryDir(): string {
    return this.#doppel.libraryDir;
  }

  /** Validates `input` against the contract, runs the channel's handler, never throws. */
  async dispatch(channel: string, input: unknown): Promise<Result<unknown>> {
    if (!isChannel(channel)) return err(ErrorCodes.unknownChannel, `Unknown channel "${channel}"`);
    if (this.#closed) return err(ErrorCodes.engineUnavailable, `Cannot run ${channel}: the library is closed`);
    const parsed = parseChannelInput(channel, input);
    if (!parsed.ok) return parsed;
    const context: HandlerContext = { doppel: this.#doppel, jobs: this.#jobs };
    // The mapped type pairs each channel with its own input; TS cannot follow that through a union key.
    const handler = channelHandlers[channel] as (context: HandlerContext, input: unknown) => unknown;
    try {
      return ok(await handler(context, parsed.value));
    } catch (thrown) {
      const error = toAppError(thrown);
      this.#log(`${channel} failed: ${error.message}`);
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
    this.#jobs.abortAll();
    await this.#doppel.close();
  }
}
