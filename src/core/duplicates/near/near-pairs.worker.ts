/**
 * Worker-thread entry (built as near-pairs-worker.mjs in dist/ and near-pairs-worker.js in
 * out/main/): brings a library's near-duplicate candidate pairs up to date on its own SQLite
 * connection and its own loaded vector index, posting progress, then the result.
 *
 * Its connection only reads, with one exception it shares with any reader process: a vector index
 * file found missing or out of step with its id map is rebuilt and, when no writer holds the
 * library, saved (see VectorSearchService). A read-only connection would leave that repair half
 * done (the file written, the id map not), so it is an ordinary one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorCodeOf } from '../../../shared/errors';
import { errorMessage } from '../../errors';
import { DuplicateRepository } from '../../store/duplicate.repository';
import { EmbeddingRepository } from '../../store/embedding.repository';
import { openLibraryDatabase } from '../../store/library.database';
import { VectorSearchService } from '../../vectors/vector-search.service';
import { resultBuffers, runNearPairJob, type NearPairJob, type NearPairWorkerMessage } from './near-pair-job';

/** Progress is posted at most this often: the engine forwards it to every window. */
const PROGRESS_INTERVAL_MS = 250;

const port = parentPort;
if (!port) throw new Error('near-pairs worker: start it with new Worker(), not as a script');
const post = (message: NearPairWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
const log = (line: string): void => post({ type: 'log', line });

const job = workerData as NearPairJob;
try {
  const db = openLibraryDatabase(job.libraryDir);
  try {
    const embeddings = new EmbeddingRepository(db);
    const vectors =
      job.modelId && job.dim
        ? new VectorSearchService({ embeddings, modelId: job.modelId, dim: job.dim, libraryDir: job.libraryDir, log })
        : null;
    let lastPost = 0;
    const sources = { groups: new DuplicateRepository(db), embeddings, vectors, modelId: job.modelId, log, freeIndexWhenSearched: true };
    const result = runNearPairJob(sources, job, {
      onProgress: (done, total, mode) => {
        const now = Date.now();
        if (done !== 0 && done !== total && now - lastPost < PROGRESS_INTERVAL_MS) return;
        lastPost = now;
        post({ type: 'progress', done, total, mode });
      },
    });
    vectors?.reload(); // frees this thread's copy of the index now, not whenever the thread is torn down
    post({ type: 'result', result }, resultBuffers(result));
  } finally {
    db.close();
  }
} catch (error) {
  post({ type: 'failed', message: errorMessage(error), code: errorCodeOf(error) ?? null });
}
