import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Doppel } from '../src/core/doppel';
import type { IndexReport } from '../src/shared/types';
import { writeBenchPhotos } from '../test/fixtures/bench-photos';

export interface IndexBenchOptions {
  /** Number of 12 MP JPEGs (default 300). */
  readonly photos?: number;
  /** Where the generated photos are cached between runs. */
  readonly photoDir?: string;
}

export interface IndexBenchResult {
  readonly photos: number;
  readonly decodeOnlyPhotosPerSecond: number;
  readonly fullIndexPhotosPerSecond: number;
  readonly ratio: number;
  readonly unchangedReindexSeconds: number;
  readonly embeddingModel: string | null;
}

/**
 * Indexing throughput on 12-megapixel JPEGs against the physical bound: a decode-only loop (sharp
 * decode with EXIF rotation, shrink to 256 px, two photos at a time) over the same files. Both runs
 * read from a warm page cache, so the ratio measures Doppel's own overhead.
 */
export async function runIndexBench(options: IndexBenchOptions = {}): Promise<IndexBenchResult> {
  const count = options.photos ?? 300;
  const photoDir = options.photoDir ?? path.join('bench', '.data', `photos-12mp-${count}`);
  const files = await ensurePhotos(photoDir, count);
  for (const file of files) fs.readFileSync(file); // warm the page cache for both contenders

  // Best of two interleaved runs each: single runs on a shared 2-core machine vary by +-5 %.
  let decodeSeconds = Infinity;
  let full: IndexReport | null = null;
  let again: IndexReport | null = null;
  let model: string | null = null;
  for (let round = 0; round < 2; round++) {
    decodeSeconds = Math.min(decodeSeconds, await timeDecodeOnly(files, 2));
    const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-bench-library-'));
    try {
      const doppel = await Doppel.open({ libraryDir });
      model = doppel.stats().model;
      const run = await doppel.index(
        [photoDir],
        process.env.BENCH_CONCURRENCY ? { concurrency: Number(process.env.BENCH_CONCURRENCY) } : {},
      );
      if (run.errors.length > 0 || run.decoded !== files.length)
        throw new Error(`bench index saw errors: ${JSON.stringify(run.errors.slice(0, 3))}`);
      if (!full || run.seconds < full.seconds) full = run;
      const rerun = await doppel.index([photoDir]);
      if (!again || rerun.seconds > again.seconds) again = rerun; // worst of the unchanged re-index runs
      await doppel.close();
    } finally {
      fs.rmSync(libraryDir, { recursive: true, force: true });
    }
  }
  if (!full || !again) throw new Error('bench index did not run');
  const decodeRate = files.length / decodeSeconds;
  const fullRate = files.length / full.seconds;
  const ratio = fullRate / decodeRate;
  console.log(
    `index: decode-only (rotate + shrink to 256 px, 2 at a time): ${decodeRate.toFixed(1)} photos/s (${decodeSeconds.toFixed(2)} s, best of 2)`,
  );
  console.log(
    `index: full index (read, SHA-256, decode, thumbnail, pHash${model ? `, embedding with ${model}` : ''}, SQLite): ` +
      `${fullRate.toFixed(1)} photos/s (${full.seconds.toFixed(2)} s, best of 2)`,
  );
  console.log(`index: full / decode-only = ${ratio.toFixed(2)} (target >= 0.70)`);
  console.log(`index: unchanged re-index of ${again.scanned} photos: ${again.seconds.toFixed(3)} s (target < 1 s)`);
  return {
    photos: files.length,
    decodeOnlyPhotosPerSecond: round(decodeRate),
    fullIndexPhotosPerSecond: round(fullRate),
    ratio: round(ratio),
    unchangedReindexSeconds: again.seconds,
    embeddingModel: model,
  };
}

async function ensurePhotos(dir: string, count: number): Promise<string[]> {
  const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.jpg')) : [];
  if (existing.length !== count) {
    fs.rmSync(dir, { recursive: true, force: true });
    const started = performance.now();
    console.log(`index: generating ${count} 12 MP JPEGs in ${dir} (cached for later runs)…`);
    await writeBenchPhotos(dir, count, 1);
    console.log(`index: generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.jpg'))
    .sort()
    .map((name) => path.join(dir, name));
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

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
