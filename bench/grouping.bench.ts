import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DuplicatesService } from '../src/core/duplicates/duplicates.service';
import { libraryReview, type GroupReview } from '../src/core/duplicates/group-review';
import { NearDuplicatesService } from '../src/core/duplicates/near/near-duplicates.service';
import { builtNearPairWorker, nearPairRunner } from '../src/core/duplicates/near/near-pair-runner';
import { limits } from '../src/shared/limits';
import { VectorSearchService } from '../src/core/vectors/vector-search.service';
import { DuplicateRepository } from '../src/core/store/duplicate.repository';
import { EmbeddingRepository } from '../src/core/store/embedding.repository';
import { databaseProblems, openLibraryDatabase } from '../src/core/store/library.database';
import { PhotoRepository, type ContentRecord, type FileRecord } from '../src/core/store/photo.repository';
import { SyntheticEmbeddings, mulberry32 } from '../src/core/vectors/synthetic-embeddings';
import { flipBits, randomHash } from '../test/core/support/synthetic-library';

export interface GroupingBenchResult {
  readonly photos: number;
  readonly vectorIndexBuildSeconds: number;
  /** First search of the candidate pairs (every photo) and grouping at the default setting. */
  readonly groupingSeconds: number;
  /** Whether the search ran in a worker thread (the built bench) or inline. */
  readonly pairSearchInWorker: boolean;
  /** Longest stall of this thread's event loop while the first search ran. */
  readonly eventLoopMaxDelayMs: number;
  /** Slowest answer to a slider setting once the pairs are found. */
  readonly sliderMaxMs: number;
  /** Reviewed answers, as the Duplicates view gets them (up to 200k photos). */
  readonly reviewFirstMs?: number;
  readonly reviewSliderMaxMs?: number;
  readonly reviewDragMaxMs?: number;
  /** Bringing the pairs up to date after 1% more photos were indexed. */
  readonly updateSeconds: number;
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
 * NearDuplicatesService: the candidate pairs searched once at the loosest setting (batched k-NN over
 * every vector + hash joins of perceptual hashes and their rotations) in a worker thread when the
 * bench is built (dist/near-pairs-worker.mjs), then star clustering per slider setting. Vectors come
 * from the seeded generator shared with the vector bench (clusters and near-duplicate pairs);
 * perceptual hashes are random, with the near-duplicate pairs' hashes a few bits apart.
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
    addPhotos(photoRepository, embeddings, root.id, generator, random, 0, photos);
    hashOfShot.clear();
    console.log(`grouping: wrote ${photos} synthetic photos to SQLite in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const vectorsService = new VectorSearchService({ embeddings, modelId: MODEL, dim: DIM, libraryDir, log: () => {} });
    const buildStarted = performance.now();
    vectorsService.update();
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    console.log(`grouping: vector index build for ${photos} photos (${vectorsService.kind}): ${buildSeconds.toFixed(1)} s`);

    const groupRepository = new DuplicateRepository(db);
    const log = (line: string): void => console.log(`grouping:   ${line}`);
    const near = new NearDuplicatesService({
      libraryDir,
      modelId: MODEL,
      dim: DIM,
      runner: nearPairRunner({ groups: groupRepository, embeddings, vectors: vectorsService, modelId: MODEL, log }, log),
      log,
    });
    const inWorker = builtNearPairWorker() !== null;
    // The engine's event loop must keep answering (thumbnails, cancel) while the pairs are searched:
    // its longest stall meanwhile, receiving the result included, next to an idle second's (the
    // machine's own scheduling noise).
    const idleDelay = monitorEventLoopDelay({ resolution: 10 });
    idleDelay.enable();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    idleDelay.disable();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const searchStarted = performance.now();
    await near.prepare();
    const searchSeconds = (performance.now() - searchStarted) / 1000;
    loopDelay.disable();
    const eventLoopMaxDelayMs = loopDelay.max / 1e6;
    console.log(
      `grouping: first near-duplicate pair search of ${photos} photos (${inWorker ? 'worker thread' : 'inline: no built worker'}): ${searchSeconds.toFixed(1)} s, ` +
        `event loop max delay meanwhile ${eventLoopMaxDelayMs.toFixed(0)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms ` +
        `(idle: ${(idleDelay.max / 1e6).toFixed(0)} ms; target < 100 ms: the search never blocks the engine)`,
    );
    const groups = await near.nearDuplicateGroups();
    const groupingSeconds = (performance.now() - searchStarted) / 1000;
    // Slider moves: every setting is a filter over the stored pairs.
    const settings: [number, number][] = [
      [limits.nearThreshold.default, limits.nearHashDistance.default],
      [limits.nearThreshold.min, limits.nearHashDistance.max],
      [0.75, 6],
      [0.9, 4],
      [limits.nearThreshold.max, limits.nearHashDistance.min],
      [0.85, 10],
    ];
    let sliderMaxMs = 0;
    const answers: string[] = [];
    for (const [threshold, hashDistance] of settings) {
      const t = performance.now();
      const answer = await near.nearDuplicateGroups({ threshold, hashDistance });
      const ms = performance.now() - t;
      sliderMaxMs = Math.max(sliderMaxMs, ms);
      answers.push(`${threshold}/${hashDistance}: ${answer.length} groups in ${ms.toFixed(0)} ms`);
    }
    console.log(`grouping: slider settings at ${photos} photos (similarity/hash distance): ${answers.join('; ')}`);
    console.log(`grouping: slowest slider answer at ${photos} photos: ${sliderMaxMs.toFixed(0)} ms (target < 300 ms at 100k)`);

    // Measured where its target is (100k): at 1M the review of 920k grouped photos alone reads GBs.
    const reviewed =
      photos <= 200_000
        ? await measureReview(
            photos,
            new DuplicatesService(groupRepository, near),
            libraryReview(groupRepository, embeddings, MODEL, () => new Set()),
            settings,
          )
        : null;
    if (!reviewed) console.log(`grouping: reviewed answers (what the Duplicates view receives): measured at 100k, not at ${photos}`);

    // An index run adds 1% more photos: only they are searched.
    const added = Math.max(1, Math.round(photos / 100));
    addPhotos(photoRepository, embeddings, root.id, generator, random, photos, added);
    vectorsService.update();
    near.invalidate();
    const updateStarted = performance.now();
    await near.nearDuplicateGroups();
    const updateSeconds = (performance.now() - updateStarted) / 1000;
    console.log(`grouping: pair update after indexing ${added} more photos: ${updateSeconds.toFixed(1)} s`);

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
      `grouping: similar-photo query through the library at ${photos} photos: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (target p99 < 5 ms at 100k)`,
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
    const target = photos >= 1_000_000 ? '< 5 min at 1M' : '< 60 s at 100k';
    console.log(
      `grouping: near-duplicate grouping of ${photos} photos: ${groupingSeconds.toFixed(1)} s, ${groups.length} groups (target ${target}); peak RSS ${peakRssMiB.toFixed(0)} MiB`,
    );
    return {
      photos,
      vectorIndexBuildSeconds: round(buildSeconds),
      groupingSeconds: round(groupingSeconds),
      pairSearchInWorker: inWorker,
      eventLoopMaxDelayMs: round(eventLoopMaxDelayMs),
      sliderMaxMs: round(sliderMaxMs),
      ...(reviewed ?? {}),
      updateSeconds: round(updateSeconds),
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

/**
 * What the Duplicates view receives for each setting: every kind merged, keepers by the rule, each
 * copy's similarity to its keeper, the space to free (the app's own review, as Doppel wires it).
 */
async function measureReview(
  photos: number,
  duplicates: DuplicatesService,
  review: GroupReview,
  settings: readonly [number, number][],
): Promise<{ reviewFirstMs: number; reviewSliderMaxMs: number; reviewDragMaxMs: number }> {
  const reviewed = async ([threshold, hashDistance]: [number, number]): Promise<{ ms: number; groups: number; copies: number }> => {
    const t = performance.now();
    const candidates = await duplicates.list({ kind: 'all', threshold, hashDistance });
    const report = review.review(candidates, { kind: 'all', threshold });
    const copies = report.groups.reduce((sum, group) => sum + group.copies.length, 0);
    return { ms: performance.now() - t, groups: report.groups.length, copies };
  };
  const first = await reviewed(settings[0] ?? [limits.nearThreshold.default, limits.nearHashDistance.default]);
  let reviewSliderMaxMs = 0;
  const reviewedAnswers: string[] = [];
  for (const setting of [...settings.slice(1), ...settings.slice(0, 1)]) {
    const answer = await reviewed(setting);
    reviewSliderMaxMs = Math.max(reviewSliderMaxMs, answer.ms);
    reviewedAnswers.push(`${setting.join('/')}: ${answer.groups} groups, ${answer.copies} photos in ${answer.ms.toFixed(0)} ms`);
  }
  console.log(
    `grouping: reviewed answers (keepers, scores, space to free) at ${photos} photos: first ${first.ms.toFixed(0)} ms ` +
      `(${first.copies} photos in groups, their details and vectors read), then ${reviewedAnswers.join('; ')}`,
  );
  console.log(
    `grouping: slowest reviewed answer to a jump between far settings at ${photos} photos: ${reviewSliderMaxMs.toFixed(0)} ms (target < 300 ms at 100k)`,
  );
  // A user drags the similarity slider a step at a time (the last answer's unchanged groups are reused).
  const drag: [number, number][] = [];
  for (let step = 0; step <= 10; step++) drag.push([Number((0.8 + step / 100).toFixed(2)), limits.nearHashDistance.default]);
  for (let step = 9; step >= 0; step--) drag.push([Number((0.8 + step / 100).toFixed(2)), limits.nearHashDistance.default]);
  let reviewDragMaxMs = 0;
  let dragTotalMs = 0;
  for (const setting of drag) {
    const answer = await reviewed(setting);
    reviewDragMaxMs = Math.max(reviewDragMaxMs, answer.ms);
    dragTotalMs += answer.ms;
  }
  console.log(
    `grouping: reviewed answers while dragging the similarity slider 0.80 -> 0.90 -> 0.80 a step at a time at ${photos} photos: ` +
      `mean ${(dragTotalMs / drag.length).toFixed(0)} ms, slowest ${reviewDragMaxMs.toFixed(0)} ms (target < 300 ms at 100k)`,
  );
  return { reviewFirstMs: round(first.ms), reviewSliderMaxMs: round(reviewSliderMaxMs), reviewDragMaxMs: round(reviewDragMaxMs) };
}

const hashOfShot = new Map<number, string>();

/** Writes synthetic photos [start, start + count) as an index run would: contents, files, vectors. */
function addPhotos(
  photoRepository: PhotoRepository,
  embeddings: EmbeddingRepository,
  rootId: number,
  generator: SyntheticEmbeddings,
  random: () => number,
  first: number,
  photos: number,
): void {
  const chunk = 5000;
  const vectors = new Float32Array(chunk * DIM);
  for (let start = first; start < first + photos; start += chunk) {
    const count = Math.min(chunk, first + photos - start);
    generator.fill(start, count, vectors);
    const contents: ContentRecord[] = [];
    const files: FileRecord[] = [];
    const items: { contentHash: string; vector: Float32Array; labels: null }[] = [];
    for (let i = 0; i < count; i++) {
      const item = start + i;
      const hash = item.toString(16).padStart(64, '0');
      const shot = generator.shotOf(item);
      const perceptualHash = shot === item ? randomHash(random) : flipBits(hashOfShot.get(shot) ?? randomHash(random), random, 3);
      // Only the first of a near-duplicate pair is looked up again (by the second, its neighbour).
      if (shot === item) hashOfShot.set(item, perceptualHash);
      else hashOfShot.delete(shot);
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
        rootId,
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
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
