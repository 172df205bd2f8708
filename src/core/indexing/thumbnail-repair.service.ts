import { errorMessage } from '../errors';
import { decodePhoto } from '../media/photo-decoder';
import { withStoredContent } from '../media/read-photo';
import type { PhotoRepository } from '../store/photo.repository';
import { removeOrphanTempFiles } from '../store/orphan-temps';
import type { ThumbnailStore } from '../store/thumbnail.store';

export interface ThumbnailRepairReport {
  /** Readable contents checked. */
  readonly checked: number;
  /** Of those, how many had no thumbnail file. */
  readonly missing: number;
  readonly rebuilt: number;
  /** Missing ones none of whose files could be read or decoded (logged). */
  readonly failed: number;
}

/**
 * Thumbnails are derived data in the library folder: a deleted `thumbs/` folder, a restored backup
 * without it or a damaged disk lose them. Every readable photo's thumbnail is checked against one
 * listing of the folder and rebuilt from the photo where it is missing.
 */
export class ThumbnailRepairService {
  readonly #photos: PhotoRepository;
  readonly #thumbnails: ThumbnailStore;
  readonly #log: (line: string) => void;
  readonly #maxFileBytes: number | undefined;

  constructor(deps: { photos: PhotoRepository; thumbnails: ThumbnailStore; log: (line: string) => void; maxFileBytes?: number }) {
    this.#maxFileBytes = deps.maxFileBytes;
    this.#photos = deps.photos;
    this.#thumbnails = deps.thumbnails;
    this.#log = deps.log;
  }

  /** Rebuilds every missing thumbnail; stops between photos when `signal` fires. */
  async repairAll(
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<ThumbnailRepairReport> {
    // The thumbnail folders are listed here anyway: the sweep for temps left by killed runs goes along.
    const { stored, temps } = await this.#thumbnails.list();
    const orphans = removeOrphanTempFiles(temps);
    if (orphans > 0) this.#log(`removed ${orphans} temp file(s) a killed run left among the thumbnails`);
    const readable = this.#photos.readableContents();
    const missing = readable.filter((contentHash) => !stored.has(contentHash));
    let rebuilt = 0;
    if (missing.length > 0) {
      this.#log(`${missing.length} thumbnail(s) missing from the library: rebuilding them from the photos`);
      options.onProgress?.(0, missing.length);
    }
    for (const [done, contentHash] of missing.entries()) {
      if (options.signal?.aborted) break;
      if (await this.rebuild(contentHash)) rebuilt += 1;
      options.onProgress?.(done + 1, missing.length);
    }
    return { checked: readable.length, missing: missing.length, rebuilt, failed: missing.length - rebuilt };
  }

  /**
   * Decodes one of the content's files again and writes its thumbnail; false (logged) when none can
   * be read. A failure to write the thumbnail is the library's (a LibraryWriteError).
   */
  async rebuild(contentHash: string): Promise<boolean> {
    const webp = await withStoredContent(
      this.#photos.pathsOfContent(contentHash),
      contentHash,
      async (filePath, bytes) => (await decodePhoto(filePath, bytes)).thumbnailWebp,
      (filePath, error) => this.#log(`cannot rebuild the thumbnail of ${filePath}: ${errorMessage(error)}`),
      this.#maxFileBytes,
    );
    if (!webp) return false;
    await this.#thumbnails.write(contentHash, webp); // a failure is a LibraryWriteError
    return true;
  }
}
