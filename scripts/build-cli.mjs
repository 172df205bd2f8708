// Bundles the Node entry points (CLI, eval, benchmarks) with esbuild. Dependencies stay external:
// native addons (better-sqlite3, sharp, onnxruntime-node, faiss-node) load from node_modules.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  cli: 'src/cli/main.ts',
  eval: 'src/eval/main.ts',
  demo: 'src/demo/main.ts',
  bench: 'bench/run.ts',
};
await build({
  entryPoints: Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file))),
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
