import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DuplicatesService } from '../src/core/duplicates/duplicates.service';
import { libraryReview } from '../src/core/duplicates/group-review';
import { NearDuplicatesService } from '../src/core/duplicates/near/near-duplicates.service';
import { builtNearPairWorker, nearPairRunner } from '../src/core/duplicates/near/near-pair-runner';
import { limits } from '../src/shared/limits';
import { VectorSearchService } from '../src/core/vectors/vector-search.service';
import { DuplicateRepository } from '../src/core/store/duplicate.repository';
import { EmbeddingRepository } from '../src/core/store/embedding.repository';
import { databaseProblems, openLibraryDatabase } from '../src/core/store/library.database';
import { PhotoRepository } from '../src/core/store/photo.repository';
import { SyntheticEmbeddings } from '../src/core/vectors/synthetic-embeddings';
import { BENCH_DIM, BENCH_MODEL, syntheticPhotoWriter, type GroupedShare } from './review-library';
import { measureReviewPages, type ReviewPagesFigures, type ReviewPagesLibrary } from './review-pages.bench';
import { MemoryPhases } from './memory-phases';
import { Doppel } from '../src/core/doppel';

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
  /** The Duplicates view's first pages, at the dense share and at a realistic one (up to 200k photos). */
  readonly reviewDense?: ReviewPagesFigures;
  readonly reviewRealistic?: ReviewPagesFigures;
  /** Bringing the pairs up to date after 1% more photos were indexed. */
  readonly updateSeconds: number;
  readonly groups: number;
  readonly similarQueryP50Ms: number;
  readonly similarQueryP99Ms: number;
  readonly quickCheckSeconds: number;
  /** From `Doppel.open` to its first answers (stats, the Library's first page), the check running behind. */
  readonly openToFirstAnswerSeconds: number;
  /** Resident memory of the process (its worker thread included) during the first search and grouping. */
  readonly firstGroupingPeakRssMiB: number;
  /** Resident memory once the first grouping answered and the garbage collector ran (the similar-photos index not loaded). */
  readonly atRestRssMiB: number;
  /** The same after the similar-photo queries loaded their index again. */
  readonly atRestWithIndexRssMiB: number;
  readonly peakRssMiB: number;
}

const MODEL = BENCH_MODEL;
const DIM = BENCH_DIM;

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
  const memory = new MemoryPhases();
  const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-bench-grouping-'));
  const db = openLibraryDatabase(libraryDir);
  try {
    const photoRepository = new PhotoRepository(db);
    const embeddings = new EmbeddingRepository(db);
    const root = photoRepository.upsertRoot('/bench', []);
    const writer = syntheticPhotoWriter(photoRepository, embeddings, root.id, { librarySize: photos, share: 'dense' });
    const started = performance.now();
    writer.add(0, photos);
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
    // Writing the library and building its index on this thread left garbage the engine's first
    // grouping would not find there (0.16 GB at 100k): collected first.
    await memory.atRest();
    loopDelay.enable();
    memory.start();
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
    const firstGrouping = memory.end();
    const atRestRssMiB = await memory.atRest();
    const large = photos >= 1_000_000;
    console.log(
      `grouping: memory of the first search and grouping of ${photos} photos (main thread and worker): peak ${firstGrouping.peakMiB} MiB ` +
        `(target < 2048 MiB at 1M${large ? '' : `; measured here at ${photos}`}${memory.perPhase ? '' : '; process peak so far: no per-phase peak on this system'}), ` +
        `at rest after it ${atRestRssMiB} MiB (target < 1536 MiB at 1M; the similar-photos index not loaded again yet)`,
    );
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
    const reviewDense =
      photos <= 200_000
        ? await measureReviewPages({
            label: 'dense share',
            photos,
            duplicates: new DuplicatesService(groupRepository, near),
            ...reviewOf(groupRepository, embeddings, photoRepository, vectorsService, near),
          })
        : null;
    if (!reviewDense) console.log(`grouping: review pages (what the Duplicates view waits for): measured at 100k, not at ${photos}`);

    // An index run adds 1% more photos: only they are searched.
    const added = Math.max(1, Math.round(photos / 100));
    writer.add(photos, added);
    vectorsService.update();
    near.invalidate();
    const updateStarted = performance.now();
    await near.nearDuplicateGroups();
    const updateSeconds = (performance.now() - updateStarted) / 1000;
    console.log(`grouping: pair update after indexing ${added} more photos: ${updateSeconds.toFixed(1)} s`);

    // Single "show similar photos" queries through the library's search path (FAISS candidates,
    // liveness mask, exact re-scoring from SQLite), as the UI issues them.
    const generator = new SyntheticEmbeddings({ dim: DIM, seed: 7, librarySize: photos }); // the dense library's
    const probe = new Float32Array(DIM);
    const latencies: number[] = [];
    for (let q = 0; q < 300; q++) {
      generator.fill((q * 7919) % photos, 1, probe);
      const t = performance.now();
      vectorsService.search(probe, 10);
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const withIndexRssMiB = await memory.atRest();
    const p50 = latencies[Math.floor(latencies.length * 0.5)] ?? 0;
    const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0;
    console.log(
      `grouping: similar-photo query through the library at ${photos} photos: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (target p99 < ${large ? '10 ms at 1M' : '5 ms at 100k'})`,
    );
    console.log(
      `grouping: memory at rest at ${photos} photos with the pairs, the last answer and the similar-photos index loaded: ${withIndexRssMiB} MiB (target < 1536 MiB at 1M)`,
    );
    // Every open runs SQLite's quick_check (damage detection): its cost grows with the file.
    const checkStarted = performance.now();
    const problems = databaseProblems(db, 'quick');
    const quickCheckSeconds = (performance.now() - checkStarted) / 1000;
    const databaseMB = fs.statSync(path.join(libraryDir, 'library.db')).size / 1e6;
    console.log(
      `grouping: quick_check of the ${photos}-photo library.db (${databaseMB.toFixed(0)} MB): ${quickCheckSeconds.toFixed(2)} s, ${problems.length} problems (runs in a worker behind the open)`,
    );
    const openToFirstAnswerSeconds = await openToFirstAnswer(libraryDir);
    console.log(
      `grouping: open to first answer of the ${photos}-photo library (stats and the Library's first page; quick_check in the background): ${openToFirstAnswerSeconds.toFixed(2)} s (target < 2 s at 1M)`,
    );
    const reviewRealistic = photos <= 200_000 ? await realisticReview(photos) : null;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    const target = photos >= 1_000_000 ? '< 5 min at 1M' : '< 60 s at 100k';
    console.log(
      `grouping: near-duplicate grouping of ${photos} photos: ${groupingSeconds.toFixed(1)} s, ${groups.length} groups (target ${target}); ` +
        `peak RSS of the whole bench ${peakRssMiB.toFixed(0)} MiB (writing the library and building its index included)`,
    );
    return {
      photos,
      vectorIndexBuildSeconds: round(buildSeconds),
      groupingSeconds: round(groupingSeconds),
      pairSearchInWorker: inWorker,
      eventLoopMaxDelayMs: round(eventLoopMaxDelayMs),
      sliderMaxMs: round(sliderMaxMs),
      ...(reviewDense ? { reviewDense } : {}),
      ...(reviewRealistic ? { reviewRealistic } : {}),
      updateSeconds: round(updateSeconds),
      groups: groups.length,
      similarQueryP50Ms: round(p50),
      similarQueryP99Ms: round(p99),
      quickCheckSeconds: round(quickCheckSeconds),
      openToFirstAnswerSeconds: round(openToFirstAnswerSeconds),
      firstGroupingPeakRssMiB: firstGrouping.peakMiB,
      atRestRssMiB,
      atRestWithIndexRssMiB: withIndexRssMiB,
      peakRssMiB: Math.round(peakRssMiB),
    };
  } finally {
    db.close();
    fs.rmSync(libraryDir, { recursive: true, force: true });
  }
}

