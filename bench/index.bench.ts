import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { Doppel } from '../src/core/doppel';
import type { IndexReport } from '../src/shared/types';
import { writeBenchPhotos } from '../test/fixtures/bench-photos';
import { writeBurstPhotos, type BurstManifest } from '../test/fixtures/burst-photos';
import { writeSmoothPhotos } from '../test/fixtures/smooth-photos';

export type CorpusName = 'noisy' | 'smooth' | 'burst';

export interface IndexBenchOptions {
  /** Noisy, distinct 12 MP JPEGs (default 300). */
  readonly photos?: number;
  /** Smooth 12 MP JPEGs: skies, walls, studio backdrops (default 200). */
  readonly smoothPhotos?: number;
  /** Burst frames with a few pixel-identical copies mixed in (default 240). */
  readonly burstPhotos?: number;
  /** Corpora to run (default all three). */
  readonly corpora?: readonly CorpusName[];
  /** Where the generated photos are cached between runs. */
  readonly dataDir?: string;
}

export interface CorpusResult {
  readonly name: CorpusName;
  readonly photos: number;
  readonly megabytes: number;
  readonly decodeOnlyPhotosPerSecond: number;
  readonly fullIndexPhotosPerSecond: number;
  /** Full index throughput over the decode-only floor's (target >= 0.80). */
  readonly ratio: number;
  /**
   * CPU time (all threads) per photo of each contender, and floor / index: what the wall-time ratio
   * tends to when both cores are busy, and steadier than it on a machine shared with other work.
   */
  readonly decodeOnlyCpuMsPerPhoto: number;
  readonly fullIndexCpuMsPerPhoto: number;
  readonly cpuRatio: number;
  /** Contents that got a full-resolution pixel hash (a full decode). */
  readonly fullResolutionDecodes: number;
  /** SHA-256 of the corpus on one core, over the index wall time (set once the hashes are measured). */
  readonly contentHashShare: number;
  /** Burst corpus: pixel-identical copies mixed in, and how many ended up in a pixel group with their frame. */
  readonly pixelCopiesExpected?: number;
  readonly pixelCopiesFound?: number;
  /**
   * The comparison the engine runs after an index: near pairs, then the picture check of the
   * candidates the review shows first (pairs compared, thumbnails of similar shots read for their
   * sharpness); and the first `duplicates` after it.
   */
  readonly pairsSeconds: number;
  readonly checkSeconds: number;
  readonly pairsChecked: number;
  readonly firstDuplicatesMs: number;
}

export interface IndexBenchResult {
  /** The noisy corpus' figures (the only corpus of earlier versions of this bench). */
  readonly photos: number;
  readonly decodeOnlyPhotosPerSecond: number;
  readonly fullIndexPhotosPerSecond: number;
  readonly ratio: number;
  readonly unchangedReindexSeconds: number | null;
  readonly embeddingModel: string | null;
  readonly corpora: readonly CorpusResult[];
  readonly contentHash: ContentHashFigures;
}

const TARGET_RATIO = 0.8;
const TARGET_FULL_DECODE_SHARE = 0.05;

/**
 * Indexing throughput on 12-megapixel photos against the physical bound: a decode-only loop (sharp
 * decode with EXIF rotation, shrink to 256 px, two photos at a time) over the same files, on three
 * corpora: noisy distinct photos, smooth ones (cheap to decode, so every other cost shows), and
 * burst series with pixel-identical copies (where the pixel phase must not decode look-alikes).
 * Both contenders read from a warm page cache, so the ratio measures Doppel's own overhead.
 */
export async function runIndexBench(options: IndexBenchOptions = {}): Promise<IndexBenchResult> {
  const dataDir = options.dataDir ?? path.join('bench', '.data');
  const wanted = new Set(options.corpora ?? ['noisy', 'smooth', 'burst']);
  const results: CorpusResult[] = [];
  let unchangedReindexSeconds: number | null = null;
  let model: string | null = null;
  const hashFiles: string[] = [];
  for (const name of ['noisy', 'smooth', 'burst'] as const) {
    if (!wanted.has(name)) continue;
    const corpus = await ensureCorpus(name, dataDir, options);
    const run = await benchCorpus(name, corpus);
    results.push(run.result);
    model = run.model;
    if (name === 'noisy') unchangedReindexSeconds = run.unchangedReindexSeconds;
    hashFiles.push(...corpus.files);
  }
  const contentHash = await measureContentHashes(hashFiles);
  const sha256 = contentHash.megabytesPerSecond.sha256 ?? Infinity;
  const corpora = results.map((result) => ({
    ...result,
    contentHashShare: round(result.megabytes / sha256 / (result.photos / result.fullIndexPhotosPerSecond)),
  }));
  printSummary(corpora, contentHash, unchangedReindexSeconds);
  const noisy = corpora.find((result) => result.name === 'noisy') ?? corpora[0];
  return {
    photos: noisy?.photos ?? 0,
    decodeOnlyPhotosPerSecond: noisy?.decodeOnlyPhotosPerSecond ?? 0,
    fullIndexPhotosPerSecond: noisy?.fullIndexPhotosPerSecond ?? 0,
    ratio: noisy?.ratio ?? 0,
    unchangedReindexSeconds,
    embeddingModel: model,
    corpora,
    contentHash,
  };
}

