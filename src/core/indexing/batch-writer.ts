import type { ContentRecord, FileRecord, PhotoRepository } from '../store/photo.repository';
import type { WritableOutcome } from './file-indexer';
import type { DecodedContentConsumer } from './decoded-content-consumer';

/**
 * Collects file outcomes and writes them in batches: one SQLite transaction per batch, then the
 * batch's model inputs to the consumer (the embedder). Writes run one after another on a chain, in
 * the background of the decoders that feed it.
 */
export class BatchWriter {
  readonly #photos: PhotoRepository;
  readonly #consumer: DecodedContentConsumer | null;
  readonly #batchSize: number;
  #pending: WritableOutcome[] = [];
  /** Tail of the write chain: settles when every batch queued so far is written. */
  #writes: Promise<void> = Promise.resolve();
  /** Batches queued and not yet written, the one being written included. */
  #queuedBatches = 0;

  constructor(deps: { photos: PhotoRepository; consumer: DecodedContentConsumer | null; batchSize: number }) {
    this.#photos = deps.photos;
    this.#consumer = deps.consumer;
    this.#batchSize = deps.batchSize;
  }

  /** Adds an outcome; a full batch is queued for writing at once. */
  add(outcome: WritableOutcome): void {
    this.#pending.push(outcome);
    if (this.#pending.length >= this.#batchSize) this.#queueBatch();
  }

  /**
   * True when a full batch waits behind the one being written: decoding is a whole batch ahead, and
   * the decoders should wait for {@link written} (the back-pressure in decode-pipeline.ts).
   */
  get isBehind(): boolean {
    return this.#queuedBatches > 1;
  }

  /** Settles when every batch queued so far is written (rejects if one of them failed). */
  written(): Promise<void> {
    return this.#writes;
  }

  /** Queues what is left as a last batch and waits until everything is written. */
  async close(): Promise<void> {
    this.#queueBatch();
    await this.#writes;
  }

  #queueBatch(): void {
    this.#queuedBatches += 1;
    this.#writes = this.#writes
      .then(() => this.#writeBatch())
      .finally(() => {
        this.#queuedBatches -= 1;
      });
  }

  async #writeBatch(): Promise<void> {
    // Taken when the write starts, not when it was queued: outcomes added meanwhile join this batch.
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    const contents: ContentRecord[] = [];
    const files: FileRecord[] = [];
    const modelInputs: { contentHash: string; modelInput: Uint8Array }[] = [];
    for (const outcome of batch) {
      files.push(outcome.file);
      if (outcome.kind === 'indexed' && outcome.content) {
        contents.push(outcome.content);
        if (outcome.modelInput) modelInputs.push({ contentHash: outcome.content.hash, modelInput: outcome.modelInput });
      }
    }
    this.#photos.saveBatch(contents, files);
    if (this.#consumer && modelInputs.length > 0) await this.#consumer.consume(modelInputs);
  }
}
