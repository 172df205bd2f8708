/** Receives the model input of every newly decoded content, batched (the embedding pipeline). */
export interface DecodedContentConsumer {
  /** Side of the square RGB model input the decoder must produce. */
  readonly modelInputSize: number;
  consume(batch: readonly { readonly contentHash: string; readonly modelInput: Uint8Array }[]): Promise<void>;
  /**
   * Called once after the last batch of a run (e.g. to persist a vector index). `changed` is false
   * when the run found nothing new, changed or removed.
   */
  finish(options: { cancelled: boolean; changed: boolean; onProgress: (done: number, total: number) => void }): Promise<void>;
}
