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

  it('should give a k-NN on numbers the candidates a search finds, live ones only, in score order', () => {
    library = createSyntheticLibrary({ clusters: 20 });
    library.add(0, 600);
    library.remove([3, 4]); // deleted from disk: never a candidate
    const vectors = library.vectors;
    const queried = [0, 1, 5, 300];
    const queries = queried.map((item) =>
      defined(library?.embeddings.embeddingsOf([contentHashOf(item)], MODEL).get(contentHashOf(item)), 'a vector'),
    );
    const batch = new Float32Array(queries.length * DIM);
    queries.forEach((vector, q) => batch.set(vector, q * DIM));
    // Our numbers: each content's item number, none for item 7.
    const itemOf = new Map(Array.from({ length: 600 }, (_, item) => [contentHashOf(item), item]));
    const numbers = vectors.positionNumbers((hash) => (hash === contentHashOf(7) ? undefined : itemOf.get(hash)));
    const visit = (accept: (q: number, item: number) => boolean, floor: number): number[][] => {
      const found: number[][] = queries.map(() => []);
      vectors.neighbours(batch, 8, numbers, { minApproximateScore: floor, accept, visit: (q, item) => found[q]?.push(item) });
      return found;
    };
    const all = visit(() => true, -1);
    for (const [q, found] of all.entries()) {
      expect(found).toHaveLength(8);
      expect(found).not.toContain(3);
      expect(found).not.toContain(4);
      expect(found).not.toContain(7);
      expect(new Set(found).size).toBe(8);
      // The best candidates the search finds (it re-scores them), the query's own photo first.
      const searched = defined(vectors.search(defined(queries[q], 'query'), 8)[0], 'hits').map((hit) => itemOf.get(hit.contentHash));
      expect(found[0]).toBe(searched[0]);
      expect(found.filter((item) => searched.includes(item)).length).toBeGreaterThanOrEqual(6);
    }
    // A refused candidate leaves its slot to the next one; a floor stops the list.
    const withoutSelf = visit((q, item) => item !== queried[q], -1);
    withoutSelf.forEach((found, q) => expect(found).toEqual(defined(all[q], 'all').slice(1).concat(found.slice(7))));
    expect(visit(() => true, 0.999).map((found) => found.length)).toEqual([1, 1, 1, 1]);
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

  it('should rebuild in slices with updateAsync, a search between two seeing the vectors added so far, and save what update saves', async () => {
    library = createSyntheticLibrary({ clusters: 40 });
    library.add(0, 6000);
    const { libraryDir, embeddings } = library;
    fs.rmSync(indexFile(libraryDir));
    const service = openService(libraryDir);
    const probe = defined(embeddings.embeddingsOf([contentHashOf(10)], MODEL).get(contentHashOf(10)), 'a vector');
    const sizes: number[] = [];
    let ticking = true;
    const tick = (): void => {
      if (!ticking) return;
      sizes.push(service.size);
      service.search(probe, 3); // never throws, whatever has been added
      setImmediate(tick);
    };
    setImmediate(tick);
    await service.updateAsync();
    ticking = false;
    const live = embeddings.liveEmbeddingCount(MODEL);
    // The loop turned after each slice of 512 vectors; the index only grew meanwhile.
    const seen = [...new Set(sizes)];
    expect(seen.length).toBeGreaterThanOrEqual(Math.floor(live / 512));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(service.size).toBe(live);
    expect(service.search(probe, 1)[0]?.[0]?.contentHash).toBe(contentHashOf(10));
    // Saved with its id map: another process loads it as it is.
    const lines: string[] = [];
    const reopened = openService(libraryDir, lines);
    expect(reopened.size).toBe(live);
    expect(lines).toEqual([]);
    expect(reopened.search(probe, 1)[0]?.[0]?.contentHash).toBe(contentHashOf(10));
  });

  it('should free a saved index for another thread, load it from its file at the next search, and keep it while an update runs', async () => {
    library = createSyntheticLibrary({ clusters: 40 });
    library.add(0, 3000);
    const { libraryDir, embeddings } = library;
    const lines: string[] = [];
    const service = openService(libraryDir, lines);
    const probe = defined(embeddings.embeddingsOf([contentHashOf(10)], MODEL).get(contentHashOf(10)), 'a vector');
    const before = service.search(probe, 5);
    expect(service.releaseIndex()).toBe(true);
    expect(service.releaseIndex()).toBe(false); // nothing loaded: nothing to free
    expect(service.search(probe, 5)).toEqual(before);
    expect(lines).toEqual([]); // loaded as saved, not rebuilt
    library.add(3000, 100);
    const update = service.updateAsync();
    expect(service.releaseIndex()).toBe(false);
    await update;
    expect(service.size).toBe(embeddings.liveEmbeddingCount(MODEL));
  });

  it('should stop a paced rebuild that a reload interrupts, and rebuild at the next use', async () => {
    library = createSyntheticLibrary({ clusters: 40 });
    library.add(0, 3000);
    const { libraryDir, embeddings } = library;
    fs.rmSync(indexFile(libraryDir));
    const service = openService(libraryDir);
    let sizeWhenReloaded = -1;
    setImmediate(() => {
      sizeWhenReloaded = service.size;
      service.reload(); // another process committed
    });
    await service.updateAsync();
    expect(sizeWhenReloaded).toBeGreaterThan(0);
    expect(sizeWhenReloaded).toBeLessThan(embeddings.liveEmbeddingCount(MODEL));
    expect(service.size).toBe(embeddings.liveEmbeddingCount(MODEL));
  });
});
