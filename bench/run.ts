/**
 * `npm run bench`: every performance target of the project, measured and printed.
 * Environment: BENCH_PHOTOS (default 300), BENCH_ONLY (comma list: index,vectors,grouping).
 */
import { runIndexBench } from './index.bench';

const only = new Set((process.env.BENCH_ONLY ?? 'index,vectors,grouping').split(','));
const results: Record<string, unknown> = {};

if (only.has('index')) results.index = await runIndexBench({ photos: Number(process.env.BENCH_PHOTOS ?? 300) });
console.log(`BENCH ${JSON.stringify(results)}`);
