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
  readonly #savePixelHashes: (entries: readonly (readonly [string, string])[]) => Promise<void>;

  /**
   * `maxFileBytes`: a larger query file is refused unread (default: src/shared/limits.ts,
   * photoFileMegabytes). `savePixelHashes`: where the pixel hashes of library contents a query
   * computed go (a write: the facade's, which drops what groups them; default: not saved).
   */
  constructor(
    photos: PhotoRepository,
    pixels: PixelIdentityService,
    near: NearMatchFinder | null,
    options: {
      readonly maxFileBytes?: number;
      readonly savePixelHashes?: (entries: readonly (readonly [string, string])[]) => Promise<void>;
    } = {},
  ) {
    this.#photos = photos;
    this.#pixels = pixels;
    this.#near = near;
    this.#maxFileBytes = options.maxFileBytes;
    this.#savePixelHashes = options.savePixelHashes ?? (() => Promise.resolve());
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
          if (candidatePixelHash) await this.#savePixelHashes([[candidate.hash, candidatePixelHash]]);
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
