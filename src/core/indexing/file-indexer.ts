import { ErrorCodes, decodeFailureReason, errnoCode, errorMessage, hasErrorCode } from '../errors';
import { contentHashOfAsync } from '../media/content-hash';
import { decodePhoto } from '../media/photo-decoder';
import type { ScannedFile } from '../scan/scanner';
import type { ContentRecord, FileRecord, PhotoRepository } from '../store/photo.repository';
import type { ThumbnailStore } from '../store/thumbnail.store';
import { DecodeRegistry } from './decode-registry';
import { readStableFile } from './read-file';

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
  readonly #log: (line: string) => void;
  readonly #decodes = new DecodeRegistry();

  constructor(deps: { photos: PhotoRepository; thumbnails: ThumbnailStore; modelInputSize: number; log: (line: string) => void }) {
    this.#photos = deps.photos;
    this.#thumbnails = deps.thumbnails;
    this.#modelInputSize = deps.modelInputSize;
    this.#log = deps.log;
  }

  async index(file: ScannedFile, rootId: number): Promise<FileOutcome> {
    const base = { rootId, path: file.path, dev: file.dev, ino: file.ino };
    let read;
    try {
      read = await readStableFile(file.path);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return { kind: 'vanished', path: file.path };
      const reason = `Cannot read file: ${errorMessage(error)}`;
      this.#log(`skip ${file.path}: ${reason}`);
      return {
        kind: 'failed',
        file: { ...base, size: file.size, mtimeMs: file.mtimeMs, contentHash: null, status: 'error', error: reason },
      };
    }
    const contentHash = await contentHashOfAsync(read.bytes);
    const record = { ...base, size: read.size, mtimeMs: read.mtimeMs, contentHash };

    // Another file with these bytes is being decoded right now: wait for it instead of decoding twice.
    await this.#decodes.waitFor(contentHash);
    if (this.#decodes.succeeded(contentHash) || this.#photos.hasContent(contentHash)) {
      return { kind: 'indexed', file: { ...record, status: 'ok', error: null }, content: null, modelInput: null };
    }

    const done = this.#decodes.begin(contentHash);
    let ok = false;
    try {
      const decoded = await decodePhoto(file.path, read.bytes, { modelInputSize: this.#modelInputSize });
      await this.#thumbnails.write(contentHash, decoded.thumbnailWebp);
      const content: ContentRecord = {
        hash: contentHash,
        size: read.size,
        format: decoded.format,
        width: decoded.width,
        height: decoded.height,
        orientation: decoded.orientation,
        takenAt: decoded.metadata.takenAt,
        cameraMake: decoded.metadata.cameraMake,
        cameraModel: decoded.metadata.cameraModel,
        perceptualHash: decoded.perceptualHash,
        perceptualHashVariants: decoded.perceptualHashVariants,
      };
      ok = true;
      return { kind: 'indexed', file: { ...record, status: 'ok', error: null }, content, modelInput: decoded.modelInput };
    } catch (error) {
      const unsupported = hasErrorCode(error, ErrorCodes.unsupportedFormat);
      const reason = decodeFailureReason(error);
      this.#log(`skip ${file.path}: ${reason}`);
      return { kind: 'failed', file: { ...record, status: unsupported ? 'unsupported' : 'error', error: reason } };
    } finally {
      done(ok);
    }
  }
}
