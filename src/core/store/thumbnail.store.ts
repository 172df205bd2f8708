import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LibraryWriteError, errnoCode } from '../errors';

/** Small WebP thumbnails in the library folder, one per distinct content hash (`thumbs/ab/abcd….webp`). */
export class ThumbnailStore {
  readonly #dir: string;
  /** Shard folders this process made (or found) already. */
  readonly #madeFolders = new Set<string>();

  constructor(libraryDir: string) {
    this.#dir = path.join(libraryDir, 'thumbs');
  }

  pathOf(contentHash: string): string {
    return path.join(this.#dir, contentHash.slice(0, 2), `${contentHash}.webp`);
  }

  has(contentHash: string): boolean {
    return existsSync(this.pathOf(contentHash));
  }

  /**
   * What the thumbnails folder holds, in one listing per subfolder (no stat per file): the content
   * hashes that have a thumbnail, and the temp files beside them (for the orphan sweep).
   */
  async list(): Promise<{ stored: Set<string>; temps: string[] }> {
    const stored = new Set<string>();
    const temps: string[] = [];
    let folders: string[];
    try {
      folders = await fs.readdir(this.#dir);
    } catch {
      return { stored, temps }; // no thumbnails folder yet (or it was deleted)
    }
    for (const folder of folders) {
      let names: string[];
      try {
        names = await fs.readdir(path.join(this.#dir, folder));
      } catch {
        continue; // a stray file where a folder should be
      }
      for (const name of names) {
        if (name.endsWith('.webp')) stored.add(name.slice(0, -'.webp'.length));
        else if (name.endsWith('.tmp')) temps.push(path.join(this.#dir, folder, name));
      }
    }
    return { stored, temps };
  }

  /**
   * Writes through a temp file and a rename, so a reader never sees half a thumbnail. A failure is
   * the library's ({@link LibraryWriteError}: a full disk, a read-only folder), never the photo's.
   */
  async write(contentHash: string, webp: Uint8Array): Promise<void> {
    const target = this.pathOf(contentHash);
    const temp = `${target}.${process.pid}.tmp`;
    try {
      const folder = path.dirname(target);
      // One mkdir per shard folder and process, not per thumbnail (a measured 0.3-0.6 ms each);
      // a folder removed behind our back (ENOENT on write) is made again.
      if (!this.#madeFolders.has(folder)) {
        await fs.mkdir(folder, { recursive: true });
        this.#madeFolders.add(folder);
      }
      try {
        await fs.writeFile(temp, webp);
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error;
        await fs.mkdir(folder, { recursive: true });
        await fs.writeFile(temp, webp);
      }
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => {});
      throw new LibraryWriteError(path.dirname(this.#dir), 'a thumbnail', error);
    }
  }
}
