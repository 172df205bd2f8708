import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isErrorCode } from '../../../shared/errors';
import { DoppelError, ErrorCodes, errorMessage } from '../../errors';
import { faiss } from '../../vectors/faiss-binding';
import { nearPairsFile } from '../../store/near-pair.store';
import type { VectorSearchService } from '../../vectors/vector-search.service';
import type { NearPairSources } from './near-pair-finder';
import {
  inlineNearPairRunner,
  type NearPairJob,
  type NearPairResult,
  type NearPairRunner,
  type NearPairWorkerMessage,
} from './near-pair-job';

/** Names of the built worker entry (scripts/build-cli.mjs writes .mjs into dist/, electron-vite .js into out/main/). */
const WORKER_FILES = ['near-pairs-worker.mjs', 'near-pairs-worker.js'];

/**
 * Loads the FAISS addon on this thread too. A worker that exits unloads the native addons it loaded
 * (dlclose) unless another thread holds them; FAISS's OpenMP threads can still be running addon code
 * then, and the process dies with SIGSEGV (measured: 7 to 10 runs in 10 with the addon loaded only
 * by the worker, none once this thread had loaded it). Loading is cheap: no index is read.
 */
function keepFaissLoaded(log: (line: string) => void): void {
  try {
    faiss();
  } catch (error) {
    // The worker reports the missing addon itself, as the error of its search.
    log(`near duplicates: ${errorMessage(error)}`);
  }
}

/** An error the worker reported, with its code when it had one of ours. */
class NearPairSearchError extends DoppelError {
  override readonly name = 'NearPairSearchError' as const;
}

/**
 * The built worker entry next to this bundle (or one folder up, from a bundler's shared chunk), or
 * null when running from TypeScript sources (vitest), where jobs run inline instead.
 */
export function builtNearPairWorker(from: string = import.meta.url): string | null {
  const folder = path.dirname(fileURLToPath(from));
  for (const dir of [folder, path.dirname(folder)]) {
    for (const name of WORKER_FILES) {
      const file = path.join(dir, name);
      if (fs.existsSync(file)) return file;
    }
  }
  return null;
}

/**
 * Runs each job in a new worker thread with its own SQLite connection and its own loaded vector
 * index, so the engine's event loop keeps answering (thumbnails, cancel) through a search that
 * takes minutes on a large library. Aborting terminates the worker. Falls back to running inline
 * when no worker entry is built (TypeScript sources under vitest).
 */
export function nearPairRunner(inline: NearPairSources, log: (line: string) => void): NearPairRunner {
  const workerFile = builtNearPairWorker();
  if (!workerFile) {
    log('near duplicates: no built worker entry beside this module: pairs are searched on this thread');
    return inlineNearPairRunner(inline);
  }
  return workerNearPairRunner(workerFile, log, inline.vectors);
}

/**
 * `mainVectors`: this thread's vector index, freed when the worker starts a search of every photo
 * (it loads its own copy: at 1M photos each is ~0.8 GB, of the 5 GB a first grouping took).
 * A similar-photos query meanwhile loads it again.
 */
export function workerNearPairRunner(
  workerFile: string,
  log: (line: string) => void,
  mainVectors: VectorSearchService | null = null,
): NearPairRunner {
  return (job: NearPairJob, options) =>
    new Promise<NearPairResult>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      if (job.modelId) keepFaissLoaded(log);
      const freeIndex = (): void => {
        if (mainVectors?.releaseIndex()) log('near duplicates: this thread freed its vector index while the worker searches every photo');
      };
      // No pairs to start from: the worker searches every photo, and reads every picture before it
      // says so (at 1M photos ~0.5 GB, on top of both indexes if this one waited for that).
      if (job.previous === null && !fs.existsSync(nearPairsFile(job.libraryDir, job.modelId))) freeIndex();
      const worker = new Worker(workerFile, { workerData: job });
      log(`near duplicates: pairs brought up to date in worker thread ${worker.threadId} (${path.basename(workerFile)})`);
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        outcome();
      };
      const onAbort = (): void => settle(() => reject(signal?.reason as Error));
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (message: NearPairWorkerMessage) => {
        switch (message.type) {
          case 'progress':
            if (message.mode === 'full' && message.done === 0) freeIndex();
            options.onProgress?.(message.done, message.total, message.mode);
            return;
          case 'log':
            log(message.line);
            return;
          case 'result':
            settle(() => resolve(message.result));
            return;
          case 'failed':
            settle(() => reject(new NearPairSearchError(isErrorCode(message.code) ? message.code : ErrorCodes.internal, message.message)));
            return;
          default:
            message satisfies never;
        }
      });
      worker.on('error', (error) =>
        settle(() => reject(new NearPairSearchError(ErrorCodes.internal, `Cannot search near-duplicate pairs: ${error.message}`))),
      );
      worker.on('exit', (code) =>
        settle(() =>
          reject(
            new NearPairSearchError(ErrorCodes.internal, `Cannot search near-duplicate pairs: the worker stopped (exit code ${code})`),
          ),
        ),
      );
    });
}
