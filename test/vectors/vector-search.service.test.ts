import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VectorIndex } from '../../src/core/vectors/vector-index';
import { VectorSearchService } from '../../src/core/vectors/vector-search.service';
import { DIM, MODEL, contentHashOf, createSyntheticLibrary, type SyntheticLibrary } from '../core/support/synthetic-library';
import { defined } from '../helpers/defined';

let library: SyntheticLibrary | undefined;
afterEach(() => {
  library?.close();
  library = undefined;
});

function indexFile(libraryDir: string): string {
  return path.join(libraryDir, `vectors-${MODEL}.faiss`);
}

function openService(libraryDir: string, lines: string[] = []): VectorSearchService {
  return new VectorSearchService({
    embeddings: defined(library, 'library').embeddings,
    modelId: MODEL,
    dim: DIM,
    libraryDir,
    log: (line) => lines.push(line),
  });
}

describe('VectorSearchService', () => {
  it('should index every live vector of a rebuilt library and find each by its own vector', () => {
    library = createSyntheticLibrary({ clusters: 40 });
    library.add(0, 6000);
    const vectors = library.vectors;
    expect(vectors.kind).toBe('hnsw32');
    const stored = library.embeddings.embeddingsOf([contentHashOf(10), contentHashOf(5000)], MODEL);
    for (const [hash, vector] of stored) {
      const [best] = defined(vectors.search(vector, 1)[0], `hits for ${hash}`);
      expect(best?.contentHash).toBe(hash);
      expect(best?.cosine).toBeCloseTo(1, 5);
    }
    expect(vectors.size).toBe(library.embeddings.liveEmbeddingCount(MODEL));
  });

  it('should search a saved index of an older kind, then rebuild it into the current kind at the next update', () => {
    library = createSyntheticLibrary({ clusters: 40 });
    library.add(0, 6000);
    const { libraryDir, embeddings } = library;
    // An index file as an older version wrote it: a flat index over the same positions.
    const positions = embeddings.positions(MODEL);
    const stored = embeddings.embeddingsOf(positions, MODEL);
    const rows = new Float32Array(positions.length * DIM);
    positions.forEach((hash, i) => rows.set(defined(stored.get(hash), `vector of ${hash}`), i * DIM));
    VectorIndex.build(DIM, rows, { kind: 'flat' }).save(indexFile(libraryDir));

    const lines: string[] = [];
    const reopened = openService(libraryDir, lines);
    expect(reopened.kind).toBe('flat');
    const query = rows.subarray(0, DIM);
    expect(reopened.search(query, 1)[0]?.[0]?.contentHash).toBe(positions[0]);
    reopened.update();
    expect(reopened.kind).toBe('hnsw32');
    expect(lines.some((line) => line.includes('rebuilt') && line.includes('hnsw32'))).toBe(true);
    expect(openService(libraryDir).kind).toBe('hnsw32'); // saved, and loads without a rebuild
    expect(reopened.search(query, 1)[0]?.[0]?.contentHash).toBe(positions[0]);
  });

  it('should rebuild from stored vectors when the index file is corrupt', () => {
    library = createSyntheticLibrary({ clusters: 40 });
    library.add(0, 500);
    const file = indexFile(library.libraryDir);
    fs.writeFileSync(file, Buffer.alloc(4096, 7));
    const lines: string[] = [];
    const reopened = openService(library.libraryDir, lines);
    expect(reopened.size).toBe(library.embeddings.liveEmbeddingCount(MODEL));
    expect(lines.some((line) => line.includes('missing or unreadable'))).toBe(true);
  });
});
