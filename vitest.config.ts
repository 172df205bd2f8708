import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The browser suites poll what the page shows while other suites load both cores: a second
    // (the default) is too short for a preview to render there.
    expect: { poll: { timeout: 10_000 } },
    // Native addons (sharp, onnxruntime, faiss) are not fork-safe everywhere; forks keep them isolated.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
