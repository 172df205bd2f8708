/**
 * `npm run bench`: every performance target of the project, measured and printed.
 *
 * Each section runs in its own Node process, so peak RSS is that section's alone.
 * Environment: BENCH_ONLY (comma list of index,reindex,vectors,grouping,verify,cleanup; default all), BENCH_PHOTOS (12 MP
 * JPEGs for the index section, default 300), BENCH_VECTOR_SIZES (default 10000,100000,real:100000; add
 * 1000000 for the 1M case, about 10 minutes in all on 2 cores, and real:1000000 for real embeddings among 1M), BENCH_GROUPING_PHOTOS
 * (default 100000), BENCH_VERIFY_SCENES (scenes of 5 pictures for the picture check, default 60), BENCH_CLEANUP_COPIES (byte copies cleaned to the trash and restored, default 1000).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Synthetic library sizes, and `real:N` for the eval photos' real embeddings among N distractors. */
const DEFAULT_VECTOR_SIZES = '10000,100000,real:100000';
const section = process.env.BENCH_SECTION;

if (section) {
  await runSection(section);
} else {
  const sections = (process.env.BENCH_ONLY ?? 'index,reindex,vectors,grouping,verify,cleanup').split(',').filter(Boolean);
  // Each vector size gets its own process too: a freed FAISS index is not always returned to the
  // OS before the next one is built, which would inflate the larger size's peak RSS.
  const runs = sections.flatMap((name): { name: string; env: { BENCH_VECTOR_SIZES?: string } }[] =>
    name === 'vectors'
      ? (process.env.BENCH_VECTOR_SIZES ?? DEFAULT_VECTOR_SIZES).split(',').map((size) => ({ name, env: { BENCH_VECTOR_SIZES: size } }))
      : [{ name, env: {} }],
  );
  let failed = false;
  for (const { name, env } of runs) {
    console.log(`\n== ${name} ${env.BENCH_VECTOR_SIZES ?? ''} ==`);
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      stdio: 'inherit',
      env: { ...process.env, ...env, BENCH_SECTION: name },
    });
    if (child.status !== 0) {
      console.error(`bench section ${name} failed (exit ${child.status})`);
      failed = true;
    }
  }
  process.exitCode = failed ? 1 : 0;
}

async function runSection(name: string): Promise<void> {
  let result: unknown;
  switch (name) {
    case 'index': {
      const { runIndexBench } = await import('./index.bench');
      // BENCH_SMOOTH_PHOTOS (default 200), BENCH_BURST_PHOTOS (default 240), BENCH_CORPORA (noisy,smooth,burst).
      result = await runIndexBench({
        photos: Number(process.env.BENCH_PHOTOS ?? 300),
        smoothPhotos: Number(process.env.BENCH_SMOOTH_PHOTOS ?? 200),
        burstPhotos: Number(process.env.BENCH_BURST_PHOTOS ?? 240),
        corpora: process.env.BENCH_CORPORA?.split(',') as ('noisy' | 'smooth' | 'burst')[] | undefined,
      });
      break;
    }
    case 'reindex': {
      const { runReindexBench } = await import('./reindex.bench');
      result = await runReindexBench({ photos: Number(process.env.BENCH_REINDEX_PHOTOS ?? 100_000) });
      break;
    }
    case 'vectors': {
      const { runVectorBench } = await import('./vectors.bench');
      result = await runVectorBench({ sizes: (process.env.BENCH_VECTOR_SIZES ?? DEFAULT_VECTOR_SIZES).split(',') });
      break;
    }
    case 'grouping': {
      const { runGroupingBench } = await import('./grouping.bench');
      result = await runGroupingBench({ photos: Number(process.env.BENCH_GROUPING_PHOTOS ?? 100_000) });
      break;
    }
    case 'verify': {
      const { runVerifyBench } = await import('./verify.bench');
      result = await runVerifyBench({ scenes: Number(process.env.BENCH_VERIFY_SCENES ?? 60) });
      break;
    }
    case 'cleanup': {
      const { runCleanupBench } = await import('./cleanup.bench');
      const report = await runCleanupBench({ copies: Number(process.env.BENCH_CLEANUP_COPIES ?? 1000) });
      console.log(
        `clean ${report.copies} byte copies: ${report.trashed} to the trash (${report.freedMB} MB freed) in ${report.cleanSeconds} s; ` +
          `undo: ${report.restored} restored, ${report.restoredByteForByte} byte for byte, in ${report.undoSeconds} s ` +
          `(target: every copy but one per group trashed, every one restored byte for byte)`,
      );
      result = report;
      break;
    }
    default:
      throw new Error(`unknown bench section '${name}' (expected index, reindex, vectors, grouping, verify or cleanup)`);
  }
  console.log(`BENCH ${name} ${JSON.stringify(result)}`);
}
