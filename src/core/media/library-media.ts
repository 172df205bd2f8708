import path from 'node:path';
import type { ThumbnailRepairService } from '../indexing/thumbnail-repair.service';
import type { PhotoRepository } from '../store/photo.repository';
import type { ThumbnailStore } from '../store/thumbnail.store';
import { originalFile, type OriginalFile } from './original-file';
import type { PreviewService } from './preview.service';

/**
 * The files a viewer shows of an indexed photo: its thumbnail (rebuilt when lost), its large
 * preview and its original. Each answers null for a path that is not a readable indexed photo.
 */
export class LibraryMedia {
  readonly #photos: PhotoRepository;
  readonly #thumbnails: ThumbnailStore;
  readonly #repair: ThumbnailRepairService;
  readonly #previews: PreviewService;
  /** A read-only library renders nothing into its folder: no lost thumbnail rebuilt, no preview. */
  readonly #readOnly: boolean;

  constructor(parts: {
    readonly photos: PhotoRepository;
    readonly thumbnails: ThumbnailStore;
    readonly thumbnailRepair: ThumbnailRepairService;
    readonly previews: PreviewService;
    readonly readOnly: boolean;
  }) {
    this.#photos = parts.photos;
    this.#thumbnails = parts.thumbnails;
    this.#repair = parts.thumbnailRepair;
    this.#previews = parts.previews;
    this.#readOnly = parts.readOnly;
  }

  /** Absolute path of the WebP thumbnail of an indexed file, or null when there is none. */
  thumbnailPath(filePath: string): string | null {
    const hash = this.#readableContent(filePath);
    return hash && this.#thumbnails.has(hash) ? this.#thumbnails.pathOf(hash) : null;
  }

  /** As {@link thumbnailPath}, rebuilt from the photo when its file was lost (a deleted `thumbs/` folder). */
  async thumbnail(filePath: string): Promise<string | null> {
    const existing = this.thumbnailPath(filePath);
    const hash = this.#readableContent(filePath);
    if (existing || !hash || this.#readOnly) return existing;
    return (await this.#repair.rebuild(hash)) ? this.#thumbnails.pathOf(hash) : null;
  }

  /**
   * Absolute path of a large JPEG preview for the compare view (upright, long side at most 2048
   * px), decoded once and cached in the library's `previews/` folder; null when the file changed
   * since it was indexed, or the library is read-only.
   */
  async previewPath(filePath: string): Promise<string | null> {
    return this.#readOnly ? null : this.#previews.previewPath(path.resolve(filePath));
  }

  /** The original file, for a viewer that zooms in (see {@link originalFile}). */
  originalFile(filePath: string, acceptFormat: (format: string) => boolean): Promise<OriginalFile | null> {
    return originalFile(this.#photos, filePath, acceptFormat);
  }

  #readableContent(filePath: string): string | null {
    const content = this.#photos.contentOfPath(path.resolve(filePath));
    return content?.contentHash && content.status === 'ok' ? content.contentHash : null;
  }
}