/**
 * The review as the app wires it over one library: "not duplicates" marks the bench can add, and a
 * clean-up that takes files out and drops the caches a clean-up drops (files changed).
 */
function reviewOf(
  groups: DuplicateRepository,
  embeddings: EmbeddingRepository,
  photos: PhotoRepository,
  vectors: VectorSearchService,
  near: NearDuplicatesService,
): Pick<ReviewPagesLibrary, 'review' | 'notDuplicates' | 'cleanUp'> {
  const notDuplicates = new Set<string>();
  const review = libraryReview(groups, embeddings, MODEL, () => notDuplicates);
  return {
    review,
    notDuplicates,
    cleanUp: (files) => {
      photos.removeFilesByPath(files);
      vectors.update();
      near.invalidate();
      review.forget(files); // as the app's clean-up does (LibraryCaches.changed with the files it moved)
    },
  };
}

/**
 * The review pages again on a library with a realistic share of photos in groups (about 10 %: see
 * review-library.ts), written, indexed and compared as the dense one was.
 */
async function realisticReview(photos: number): Promise<ReviewPagesFigures> {
  const share: GroupedShare = 'realistic';
  const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-bench-review-'));
  const db = openLibraryDatabase(libraryDir);
  try {
    const photoRepository = new PhotoRepository(db);
    const embeddings = new EmbeddingRepository(db);
    const root = photoRepository.upsertRoot('/bench', []);
    syntheticPhotoWriter(photoRepository, embeddings, root.id, { librarySize: photos, share }).add(0, photos);
    const vectorsService = new VectorSearchService({ embeddings, modelId: MODEL, dim: DIM, libraryDir, log: () => {} });
    vectorsService.update();
    const groupRepository = new DuplicateRepository(db);
    const near = new NearDuplicatesService({
      libraryDir,
      modelId: MODEL,
      dim: DIM,
      runner: nearPairRunner({ groups: groupRepository, embeddings, vectors: vectorsService, modelId: MODEL, log: () => {} }, () => {}),
      log: () => {},
    });
    const started = performance.now();
    await near.prepare();
    console.log(
      `grouping: realistic share: ${photos} photos written, indexed and compared (${((performance.now() - started) / 1000).toFixed(1)} s to compare)`,
    );
    try {
      return await measureReviewPages({
        label: 'realistic share',
        photos,
        duplicates: new DuplicatesService(groupRepository, near),
        ...reviewOf(groupRepository, embeddings, photoRepository, vectorsService, near),
      });
    } finally {
      near.close();
    }
  } finally {
    db.close();
    fs.rmSync(libraryDir, { recursive: true, force: true });
  }
}

/**
 * Seconds from opening the library as the app does (`Doppel.open`, which starts SQLite's quick_check
 * in a worker and waits at most 0.5 s for it) to its first answers: the library's counts and the
 * Library view's first page. The database file is in the page cache (the bench just wrote it).
 */
async function openToFirstAnswer(libraryDir: string): Promise<number> {
  const started = performance.now();
  const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
  try {
    doppel.stats();
    doppel.photos({});
    return (performance.now() - started) / 1000;
  } finally {
    await doppel.close();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
