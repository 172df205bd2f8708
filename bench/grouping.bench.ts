import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NearDuplicatesService } from '../src/core/duplicates/near-duplicates.service';
import { VectorSearchService } from '../src/core/vectors/vector-search.service';
import { DuplicateRepository } from '../src/core/store/duplicate.repository';
import { EmbeddingRepository } from '../src/core/store/embedding.repository';
import { databaseProblems, openLibraryDatabase } from '../src/core/store/library.database';
import { PhotoRepository, type ContentRecord, type FileRecord } from '../src/core/store/photo.repository';
import { SyntheticEmbeddings, mulberry32 } from '../src/core/vectors/synthetic-embeddings';

export interface GroupingBenchResult {
  readonly photos: number;
  readonly vectorIndexBuildSeconds: number;
  readonly groupingSeconds: number;
  readonly groups: number;
  readonly similarQueryP50Ms: number;
  readonly similarQueryP99Ms: number;
  readonly quickCheckSeconds: number;
  readonly peakRssMiB: number;
}

const MODEL = 'bench-synthetic';
const DIM = 1024;

/**
 * Near-duplicate grouping over a library of `photos` synthetic photos, through the real code path:
 * SQLite rows (contents, files, embeddings), the real FAISS index built by VectorSearchService, and
 * NearDuplicatesService (batched k-NN over every vector + multi-index hashing of perceptual hashes
 * and their rotations, then star clustering). Vectors come from the seeded generator shared with the
 * vector bench (clusters and near-duplicate pairs); perceptual hashes are random, with the near-
 * duplicate pairs' hashes a few bits apart.
 */
export async function runGroupingBench(options: { photos?: number } = {}): Promise<GroupingBenchResult> {
  const photos = options.photos ?? 100_000;
  const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-bench-grouping-'));
  const db = openLibraryDatabase(libraryDir);
  try {
    const photoRepository = new PhotoRepository(db);
    const embeddings = new EmbeddingRepository(db);
    const root = photoRepository.upsertRoot('/bench', []);
    const generator = new SyntheticEmbeddings({ dim: DIM, seed: 7, librarySize: photos });
    const random = mulberry32(11);
    const started = performance.now();
    const chunk = 5000;
    const vectors = new Float32Array(chunk * DIM);
    for (let start = 0; start < photos; start += chunk) {
      const count = Math.min(chunk, photos - start);
      generator.fill(start, count, vectors);
      const contents: ContentRecord[] = [];
      const files: FileRecord[] = [];
      const items: { contentHash: string; vector: Float32Array; labels: null }[] = [];
      for (let i = 0; i < count; i++) {
        const item = start + i;
        const hash = item.toString(16).padStart(64, '0');
        const shot = generator.shotOf(item);
        const perceptualHash = shot === item ? randomHash(random) : flipBits(hashOfShot.get(shot) ?? randomHash(random), random, 3);
        hashOfShot.set(item, perceptualHash);
        contents.push({
          hash,
          size: 3_000_000,
          format: 'jpeg',
          width: 4000,
          height: 3000,
          orientation: 1,
          takenAt: null,
          cameraMake: null,
          cameraModel: null,
          perceptualHash,
          perceptualHashVariants: [randomHash(random), randomHash(random), randomHash(random), randomHash(random)],
        });
        files.push({
          rootId: root.id,
          path: `/bench/${item}.jpg`,
          size: 3_000_000,
          mtimeMs: 0,
          dev: 1,
          ino: item + 1,
          contentHash: hash,
          status: 'ok',
          error: null,
        });
        items.push({ contentHash: hash, vector: vectors.slice(i * DIM, (i + 1) * DIM), labels: null });
      }
      photoRepository.saveBatch(contents, files);
      embeddings.saveEmbeddings(MODEL, items);
    }
    hashOfShot.clear();
    console.log(`grouping: wrote ${photos} synthetic photos to SQLite in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const vectorsService = new VectorSearchService({ embeddings, modelId: MODEL, dim: DIM, libraryDir, log: () => {} });
    const buildStarted = performance.now();
    vectorsService.update();
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    console.log(`grouping: vector index build for ${photos} photos (${vectorsService.kind}): ${buildSeconds.toFixed(1)} s`);

    const near = new NearDuplicatesService({
      groups: new DuplicateRepository(db),
      embeddings,
      vectors: vectorsService,
      modelId: MODEL,
      log: (line) => console.log(`grouping:   ${line}`),
    });
    const groupStarted = performance.now();
    const groups = await near.nearDuplicateGroups();
    const groupingSeconds = (performance.now() - groupStarted) / 1000;
    // Single "show similar photos" queries through the library's search path (FAISS candidates,
    // liveness mask, exact re-scoring from SQLite), as the UI issues them.
    const probe = new Float32Array(DIM);
    const latencies: number[] = [];
    for (let q = 0; q < 300; q++) {
      generator.fill((q * 7919) % photos, 1, probe);
      const t = performance.now();
      vectorsService.search(probe, 10);
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length * 0.5)] ?? 0;
    const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0;
    console.log(
      `grouping: similar-photo query through the library at ${photos} photos: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (target p99 < 10 ms at 100k)`,
    );
    // Every open runs SQLite's quick_check (damage detection): its cost grows with the file.
    const checkStarted = performance.now();
    const problems = databaseProblems(db, 'quick');
    const quickCheckSeconds = (performance.now() - checkStarted) / 1000;
    const databaseMB = fs.statSync(path.join(libraryDir, 'library.db')).size / 1e6;
    console.log(
      `grouping: quick_check on open of the ${photos}-photo library.db (${databaseMB.toFixed(0)} MB): ${quickCheckSeconds.toFixed(2)} s, ${problems.length} problems (target < 2 s at 100k)`,
    );
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(
      `grouping: near-duplicate grouping of ${photos} photos: ${groupingSeconds.toFixed(1)} s, ${groups.length} groups (target < 60 s); peak RSS ${peakRssMiB.toFixed(0)} MiB`,
    );
    return {
      photos,
      vectorIndexBuildSeconds: round(buildSeconds),
      groupingSeconds: round(groupingSeconds),
      groups: groups.length,
      similarQueryP50Ms: round(p50),
      similarQueryP99Ms: round(p99),
      quickCheckSeconds: round(quickCheckSeconds),
      peakRssMiB: Math.round(peakRssMiB),
    };
  } finally {
    db.close();
    fs.rmSync(libraryDir, { recursive: true, force: true });
  }
}

const hashOfShot = new Map<number, string>();

function randomHash(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += Math.floor(random() * 16).toString(16);
  return hex;
}

function flipBits(hash: string, random: () => number, bits: number): string {
  let value = BigInt(`0x${hash}`);
  for (let i = 0; i < bits; i++) value ^= 1n << BigInt(Math.floor(random() * 64));
  return value.toString(16).padStart(16, '0');
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
