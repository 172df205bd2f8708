// Bundles the Node entry points (CLI, eval, benchmarks) with esbuild. Dependencies stay external:
// native addons (better-sqlite3, sharp, onnxruntime-node, faiss-node) load from node_modules, and so
// does `trash` (the system trash on macOS and Windows), which runs helper binaries it finds next to
// its own files (lib/macos-trash, lib/windows-trash.exe) and is imported lazily, ESM only.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  cli: 'src/cli/main.ts',
  // Worker thread that searches near-duplicate pairs off the caller's event loop; found beside the
  // bundle that starts it (src/core/duplicates/near/near-pair-runner.ts).
  'near-pairs-worker': 'src/core/duplicates/near/near-pairs.worker.ts',
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
  // Already covered by `packages`; named so that narrowing `packages` never bundles it by accident.
  external: ['trash'],
  sourcemap: 'linked',
  logLevel: 'warning',
});
