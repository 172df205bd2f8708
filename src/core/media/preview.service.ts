import { ErrorCodes, errnoCode, hasErrorCode } from '../errors';
import type { PhotoRepository } from '../store/photo.repository';
import type { PreviewStore } from '../store/preview.store';
import { readPhotoFile } from './photo-file';
import { renderPreviewJpeg } from './preview-image';

/**
 * Large previews for the duplicate compare view, decoded once per content and then served from the
 * library's `previews/` cache. Only a file the library indexed as a readable photo is ever read,
 * and only while its bytes still hold the indexed content: a preview URL cannot make the engine
 * open an arbitrary file, nor cache a changed file's pixels under its old content hash.
 */
export class PreviewService {
  readonly #photos: PhotoRepository;
  readonly #store: PreviewStore;
  readonly #maxFileBytes: number | undefined;
  /** Renders in progress by content hash: a compare view asks for the same copy again while zooming. */
  readonly #rendering = new Map<string, Promise<string | null>>();

  /** `maxFileBytes`: larger files are not read (default: src/shared/limits.ts, photoFileMegabytes). */
  constructor(photos: PhotoRepository, store: PreviewStore, options: { readonly maxFileBytes?: number } = {}) {
    this.#photos = photos;
    this.#store = store;
    this.#maxFileBytes = options.maxFileBytes;
  }

  /**
   * Path of the preview JPEG of the indexed file `filePath` (absolute), rendered on first use.
   * Null when the path is not an indexed, readable photo, or when the file is gone or has changed
   * since it was indexed (re-index it first). A cached preview shows the content as indexed.
   * Throws DecodeError when the file cannot be decoded.
   */
  async previewPath(filePath: string): Promise<string | null> {
    const content = this.#photos.contentOfPath(filePath);
    if (!content?.contentHash || content.status !== 'ok') return null;
    const { contentHash } = content;
    const cached = await this.#store.find(contentHash);
    if (cached) return cached;
    let rendering = this.#rendering.get(contentHash);
    if (!rendering) {
      rendering = this.#render(filePath, contentHash).finally(() => this.#rendering.delete(contentHash));
      this.#rendering.set(contentHash, rendering);
    }
    return rendering;
  }

  async #render(filePath: string, contentHash: string): Promise<string | null> {
    let read;
    try {
      read = await readPhotoFile(filePath, { maxBytes: this.#maxFileBytes });
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null; // removed since the last index
      // No longer an image, or being rewritten: either way not the content that was indexed.
      if (hasErrorCode(error, ErrorCodes.unsupportedFormat) || hasErrorCode(error, ErrorCodes.fileChanged)) return null;
      throw error;
    }
    if (read.contentHash !== contentHash) return null;
    return this.#store.write(contentHash, await renderPreviewJpeg(filePath, read.bytes));
  }
}
