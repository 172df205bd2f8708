import path from 'node:path';
import type { FindReport, ScoredPath } from '../../shared/types';
import { chunkValuesWithin } from '../duplicates/hamming-index';
import { decodePhoto, type DecodedPhoto } from '../media/photo-decoder';
import { hammingDistance, hashChunks } from '../media/perceptual-hash';
import { pixelHashOf } from '../media/pixel-hash';
import { readQueryPhoto } from '../media/read-photo';
import { PIXEL_CANDIDATE_DISTANCE, type PixelIdentityService } from '../indexing/pixel-identity.service';
import type { PhotoRepository } from '../store/photo.repository';

/** Finds library photos similar to a decoded query (the similarity layer). */
export interface NearMatchFinder {
  readonly modelInputSize: number;
  nearMatches(query: { contentHash: string; decoded: DecodedPhoto }): Promise<ScoredPath[]>;
}

/**
 * "Is this photo already in my library?" for any file: exact copies by content-hash lookup, pixel-
 * identical ones by a signature probe (dimensions + perceptual-hash chunks, all index lookups), the
 * pixel signatures, and a pixel-hash comparison of the few candidates left, near ones from the
 * similarity layer.
 */
export class FindService {
  readonly #photos: PhotoRepository;
  readonly #pixels: PixelIdentityService;
  readonly #near: NearMatchFinder | null;
  readonly #maxFileBytes: number | undefined;
  readonly #onPixelHashesSaved: () => void;
  readonly #savePixelHashes: boolean;

  /**
   * `maxFileBytes`: a larger query file is refused unread (default: src/shared/limits.ts,
   * photoFileMegabytes). `onPixelHashesSaved`: a query saved the pixel hash of library contents it
   * decoded (what groups them is then stale). `savePixelHashes: false` (a read-only library): the
   * pixel hashes a query computes are used, not saved.
   */
  constructor(
    photos: PhotoRepository,
    pixels: PixelIdentityService,
    near: NearMatchFinder | null,
    options: { readonly maxFileBytes?: number; readonly onPixelHashesSaved?: () => void; readonly savePixelHashes?: boolean } = {},
  ) {
    this.#photos = photos;
    this.#pixels = pixels;
    this.#near = near;
    this.#maxFileBytes = options.maxFileBytes;
    this.#onPixelHashesSaved = options.onPixelHashesSaved ?? (() => {});
    this.#savePixelHashes = options.savePixelHashes ?? true;
  }

  async find(imagePath: string): Promise<FindReport> {
    const absolute = path.resolve(imagePath);
    const { bytes, contentHash } = await readQueryPhoto(absolute, this.#maxFileBytes);
    const exact = this.#photos.pathsOfContent(contentHash).filter((p) => p !== absolute);
    const decoded = await decodePhoto(absolute, bytes, { modelInputSize: this.#near?.modelInputSize ?? 0 });

    const chunks = hashChunks(decoded.perceptualHash);
    const radius = Math.floor(PIXEL_CANDIDATE_DISTANCE / 4);
    const lookAlikes = this.#photos
      .signaturesMatchingChunks(
        decoded.width,
        decoded.height,
        chunks.map((chunk) => chunkValuesWithin(chunk, radius)),
      )
      .filter((c) => c.hash !== contentHash && hammingDistance(c.perceptualHash, decoded.perceptualHash) <= PIXEL_CANDIDATE_DISTANCE);
    // Burst frames of the query's scene are look-alikes too: their pixel signatures tell them apart
    // without decoding either side at full resolution.
    const candidates = this.#pixels.mayShowSamePixels(decoded.pixelSignature, lookAlikes);

    const pixel: string[] = [];
    if (candidates.length > 0) {
      const queryPixelHash = await pixelHashOf(absolute, bytes);
      for (const candidate of candidates) {
        let candidatePixelHash = candidate.pixelHash;
        if (candidatePixelHash === null) {
          candidatePixelHash = await this.#pixels.hashContent(candidate.hash);
          if (candidatePixelHash && this.#savePixelHashes) {
            this.#photos.setPixelHashes([[candidate.hash, candidatePixelHash]]);
            this.#onPixelHashesSaved();
          }
        }
        if (candidatePixelHash === queryPixelHash) pixel.push(...this.#photos.pathsOfContent(candidate.hash));
      }
    }
    const alreadyListed = new Set([...exact, ...pixel, absolute]);
    const near = this.#near
      ? (await this.#near.nearMatches({ contentHash, decoded })).filter((match) => !alreadyListed.has(match.path))
      : [];
    return { exact, pixel: pixel.filter((p) => p !== absolute).sort(), near };
  }
}
