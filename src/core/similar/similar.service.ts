import path from 'node:path';
import type { ScoredPath, SimilarReport } from '../../shared/types';
import { limits } from '../../shared/limits';
import { DEFAULT_NEAR_COSINE } from '../duplicates/thresholds';
import type { Embedder } from '../embedding/embedder';
import { errorMessage } from '../errors';
import { roundScore } from '../duplicates/file-groups';
import { decodePhoto, type DecodedPhoto } from '../media/photo-decoder';
import { readQueryPhoto } from '../media/read-photo';
import type { EmbeddingRepository } from '../store/embedding.repository';
import type { PhotoRepository } from '../store/photo.repository';
import type { NearMatchFinder } from './find.service';
import type { VectorSearchService } from '../vectors/vector-search.service';

const DEFAULT_SIMILAR_LIMIT: number = limits.similarResults.default;

/** Nearest-neighbour questions: "photos that look like this one" and the near part of "find". */
export class SimilarService implements NearMatchFinder {
  readonly #photos: PhotoRepository;
  readonly #embeddings: EmbeddingRepository;
  readonly #embedder: Embedder;
  readonly #vectors: VectorSearchService;
  readonly #maxFileBytes: number | undefined;

  constructor(deps: {
    photos: PhotoRepository;
    embeddings: EmbeddingRepository;
    embedder: Embedder;
    vectors: VectorSearchService;
    /** A larger query file is refused unread (default: src/shared/limits.ts, photoFileMegabytes). */
    maxFileBytes?: number;
  }) {
    this.#photos = deps.photos;
    this.#embeddings = deps.embeddings;
    this.#embedder = deps.embedder;
    this.#vectors = deps.vectors;
    this.#maxFileBytes = deps.maxFileBytes;
  }

  get modelInputSize(): number {
    return this.#embedder.inputSize;
  }

  /**
   * For each image (a library photo: its stored vector, no decode; any other file: decoded and
   * embedded, all in one batch), the `limit` most similar library photos, best first, without the
   * query file itself. A library photo's byte copies, then its copies with the same pixels, come
   * first with score 1 (`match` says which): a resized copy's vector can be a hair nearer the
   * query's than a PNG export's, but it is not the same picture.
   */
  async similar(paths: readonly string[], limit = DEFAULT_SIMILAR_LIMIT): Promise<SimilarReport[]> {
    const queries = paths.map((p) => path.resolve(p));
    const dim = this.#embedder.dim;
    const vectors = new Float32Array(queries.length * dim);
    const toEmbed: { slot: number; modelInput: Uint8Array }[] = [];
    const errors = new Map<number, string>();
    for (const [slot, query] of queries.entries()) {
      const stored = this.#storedVector(query);
      if (stored) {
        vectors.set(stored, slot * dim);
        continue;
      }
      try {
        toEmbed.push({ slot, modelInput: await this.#modelInputOf(query) });
      } catch (error) {
        errors.set(slot, errorMessage(error)); // one bad query must not sink the others
      }
    }
    if (toEmbed.length > 0) {
      const embedded = await this.#embedder.embed(toEmbed.map((item) => item.modelInput));
      toEmbed.forEach((item, i) => vectors.set(embedded.vectors.subarray(i * dim, (i + 1) * dim), item.slot * dim));
    }
    const live = this.#vectors.liveContents();
    // Copies of the query take places in the list: ask for a few more than needed.
    const hits = this.#vectors.search(vectors, limit + 4, live);
    return queries.map((query, q) => {
      const error = errors.get(q);
      if (error !== undefined) return { query, results: [], error };
      const copies = this.#copiesOf(query);
      const listed = new Set([query, ...copies.map((copy) => copy.path)]);
      return { query, results: [...copies, ...this.#toPaths(hits[q] ?? [], listed)].slice(0, limit) };
    });
  }

  /** A library photo's other files with its bytes, then those with its pixels (score 1); none for any other file. */
  #copiesOf(filePath: string): ScoredPath[] {
    const content = this.#photos.contentOfPath(filePath);
    if (!content?.contentHash || content.status !== 'ok') return [];
    const { contentHash } = content;
    const exact = this.#photos.pathsOfContent(contentHash).filter((other) => other !== filePath);
    const pixelHash = this.#photos.pixelHashOf(contentHash);
    const pixel =
      pixelHash === null
        ? []
        : this.#photos
            .contentsWithPixelHash(pixelHash)
            .filter((other) => other !== contentHash)
            .flatMap((other) => this.#photos.pathsOfContent(other))
            .sort();
    return [
      ...exact.map((copy): ScoredPath => ({ path: copy, score: 1, match: 'exact' })),
      ...pixel.map((copy): ScoredPath => ({ path: copy, score: 1, match: 'pixel' })),
    ];
  }

  /** Library photos near a decoded query, above the near-duplicate threshold (for `find`). */
  async nearMatches(query: { contentHash: string; decoded: DecodedPhoto }, threshold = DEFAULT_NEAR_COSINE): Promise<ScoredPath[]> {
    let vector = this.#embeddings.embedding(query.contentHash, this.#embedder.modelId);
    if (!vector && query.decoded.modelInput) vector = (await this.#embedder.embed([query.decoded.modelInput])).vectors;
    if (!vector) return [];
    const hits = this.#vectors.search(vector, DEFAULT_SIMILAR_LIMIT)[0] ?? [];
    return this.#toPaths(
      hits.filter((hit) => hit.cosine >= threshold && hit.contentHash !== query.contentHash),
      new Set(),
    );
  }

  #toPaths(hits: readonly { contentHash: string; cosine: number }[], exclude: ReadonlySet<string>): ScoredPath[] {
    const results: ScoredPath[] = [];
    for (const hit of hits) {
      for (const filePath of this.#photos.pathsOfContent(hit.contentHash)) {
        if (!exclude.has(filePath)) results.push({ path: filePath, score: roundScore(hit.cosine) });
      }
    }
    // Equal scores (two files of one picture, a PNG export of a JPEG) by path: the vector index
    // returns them in the order they were added, which differs between two builds of one library.
    return results.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  #storedVector(filePath: string): Float32Array | null {
    const content = this.#photos.contentOfPath(filePath);
    if (!content?.contentHash || content.status !== 'ok') return null;
    return this.#embeddings.embedding(content.contentHash, this.#embedder.modelId);
  }

  async #modelInputOf(filePath: string): Promise<Uint8Array> {
    const { bytes } = await readQueryPhoto(filePath, this.#maxFileBytes);
    const decoded = await decodePhoto(filePath, bytes, { modelInputSize: this.#embedder.inputSize });
    if (!decoded.modelInput) throw new Error(`Internal error: no model input for ${filePath}`);
    return decoded.modelInput;
  }
}
