import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';

/** Native addons load from node_modules at runtime; bundling them breaks their .node binaries. */
const NATIVE_DEPS = ['better-sqlite3', 'sharp', 'onnxruntime-node', 'faiss-node'];

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { include: NATIVE_DEPS },
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          // The engine utility process: a separate entry, forked by main with utilityProcess.fork.
          'engine-process': resolve('src/engine/process/engine-process.ts'),
          // Worker thread of the engine that searches near-duplicate pairs (found beside engine-process.js).
          'near-pairs-worker': resolve('src/core/duplicates/near/near-pairs.worker.ts'),
        },
        external: NATIVE_DEPS,
      },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads can only require('electron'): bundle everything else, emit CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [vue()],
  },
});
