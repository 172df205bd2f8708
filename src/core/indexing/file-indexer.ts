import path from 'node:path';
import { ErrorCodes, decodeFailureReason, errnoCode, errorMessage, hasErrorCode } from '../errors';
import { dateFromFileName } from '../media/file-name-date';
import { decodePhoto } from '../media/photo-decoder';
import { readPhotoFile, type PhotoFile } from '../media/photo-file';
import type { ScannedFile } from '../scan/scanner';
import type { ContentRecord, FileRecord, PhotoRepository } from '../store/photo.repository';
import type { ThumbnailStore } from '../store/thumbnail.store';
import { DecodeRegistry } from './decode-registry';
import { ReadBuffers } from './read-buffers';

/** What became of one new or changed file; nothing is written to the library yet. */
export type FileOutcome =
  | {
      readonly kind: 'indexed';
      readonly file: FileRecord;
      /** Null when the content was already known (a move, rename or copy): nothing was decoded. */
      readonly content: ContentRecord | null;
      readonly modelInput: Uint8Array | null;
    }
  | { readonly kind: 'failed'; readonly file: FileRecord }
  /** Deleted between the scan and the read: not an error, the file is simply gone. */
  | { readonly kind: 'vanished'; readonly path: string };

/** An outcome that becomes a library row (everything but a vanished file). */
export type WritableOutcome = Exclude<FileOutcome, { kind: 'vanished' }>;

/**
 * Turns one file into an outcome: read once -> content hash -> known content? (no decode) -> one
 * decode -> thumbnail, perceptual hash, model input. One instance per run: it remembers the run's
 * decodes so that byte copies are decoded once.
 */
export class FileIndexer {
  readonly #photos: PhotoRepository;
  readonly #thumbnails: ThumbnailStore;
  readonly #modelInputSize: number;
  readonly #maxFileBytes: number | undefined;
  readonly #log: (line: string) => void;
  readonly #decodes = new DecodeRegistry();
  /** Enough for the files in flight (a handful): beyond that, buffers are simply not kept. */
  readonly #buffers = new ReadBuffers(4);

  constructor(deps: {
    photos: PhotoRepository;
    thumbnails: ThumbnailStore;
    modelInputSize: number;
    /** Larger files are reported, not read (default: src/shared/limits.ts, photoFileMegabytes). */
    maxFileBytes?: number;
    log: (line: string) => void;
  }) {
    this.#photos = deps.photos;
    this.#thumbnails = deps.thumbnails;
    this.#modelInputSize = deps.modelInputSize;
    this.#maxFileBytes = deps.maxFileBytes;
    this.#log = deps.log;
  }

  async index(file: ScannedFile, rootId: number): Promise<FileOutcome> {
    const base = { rootId, path: file.path, dev: file.dev, ino: file.ino };
    let read;
    try {
      // The content hash is computed while the file is read; a file that is not a photo (by its
      // first bytes), or is too large, is refused before the rest of it is read.
      read = await readPhotoFile(file.path, { maxBytes: this.#maxFileBytes, allocate: (size) => this.#buffers.take(size) });
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return { kind: 'vanished', path: file.path };
      const unsupported = hasErrorCode(error, ErrorCodes.unsupportedFormat);
      const refused = unsupported || hasErrorCode(error, ErrorCodes.decodeFailed);
      const reason = refused ? decodeFailureReason(error) : `Cannot read file: ${errorMessage(error)}`;
      this.#log(`skip ${file.path}: ${reason}`);
      return {
        kind: 'failed',
        file: {
          ...base,
          size: file.size,
          mtimeMs: file.mtimeMs,
          contentHash: null,
          status: unsupported ? 'unsupported' : 'error',
          error: reason,
        },
      };
    }
    try {
      return await this.#indexRead(read, base);
    } finally {
      // Nothing holds the bytes any more: the decode, the metadata and the thumbnail are done.
      this.#buffers.give(read.bytes);
    }
  }

  async #indexRead(read: PhotoFile, base: { rootId: number; path: string; dev: number; ino: number }): Promise<FileOutcome> {
    const { contentHash } = read;
    const record = { ...base, size: read.size, mtimeMs: read.mtimeMs, contentHash };

    // Another file with these bytes is being decoded right now: wait for it instead of decoding twice.
    await this.#decodes.waitFor(contentHash);
    if (this.#decodes.succeeded(contentHash) || this.#photos.hasContent(contentHash)) {
      return { kind: 'indexed', file: { ...record, status: 'ok', error: null }, content: null, modelInput: null };
    }

    const done = this.#decodes.begin(contentHash);
    let ok = false;
    try {
      const decoded = await decodePhoto(base.path, read.bytes, { modelInputSize: this.#modelInputSize });
      await this.#thumbnails.write(contentHash, decoded.thumbnailWebp);
      const content: ContentRecord = {
        hash: contentHash,
        size: read.size,
        format: decoded.format,
        width: decoded.width,
        height: decoded.height,
        orientation: decoded.orientation,
        // Screenshots and messenger copies carry no EXIF date but name their moment; the file time
        // (the listing's last resort) is whenever the file was last copied or synced.
        takenAt: decoded.metadata.takenAt ?? dateFromFileName(path.basename(base.path), { modifiedAt: new Date(read.mtimeMs) }),
        cameraMake: decoded.metadata.cameraMake,
        cameraModel: decoded.metadata.cameraModel,
        perceptualHash: decoded.perceptualHash,
        perceptualHashVariants: decoded.perceptualHashVariants,
        centreHash: decoded.centreHash,
        pixelSignature: decoded.pixelSignature,
        quality: decoded.quality,
      };
      ok = true;
      return { kind: 'indexed', file: { ...record, status: 'ok', error: null }, content, modelInput: decoded.modelInput };
    } catch (error) {
      // The library could not be written (the thumbnail): stop the run, the photo is not to blame.
      if (hasErrorCode(error, ErrorCodes.libraryUnavailable)) throw error;
      const unsupported = hasErrorCode(error, ErrorCodes.unsupportedFormat);
      const reason = decodeFailureReason(error);
      this.#log(`skip ${base.path}: ${reason}`);
      return { kind: 'failed', file: { ...record, status: unsupported ? 'unsupported' : 'error', error: reason } };
    } finally {
      done(ok);
    }
  }
}
