import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Embedder, findModel, loadManifest, resolveModelResourcesDir, type ModelSpec } from '../../src/core/embedding/index.js';
import { defined, elementAt } from '../helpers/defined';
import { l2norm } from './fixtures.js';

interface GoldenOutput {
  dims: number[];
  first8: number[];
  l2norm: number;
  argmax: number;
}

/** Copied verbatim from the model mirror's golden.json: raw outputs, before any normalization. */
const golden = JSON.parse(readFileSync(join(resolveModelResourcesDir(), 'golden.json'), 'utf8')) as Record<
  string,
  Record<string, GoldenOutput>
>;

/**
 * golden.json's input: x[i] = 0.5 + 0.5*sin(0.001*i) over NCHW [1,3,224,224], scaled linearly to the
 * model's nominal input range (the manifest's `scaling.range`: [-1, 1] for MobileNetV2, whose
 * uint8 formula (v - 128) / 128 only reaches 127/128).
 */
function goldenInput(model: ModelSpec): Float32Array {
  const [low, high] = model.input.scaling.range;
  const input = new Float32Array(3 * model.input.height * model.input.width);
  for (let i = 0; i < input.length; i += 1) input[i] = low + (high - low) * (0.5 + 0.5 * Math.sin(0.001 * i));
  return input;
}

function argmax(values: Float32Array): number {
  let best = 0;
  let bestValue = -Infinity;
  values.forEach((value, i) => {
    if (value > bestValue) {
      best = i;
      bestValue = value;
    }
  });
  return best;
}

describe.each(loadManifest().models.map((model) => model.id))('golden raw outputs of %s', (modelId) => {
  const model = findModel(loadManifest(), modelId);
  const expected = golden[model.file];
  let embedder: Embedder;

  beforeAll(async () => {
    embedder = await Embedder.load({ modelId, executionProviders: ['cpu'] });
  });
  afterAll(async () => {
    await embedder.close();
  });

  it('has golden values for the model file and its embedding output', () => {
    expect(expected).toBeDefined();
    expect(Object.keys(expected ?? {})).toContain(model.labels ? model.labels.output : model.embedding.output);
  });

  it.each(Object.keys(expected ?? {}))('output %s matches dims, first values, norm and argmax', async (outputName) => {
    const want = defined(expected?.[outputName], `golden values for output ${outputName}`);
    const outputs = await embedder.runRaw(goldenInput(model), 1);
    const got = outputs[outputName];
    expect(got).toBeDefined();
    if (!got) return;
    expect([...got.dims]).toEqual(want.dims);
    want.first8.forEach((value, i) => {
      expect(Math.abs(elementAt(got.data, i, `output ${outputName}`) - value)).toBeLessThanOrEqual(1e-4 * Math.abs(value) + 1e-6);
    });
    expect(l2norm(got.data)).toBeCloseTo(want.l2norm, 3);
    expect(argmax(got.data)).toBe(want.argmax);
  });
});