interface Corpus {
  readonly dir: string;
  readonly files: readonly string[];
  readonly burst: BurstManifest | null;
}

async function ensureCorpus(name: CorpusName, dataDir: string, options: IndexBenchOptions): Promise<Corpus> {
  const count =
    name === 'noisy' ? (options.photos ?? 300) : name === 'smooth' ? (options.smoothPhotos ?? 200) : (options.burstPhotos ?? 240);
  const dir = path.join(dataDir, `${name === 'noisy' ? 'photos' : name}-12mp-${count}`);
  const listed = (): string[] =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((file) => /\.(jpg|png|webp)$/.test(file))
          .sort()
          .map((file) => path.join(dir, file))
      : [];
  const manifestFile = path.join(dir, 'manifest.json');
  // A burst corpus written before its manifest listed the frames' shifts and gains is written again.
  const staleManifest = name === 'burst' && (!fs.existsSync(manifestFile) || !fs.readFileSync(manifestFile, 'utf8').includes('"frames"'));
  if (listed().length !== count || staleManifest) {
    fs.rmSync(dir, { recursive: true, force: true });
    const started = performance.now();
    console.log(`index: generating the ${name} corpus: ${count} 12 MP photos in ${dir} (cached for later runs)…`);
    if (name === 'noisy') await writeBenchPhotos(dir, count, 1);
    else if (name === 'smooth') await writeSmoothPhotos(dir, count, 1);
    else await writeBurstPhotos(dir, count, 1);
    console.log(`index: generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const burst = name === 'burst' ? (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BurstManifest) : null;
  return { dir, files: listed(), burst };
}

async function benchCorpus(
  name: CorpusName,
  corpus: Corpus,
): Promise<{ result: CorpusResult; model: string | null; unchangedReindexSeconds: number }> {
  const { dir, files } = corpus;
  let bytes = 0;
  for (const file of files) bytes += fs.readFileSync(file).length; // warms the page cache for both contenders
  // Best of two interleaved runs each: single runs on a shared 2-core machine vary by +-5 %.
  let decodeSeconds = Infinity;
  let decodeCpu = Infinity;
  let indexCpu = Infinity;
  let full: IndexReport | null = null;
  let again: IndexReport | null = null;
  let model: string | null = null;
  let fullResolutionDecodes = 0;
  let pixelCopiesFound = 0;
  let checkSeconds = Infinity;
  let pairsSeconds = 0;
  let pairsChecked = 0;
  let firstDuplicatesMs = Infinity;
  for (let round = 0; round < 2; round++) {
    const decodeStarted = process.cpuUsage();
    decodeSeconds = Math.min(decodeSeconds, await timeDecodeOnly(files, 2));
    decodeCpu = Math.min(decodeCpu, cpuSecondsSince(decodeStarted));
    const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-bench-library-'));
    try {
      const doppel = await Doppel.open({ libraryDir });
      model = doppel.stats().model;
      const indexStarted = process.cpuUsage();
      const run = await doppel.index([dir], process.env.BENCH_CONCURRENCY ? { concurrency: Number(process.env.BENCH_CONCURRENCY) } : {});
      indexCpu = Math.min(indexCpu, cpuSecondsSince(indexStarted));
      if (run.errors.length > 0 || run.decoded !== files.length)
        throw new Error(`bench index of the ${name} corpus saw errors: ${JSON.stringify(run.errors.slice(0, 3))}`);
      if (!full || run.seconds < full.seconds) full = run;
      const rerun = await doppel.index([dir]);
      if (!again || rerun.seconds > again.seconds) again = rerun; // worst of the unchanged re-index runs
      fullResolutionDecodes = countPixelHashes(libraryDir);
      if (corpus.burst) pixelCopiesFound = countGroupedCopies(corpus.burst, await doppel.duplicates({ kind: 'pixel' }));
      // What the engine does after an index, in the background: near pairs, then the picture check.
      const comparison = await doppel.prepareNearDuplicates();
      if (comparison.checkSeconds < checkSeconds) {
        checkSeconds = comparison.checkSeconds;
        pairsSeconds = comparison.pairsSeconds;
        pairsChecked = comparison.compared;
      }
      const listStarted = performance.now();
      await doppel.duplicates({ kind: 'all' });
      firstDuplicatesMs = Math.min(firstDuplicatesMs, performance.now() - listStarted);
      await doppel.close();
    } finally {
      fs.rmSync(libraryDir, { recursive: true, force: true });
    }
  }
  if (!full || !again) throw new Error('bench index did not run');
  const decodeRate = files.length / decodeSeconds;
  const fullRate = files.length / full.seconds;
  const result: CorpusResult = {
    name,
    photos: files.length,
    megabytes: round(bytes / 1e6),
    decodeOnlyPhotosPerSecond: round(decodeRate),
    fullIndexPhotosPerSecond: round(fullRate),
    ratio: round(fullRate / decodeRate),
    decodeOnlyCpuMsPerPhoto: round((decodeCpu * 1000) / files.length),
    fullIndexCpuMsPerPhoto: round((indexCpu * 1000) / files.length),
    cpuRatio: round(decodeCpu / indexCpu),
    fullResolutionDecodes,
    contentHashShare: 0,
    ...(corpus.burst ? { pixelCopiesExpected: corpus.burst.pixelGroups.length, pixelCopiesFound } : {}),
    pairsSeconds: round(pairsSeconds),
    checkSeconds: round(checkSeconds),
    pairsChecked,
    firstDuplicatesMs: round(firstDuplicatesMs),
  };
  console.log(
    `index [${name}]: decode-only ${decodeRate.toFixed(1)} photos/s (${decodeSeconds.toFixed(2)} s, ${result.decodeOnlyCpuMsPerPhoto} ms CPU/photo), ` +
      `full index ${fullRate.toFixed(1)} photos/s (${full.seconds.toFixed(2)} s, ${result.fullIndexCpuMsPerPhoto} ms CPU/photo), best of 2`,
  );
  return { result, model, unchangedReindexSeconds: again.seconds };
}

/** Contents that got a full-resolution pixel hash, read from the library the run left. */
function countPixelHashes(libraryDir: string): number {
  const db = new Database(path.join(libraryDir, 'library.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM contents WHERE pixel_hash IS NOT NULL').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Copies that share a pixel group with the frame they copy. */
function countGroupedCopies(manifest: BurstManifest, report: Awaited<ReturnType<Doppel['duplicates']>>): number {
  const groupOf = new Map<string, number>();
  report.groups.forEach((group, index) => group.files.forEach((file) => groupOf.set(path.resolve(file), index)));
  return manifest.pixelGroups.filter(([frame, copy]) => {
    const group = groupOf.get(path.resolve(frame));
    return group !== undefined && group === groupOf.get(path.resolve(copy));
  }).length;
}

function printSummary(results: readonly CorpusResult[], hashes: ContentHashFigures, unchangedReindexSeconds: number | null): void {
  console.log(
    `index: full index / decode-only (read, SHA-256, decode, thumbnail, pHash, pixel signature, embedding, SQLite, pixel phase):`,
  );
  for (const result of results) {
    const index = result.photos / result.fullIndexPhotosPerSecond;
    const share = result.checkSeconds / index;
    console.log(
      `index:   ${result.name.padEnd(6)} after the index: near pairs ${result.pairsSeconds} s, picture check ${result.checkSeconds} s ` +
        `(${result.pairsChecked} pairs compared, similar shots' sharpness read) = ${(share * 100).toFixed(1)} % of the index time ` +
        `(target <= 10 %: ${share <= 0.1 ? 'ok' : 'MISSED'}); first duplicates answer after it: ${result.firstDuplicatesMs} ms`,
    );
    const verdict = result.ratio >= TARGET_RATIO ? 'ok' : `MISSED by ${(TARGET_RATIO - result.ratio).toFixed(2)}`;
    console.log(
      `index:   ${result.name.padEnd(6)} ${String(result.photos).padStart(4)} photos (${result.megabytes.toFixed(0)} MB): ` +
        `${result.decodeOnlyPhotosPerSecond.toFixed(1)} vs ${result.fullIndexPhotosPerSecond.toFixed(1)} photos/s = ${result.ratio.toFixed(2)} ` +
        `(target >= ${TARGET_RATIO.toFixed(2)}: ${verdict}; CPU time ratio ${result.cpuRatio.toFixed(2)}); ` +
        `full-resolution decodes: ${result.fullResolutionDecodes}; ` +
        `SHA-256 ${(result.contentHashShare * 100).toFixed(1)} % of the index wall time`,
    );
  }
  const burst = results.find((result) => result.name === 'burst');
  if (burst) {
    const share = burst.fullResolutionDecodes / burst.photos;
    console.log(
      `index: burst: ${burst.fullResolutionDecodes} of ${burst.photos} photos decoded at full resolution = ${(share * 100).toFixed(1)} % ` +
        `(target <= ${TARGET_FULL_DECODE_SHARE * 100} %: ${share <= TARGET_FULL_DECODE_SHARE ? 'ok' : 'MISSED'}); ` +
        `pixel-identical copies grouped with their frame: ${burst.pixelCopiesFound} of ${burst.pixelCopiesExpected} expected`,
    );
  }
  const rates = Object.entries(hashes.megabytesPerSecond)
    .map(([name, rate]) => `${name} ${rate.toFixed(0)} MB/s`)
    .join(', ');
  console.log(`index: content hash on one core over ${hashes.megabytes.toFixed(0)} MB of the corpora (best of ${hashes.rounds}): ${rates}`);
  if (unchangedReindexSeconds !== null) console.log(`index: unchanged re-index: ${unchangedReindexSeconds.toFixed(3)} s (target < 1 s)`);
}

async function timeDecodeOnly(files: readonly string[], concurrency: number): Promise<number> {
  const started = performance.now();
  // One iterator shared by all workers: each file is taken by exactly one of them.
  const queue = files.values();
  const worker = async (): Promise<void> => {
    for (const file of queue) {
      await sharp(file).rotate().resize({ width: 256, height: 256, fit: 'inside' }).raw().toBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - started) / 1000;
}

export interface ContentHashFigures {
  /** Bytes hashed per round. */
  readonly megabytes: number;
  readonly rounds: number;
  /** Single-threaded throughput of each contender that could be loaded, by name. */
  readonly megabytesPerSecond: Readonly<Record<string, number>>;
}

type HashOnce = (bytes: Uint8Array) => unknown;

/**
 * The content hash candidates on the same bytes (the corpora's first 400 MB), in memory, one core,
 * interleaved, best of 3: SHA-256 (node:crypto, SHA-NI where the CPU has it) against BLAKE3 and
 * xxHash3-128. The other packages are loaded by name, so the bench runs without them too.
 */
async function measureContentHashes(files: readonly string[]): Promise<ContentHashFigures> {
  const buffers: Buffer[] = [];
  let total = 0;
  for (const file of files) {
    if (total > 400e6) break;
    const bytes = fs.readFileSync(file);
    buffers.push(bytes);
    total += bytes.length;
  }
  const contenders: [string, HashOnce][] = [['sha256', (bytes) => createHash('sha256').update(bytes).digest('hex')]];
  const load = (name: string): Promise<unknown> => import(name);
  try {
    const wasm = (await load('hash-wasm')) as {
      createBLAKE3: () => Promise<WasmHasher>;
      createXXHash128: () => Promise<WasmHasher>;
    };
    const blake3 = await wasm.createBLAKE3();
    const xxh128 = await wasm.createXXHash128();
    contenders.push(['blake3 (hash-wasm)', (bytes) => blake3.init().update(bytes).digest('hex')]);
    contenders.push(['xxh3-128 (hash-wasm)', (bytes) => xxh128.init().update(bytes).digest('hex')]);
  } catch {
    console.log('index: hash-wasm is not installed: BLAKE3 and its xxHash3-128 not measured');
  }
  try {
    const native = (await load('@node-rs/xxhash')) as { xxh3: { xxh128: (bytes: Uint8Array) => bigint } };
    contenders.push(['xxh3-128 (@node-rs/xxhash)', (bytes) => native.xxh3.xxh128(bytes).toString(16)]);
  } catch {
    console.log('index: @node-rs/xxhash is not installed: its xxHash3-128 not measured');
  }
  const rounds = 3;
  const best = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    for (const [name, hash] of contenders) {
      const started = performance.now();
      for (const bytes of buffers) hash(bytes);
      const seconds = (performance.now() - started) / 1000;
      best.set(name, Math.min(best.get(name) ?? Infinity, seconds));
    }
  }
  const megabytes = total / 1e6;
  return {
    megabytes: round(megabytes),
    rounds,
    megabytesPerSecond: Object.fromEntries([...best].map(([name, seconds]) => [name, Math.round(megabytes / seconds)])),
  };
}

interface WasmHasher {
  init(): WasmHasher;
  update(data: Uint8Array): WasmHasher;
  digest(encoding: 'hex'): string;
}

/** CPU seconds (user + system, every thread of the process) since `start`. */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
