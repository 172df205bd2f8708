import type { SqliteDatabase } from './library.database';

export interface ContentLabel {
  readonly label: string;
  readonly score: number;
}

/** SQLite I/O for embeddings, the FAISS id map (position -> content) and per-photo labels. */
export class EmbeddingRepository {
  readonly #db: SqliteDatabase;
  readonly #statements;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#statements = {
      insertEmbedding: db.prepare<[string, string, Buffer]>(
        'INSERT OR REPLACE INTO embeddings (content_hash, model_id, vector) VALUES (?, ?, ?)',
      ),
      deleteLabels: db.prepare<[string, string]>('DELETE FROM content_labels WHERE content_hash = ? AND model_id = ?'),
      insertLabel: db.prepare<[string, string, number, string, number]>(
        'INSERT INTO content_labels (content_hash, model_id, rank, label, score) VALUES (?, ?, ?, ?, ?)',
      ),
      embedding: db.prepare<[string, string], { vector: Buffer }>('SELECT vector FROM embeddings WHERE content_hash = ? AND model_id = ?'),
      contentsMissingEmbedding: db.prepare<[string], { hash: string }>(
        `SELECT c.hash FROM contents c
         WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.content_hash = c.hash AND e.model_id = ?)
           AND EXISTS (SELECT 1 FROM files f WHERE f.content_hash = c.hash AND f.status = 'ok')`,
      ),
      unpositioned: db.prepare<[string, string], { content_hash: string; vector: Buffer }>(
        `SELECT e.content_hash, e.vector FROM embeddings e
         WHERE e.model_id = ? AND NOT EXISTS (SELECT 1 FROM vector_positions p WHERE p.model_id = ? AND p.content_hash = e.content_hash)
         ORDER BY e.content_hash`,
      ),
      unpositionedLiveCount: db.prepare<[string, string], { n: number }>(
        `SELECT count(*) AS n FROM embeddings e
         WHERE e.model_id = ? AND NOT EXISTS (SELECT 1 FROM vector_positions p WHERE p.model_id = ? AND p.content_hash = e.content_hash)
           AND EXISTS (SELECT 1 FROM files f WHERE f.content_hash = e.content_hash AND f.status = 'ok')`,
      ),
      positions: db.prepare<[string], { position: number; content_hash: string }>(
        'SELECT position, content_hash FROM vector_positions WHERE model_id = ? ORDER BY position',
      ),
      positionCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM vector_positions WHERE model_id = ?'),
      insertPosition: db.prepare<[string, number, string]>(
        'INSERT INTO vector_positions (model_id, position, content_hash) VALUES (?, ?, ?)',
      ),
      clearPositions: db.prepare<[string]>('DELETE FROM vector_positions WHERE model_id = ?'),
      embeddingsOf: db.prepare<[string, string], { content_hash: string; vector: Buffer }>(
        `SELECT content_hash, vector FROM embeddings WHERE model_id = ? AND content_hash IN (SELECT value FROM json_each(?))`,
      ),
      liveEmbeddingCount: db.prepare<[string], { n: number }>(
        `SELECT count(*) AS n FROM embeddings e
         WHERE e.model_id = ? AND EXISTS (SELECT 1 FROM files f WHERE f.content_hash = e.content_hash AND f.status = 'ok')`,
      ),
      liveEmbeddingsPage: db.prepare<[string, string, number], { content_hash: string; vector: Buffer }>(
        `SELECT e.content_hash, e.vector FROM embeddings e
         WHERE e.model_id = ? AND e.content_hash > ?
           AND EXISTS (SELECT 1 FROM files f WHERE f.content_hash = e.content_hash AND f.status = 'ok')
         ORDER BY e.content_hash LIMIT ?`,
      ),
      liveContents: db.prepare<[], { content_hash: string }>(
        `SELECT DISTINCT content_hash FROM files WHERE status = 'ok' AND content_hash IS NOT NULL`,
      ),
      labels: db.prepare<[string, string], { label: string; score: number }>(
        'SELECT label, score FROM content_labels WHERE content_hash = ? AND model_id = ? ORDER BY rank',
      ),
    };
  }

  /** Stores a batch of vectors (and labels, when the model has them) in one transaction. */
  saveEmbeddings(
    modelId: string,
    items: readonly { contentHash: string; vector: Float32Array; labels: readonly ContentLabel[] | null }[],
  ): void {
    this.#db.transaction(() => {
      for (const item of items) {
        this.#statements.insertEmbedding.run(item.contentHash, modelId, toBlob(item.vector));
        if (item.labels) {
          this.#statements.deleteLabels.run(item.contentHash, modelId);
          item.labels.forEach((label, rank) => this.#statements.insertLabel.run(item.contentHash, modelId, rank, label.label, label.score));
        }
      }
    })();
  }

  embedding(contentHash: string, modelId: string): Float32Array | null {
    const row = this.#statements.embedding.get(contentHash, modelId);
    return row ? fromBlob(row.vector) : null;
  }

  /** Vectors of many contents in one query (re-scoring a batch of search results). */
  embeddingsOf(contentHashes: readonly string[], modelId: string): Map<string, Float32Array> {
    const vectors = new Map<string, Float32Array>();
    if (contentHashes.length === 0) return vectors;
    for (const row of this.#statements.embeddingsOf.all(modelId, JSON.stringify(contentHashes))) {
      vectors.set(row.content_hash, fromBlob(row.vector));
    }
    return vectors;
  }

  /** Readable contents that have no vector for this model yet (new model, or embedding failed before). */
  contentsMissingEmbedding(modelId: string): string[] {
    return this.#statements.contentsMissingEmbedding.all(modelId).map((row) => row.hash);
  }

  /** Vectors not yet placed in the model's FAISS index. */
  unpositionedEmbeddings(modelId: string): { contentHash: string; vector: Float32Array }[] {
    return this.#statements.unpositioned
      .all(modelId, modelId)
      .map((row) => ({ contentHash: row.content_hash, vector: fromBlob(row.vector) }));
  }

  /** Vectors of contents with a readable file that are not in the FAISS index yet. */
  unpositionedLiveCount(modelId: string): number {
    return this.#statements.unpositionedLiveCount.get(modelId, modelId)?.n ?? 0;
  }

  /** Number of vectors of contents that still have a readable file. */
  liveEmbeddingCount(modelId: string): number {
    return this.#statements.liveEmbeddingCount.get(modelId)?.n ?? 0;
  }

  /** Live vectors in content-hash order, `pageSize` at a time, so 1M vectors never sit in memory at once. */
  *liveEmbeddingPages(modelId: string, pageSize: number): Generator<{ contentHash: string; vector: Float32Array }[]> {
    let after = '';
    for (;;) {
      const rows = this.#statements.liveEmbeddingsPage.all(modelId, after, pageSize);
      if (rows.length === 0) return;
      yield rows.map((row) => ({ contentHash: row.content_hash, vector: fromBlob(row.vector) }));
      after = rows[rows.length - 1]?.content_hash ?? after;
    }
  }

  liveContentHashes(): Set<string> {
    return new Set(this.#statements.liveContents.all().map((row) => row.content_hash));
  }

  /** The id map, position order. */
  positions(modelId: string): string[] {
    return this.#statements.positions.all(modelId).map((row) => row.content_hash);
  }

  positionCount(modelId: string): number {
    return this.#statements.positionCount.get(modelId)?.n ?? 0;
  }

  appendPositions(modelId: string, start: number, contentHashes: readonly string[]): void {
    this.#db.transaction(() => {
      contentHashes.forEach((hash, i) => this.#statements.insertPosition.run(modelId, start + i, hash));
    })();
  }

  replacePositions(modelId: string, contentHashes: readonly string[]): void {
    this.#db.transaction(() => {
      this.#statements.clearPositions.run(modelId);
      contentHashes.forEach((hash, i) => this.#statements.insertPosition.run(modelId, i, hash));
    })();
  }

  labels(contentHash: string, modelId: string): ContentLabel[] {
    return this.#statements.labels.all(contentHash, modelId);
  }
}

function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function fromBlob(blob: Buffer): Float32Array {
  // A view when the blob is 4-byte aligned (4 KB vectors get their own allocation), else a copy.
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
