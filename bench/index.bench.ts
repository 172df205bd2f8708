import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Doppel } from '../src/core/doppel';
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

  const decodeSeconds = await timeDecodeOnly(files, 2);
  const decodeRate = files.length / decodeSeconds;
  console.log(`index: decode-only (rotate + shrink to 256 px, 2 at a time): ${decodeRate.toFixed(1)} photos/s (${decodeSeconds.toFixed(2)} s)`);

  const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-bench-library-'));
  try {
    const doppel = await Doppel.open({ libraryDir });
    const model = doppel.stats().model;
    const full = await doppel.index([photoDir]);
    const fullRate = files.length / full.seconds;
    console.log(`index: full index (hash, decode, thumbnail, pHash${model ? `, embedding with ${model}` : ''}): ${fullRate.toFixed(1)} photos/s (${full.seconds.toFixed(2)} s)`);
    const ratio = fullRate / decodeRate;
    console.log(`index: full / decode-only = ${ratio.toFixed(2)} (target >= 0.70)`);
    const again = await doppel.index([photoDir]);
    console.log(`index: unchanged re-index of ${again.scanned} photos: ${again.seconds.toFixed(3)} s (target < 1 s)`);
    await doppel.close();
    if (full.errors.length > 0 || full.decoded !== files.length) throw new Error(`bench index saw errors: ${JSON.stringify(full.errors.slice(0, 3))}`);
    return {
      photos: files.length,
      decodeOnlyPhotosPerSecond: round(decodeRate),
      fullIndexPhotosPerSecond: round(fullRate),
      ratio: round(ratio),
      unchangedReindexSeconds: again.seconds,
      embeddingModel: model,
    };
  } finally {
    fs.rmSync(libraryDir, { recursive: true, force: true });
  }
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
  return fs.readdirSync(dir).filter((name) => name.endsWith('.jpg')).sort().map((name) => path.join(dir, name));
}

async function timeDecodeOnly(files: readonly string[], concurrency: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++] as string;
      await sharp(file).rotate().resize({ width: 256, height: 256, fit: 'inside' }).raw().toBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - started) / 1000;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
