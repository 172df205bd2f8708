import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Small WebP thumbnails in the library folder, one per distinct content hash (`thumbs/ab/abcd….webp`). */
export class ThumbnailStore {
  readonly #dir: string;

  constructor(libraryDir: string) {
    this.#dir = path.join(libraryDir, 'thumbs');
  }

  pathOf(contentHash: string): string {
    return path.join(this.#dir, contentHash.slice(0, 2), `${contentHash}.webp`);
  }

  has(contentHash: string): boolean {
    return existsSync(this.pathOf(contentHash));
  }

  /** Writes through a temp file and a rename, so a reader never sees half a thumbnail. */
  async write(contentHash: string, webp: Uint8Array): Promise<void> {
    const target = this.pathOf(contentHash);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    await fs.writeFile(temp, webp);
    await fs.rename(temp, target);
  }
}
