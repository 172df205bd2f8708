import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Embedder, platformAccelerators, providerCandidates } from '../../src/core/embedding/index.js';
import { createSessionWithFallback } from '../../src/core/embedding/execution-providers.js';
import { dot, gradientImage } from './fixtures.js';

describe('provider candidates', () => {
  it('try the platform accelerator first and CPU last for auto', () => {
    expect(providerCandidates('auto')).toEqual([...platformAccelerators(), 'cpu']);
    expect(platformAccelerators('linux')).toEqual(['cuda']);
    expect(platformAccelerators('win32')).toEqual(['cuda', 'dml']);
    expect(platformAccelerators('darwin')).toEqual(['coreml']);
  });

  it('keep an explicit list in order and append CPU once', () => {
    expect(providerCandidates(['CUDA', 'dml'])).toEqual(['cuda', 'dml', 'cpu']);
    expect(providerCandidates(['cpu', 'cuda'])).toEqual(['cpu', 'cuda']);
  });
});

describe('execution provider fallback', () => {
  let cpuOnly: Embedder;
  const images = [gradientImage(7), gradientImage(8)];

  beforeAll(async () => {
    cpuOnly = await Embedder.load({ executionProviders: ['cpu'] });
  });
  afterAll(async () => {
    await cpuOnly.close();
  });

  it('falls back from cuda to cpu, logs why, and still produces the CPU vectors', async (context) => {
    const lines: string[] = [];
    const embedder = await Embedder.load({ executionProviders: ['cuda'], log: (line) => lines.push(line) });
    try {
      if (embedder.provider === 'cuda') context.skip('this machine has a working CUDA provider');
      expect(embedder.provider).toBe('cpu');
      expect(lines.some((line) => /^embedding: cannot use execution provider cuda: .+/.test(line))).toBe(true);
      expect(lines.at(-1)).toBe('embedding: using execution provider cpu');

      const expected = await cpuOnly.embed(images);
      const { vectors } = await embedder.embed(images);
      expect(dot(vectors.subarray(0, embedder.dim), expected.vectors.subarray(0, embedder.dim))).toBeGreaterThan(0.99999);
    } finally {
      await embedder.close();
    }
  });

  it('names a provider that this onnxruntime build lacks, then uses cpu', async () => {
    const lines: string[] = [];
    const embedder = await Embedder.load({ executionProviders: ['no-such-ep'], log: (line) => lines.push(line) });
    await embedder.close();
    expect(embedder.provider).toBe('cpu');
    expect(lines[0]).toMatch(/no-such-ep: not in this onnxruntime-node build/);
  });

  it('logs nothing when the first provider tried works', async () => {
    const lines: string[] = [];
    const embedder = await Embedder.load({ executionProviders: ['cpu'], log: (line) => lines.push(line) });
    await embedder.close();
    expect(lines).toEqual([]);
  });

  it('fails with ExecutionProviderError giving every provider’s reason when even cpu cannot create a session', async () => {
    const notAModel = new TextEncoder().encode('not an onnx model');
    const error: unknown = await createSessionWithFallback(notAModel, '/models/broken.onnx', ['cuda'], () => {}).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ name: 'ExecutionProviderError', code: 'model_unavailable' });
    expect((error as Error).message).toMatch(/^Cannot create an inference session for \/models\/broken\.onnx: cuda: .+; cpu: .+/);
  });
});
