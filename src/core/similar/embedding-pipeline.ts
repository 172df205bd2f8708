import type { Embedder } from '../embedding/embedder';
import { errorMessage } from '../errors';
import type { DecodedContentConsumer } from '../indexing/indexer.service';
import { decodePhoto } from '../media/photo-decoder';
import { withStoredContent } from '../media/read-photo';
import type { EmbeddingRepository } from '../store/embedding.repository';
import type { PhotoRepository } from '../store/photo.repository';
import type { SettingsRepository } from '../store/settings.repository';
import type { VectorSearchService } from '../vectors/vector-search.service';

/**
 * Embeds the model input of every photo the indexer decodes (batched, one ONNX session), stores the
 * vectors and labels, and at the end of a run brings the FAISS index up to date. Photos that have no
 * vector for the active model — the library was indexed with another model, or without one — are
 * decoded again from one of their files and embedded, so switching models re-embeds the library.
 */
export class EmbeddingPipeline implements DecodedContentConsumer {
  readonly #embedder: Embedder;
  readonly #embeddings: EmbeddingRepository;
  readonly #photos: PhotoRepository;
  readonly #settings: SettingsRepository;
  readonly #vectors: VectorSearchService;
  readonly #log: (line: string) => void;
  readonly #maxFileBytes: number | undefined;

  constructor(deps: {
    embedder: Embedder;
    embeddings: EmbeddingRepository;
    photos: PhotoRepository;
    settings: SettingsRepository;
    vectors: VectorSearchService;
    log: (line: string) => void;
    /** Larger files are not read again to embed them (default: src/shared/limits.ts, photoFileMegabytes). */
    maxFileBytes?: number;
  }) {
    this.#embedder = deps.embedder;
    this.#embeddings = deps.embeddings;
    this.#photos = deps.photos;
    this.#settings = deps.settings;
    this.#vectors = deps.vectors;
    this.#log = deps.log;
    this.#maxFileBytes = deps.maxFileBytes;
  }

  get modelInputSize(): number {
    return this.#embedder.inputSize;
  }

  async consume(batch: readonly { readonly contentHash: string; readonly modelInput: Uint8Array }[]): Promise<void> {
    if (batch.length === 0) return;
    const { vectors, labels } = await this.#embedder.embed(batch.map((item) => item.modelInput));
    const dim = this.#embedder.dim;
    this.#embeddings.saveEmbeddings(
      this.#embedder.modelId,
      batch.map((item, i) => ({
        contentHash: item.contentHash,
        vector: vectors.slice(i * dim, (i + 1) * dim),
        labels: labels ? (labels[i] ?? []) : null,
      })),
    );
  }

  async finish(options: { cancelled: boolean; changed: boolean; onProgress: (done: number, total: number) => void }): Promise<void> {
    const modelId = this.#embedder.modelId;
    // Photos without a vector for this model exist only after a change, a model switch or a run
    // that stopped early; otherwise the whole-library checks are skipped.
    // A run that died between saving vectors and indexing them leaves vectors out of the index
    // with nothing changed on disk: the count of those brings the update back.
    const owed = options.changed || this.#settings.get('embeddings-complete-for') !== modelId || this.#vectors.needsUpdate();
    if (!owed) return;
    if (!options.cancelled) {
      await this.embedMissing(options.onProgress);
      this.#settings.set('embeddings-complete-for', modelId);
    }
    // Paced: the engine's event loop answers the bridge meanwhile (a rebuild of 5,000 vectors held it 1.7 s).
    await this.#vectors.updateAsync();
  }

  /** Decodes and embeds readable photos that lack a vector for the active model. */
  async embedMissing(onProgress: (done: number, total: number) => void = () => {}): Promise<number> {
    const missing = this.#embeddings.contentsMissingEmbedding(this.#embedder.modelId);
    if (missing.length === 0) return 0;
    onProgress(0, missing.length);
    let done = 0;
    let embedded = 0;
    const batch: { contentHash: string; modelInput: Uint8Array }[] = [];
    for (const contentHash of missing) {
      const modelInput = await this.#modelInputOf(contentHash);
      if (modelInput) batch.push({ contentHash, modelInput });
      if (batch.length >= 16) {
        embedded += batch.length;
        await this.consume(batch.splice(0));
      }
      onProgress(++done, missing.length);
    }
    embedded += batch.length;
    await this.consume(batch);
    return embedded;
  }

  async #modelInputOf(contentHash: string): Promise<Uint8Array | null> {
    return withStoredContent(
      this.#photos.pathsOfContent(contentHash),
      contentHash,
      async (filePath, bytes) => (await decodePhoto(filePath, bytes, { modelInputSize: this.#embedder.inputSize })).modelInput,
      (filePath, error) => this.#log(`cannot embed ${filePath}: ${errorMessage(error)}`),
      this.#maxFileBytes,
    );
  }
}
