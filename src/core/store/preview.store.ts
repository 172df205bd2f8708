import fs from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors';

/**
 * Default bound of the preview cache. A 2048 px JPEG of a photo weighs 300-700 KB, so this keeps
 * the last thousand or so previews the user compared: several sessions of review, never gigabytes.
 */
export const PREVIEW_CACHE_MAX_BYTES = 500 * 1024 * 1024;

const PREVIEW_EXTENSION = '.jpg';
const TEMP_EXTENSION = '.tmp';
/** A temp file this old belongs to a write that crashed: no render takes an hour. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface PreviewStoreOptions {
  /** Size the cache is trimmed back to after each write; default PREVIEW_CACHE_MAX_BYTES. */
  readonly maxBytes?: number;
}

interface CachedFile {
  readonly file: string;
  readonly size: number;
  readonly usedAtMs: number;
}

/**
 * Large JPEG previews in the library folder, one per content hash (`previews/abcd….jpg`). It is a
 * cache, bounded by size: past `maxBytes` the least recently served previews are deleted (each
 * hit refreshes the file's mtime, which is what "recently" means). The folder is flat because the
 * bound keeps it to about a thousand files, which one readdir lists when trimming.
 */
export class PreviewStore {
  readonly #dir: string;
  readonly #maxBytes: number;

  constructor(libraryDir: string, options: PreviewStoreOptions = {}) {
    this.#dir = path.join(libraryDir, 'previews');
    this.#maxBytes = options.maxBytes ?? PREVIEW_CACHE_MAX_BYTES;
  }

  pathOf(contentHash: string): string {
    return path.join(this.#dir, `${contentHash}${PREVIEW_EXTENSION}`);
  }

  /** The cached preview of `contentHash`, marked as just used; null when there is none. */
  async find(contentHash: string): Promise<string | null> {
    const file = this.pathOf(contentHash);
    const now = new Date();
    try {
      await fs.utimes(file, now, now); // one call both checks the file is there and marks it used
      return file;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * Stores a preview through a temp file and a rename, so a reader never sees half a picture, then
   * trims the cache back to its bound (never deleting this new preview). Returns its path.
   */
  async write(contentHash: string, jpeg: Uint8Array): Promise<string> {
    const target = this.pathOf(contentHash);
    await fs.mkdir(this.#dir, { recursive: true });
    const temp = `${target}.${process.pid}${TEMP_EXTENSION}`;
    await fs.writeFile(temp, jpeg);
    await fs.rename(temp, target);
    await this.#trim(target);
    return target;
  }

  async #trim(keep: string): Promise<void> {
    const names = await fs.readdir(this.#dir);
    const listed = await Promise.all(names.map((name) => this.#statOf(path.join(this.#dir, name))));
    const now = Date.now();
    const previews: CachedFile[] = [];
    for (const entry of listed) {
      if (!entry) continue;
      if (entry.file.endsWith(PREVIEW_EXTENSION)) previews.push(entry);
      else if (entry.file.endsWith(TEMP_EXTENSION) && now - entry.usedAtMs > STALE_TEMP_MS) await fs.rm(entry.file, { force: true });
    }
    let total = previews.reduce((sum, entry) => sum + entry.size, 0);
    previews.sort((a, b) => a.usedAtMs - b.usedAtMs);
    for (const entry of previews) {
      if (total <= this.#maxBytes) break;
      if (entry.file === keep) continue;
      await fs.rm(entry.file, { force: true });
      total -= entry.size;
    }
  }

  /** Null when the file went away meanwhile (another process trimming the same library). */
  async #statOf(file: string): Promise<CachedFile | null> {
    try {
      const stat = await fs.stat(file);
      return { file, size: stat.size, usedAtMs: stat.mtimeMs };
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
  }
}
