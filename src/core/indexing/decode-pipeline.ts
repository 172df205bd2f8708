import { assertDefined } from '../assert';
import type { ScannedFile } from '../scan/scanner';
import type { BatchWriter } from './batch-writer';
import type { FileIndexer } from './file-indexer';
import type { IndexRun } from './index-run';
import type { ProgressReporter } from './progress-reporter';

export interface DecodePipelineParts {
  readonly files: FileIndexer;
  readonly writer: BatchWriter;
  readonly run: IndexRun;
  readonly progress: ProgressReporter;
  readonly rootIdOf: ReadonlyMap<string, number>;
  readonly signal: AbortSignal | undefined;
  /** Files in flight at once (at least one). */
  readonly concurrency: number;
}

/**
 * The decode-and-write pipeline: `concurrency` workers take the files in scan order and turn each
 * into an outcome (read, hashed, decoded at most once), and the batch writer saves and embeds the
 * outcomes behind them. Resolves when every outcome is written, or rejects with the first failure.
 */
export async function decodeAndWrite(work: readonly ScannedFile[], parts: DecodePipelineParts): Promise<void> {
  const { files, writer, run, progress, rootIdOf, signal } = parts;
  let next = 0;
  // A failure that is not a photo's (the library cannot be written) ends the run: the other
  // workers stop after their current file instead of failing file after file.
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < work.length && !failed) {
      // Cancel stops between files: outcomes so far are still written; the library keeps the old
      // state of the files not taken, so the next run finds them new or changed again.
      if (signal?.aborted) {
        run.markCancelled();
        return;
      }
      const file = assertDefined(work[next++], 'next file to index');
      let outcome;
      try {
        outcome = await files.index(file, rootIdOf.get(file.rootPath) ?? 0);
      } catch (error) {
        failed = true;
        throw error;
      }
      progress.tick(file.path);
      run.record(outcome);
      if (outcome.kind !== 'vanished') writer.add(outcome);
      // Back-pressure: decoding goes on while one batch is saved and embedded, so the cores never
      // wait on the embedder, but never runs more than one batch ahead of it: model inputs waiting
      // for a slower embedder would otherwise pile up in memory for the whole library.
      if (writer.isBehind) await writer.written();
    }
  };
  const workers = Array.from({ length: parts.concurrency }, worker);
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((result) => result.status === 'rejected');
  // What the other workers finished is still written: a rerun then has less to do.
  await writer.close();
  if (failure) throw failure.reason;
}
