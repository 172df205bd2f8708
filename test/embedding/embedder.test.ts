import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Embedder, loadManifest, resolveModelsDir } from '../../src/core/embedding/index.js';
import { elementAt } from '../helpers/defined';
import { DARKNET_DIR, decodeRgb, dot, gradientImage, hasDarknetPhotos, l2norm, noiseImage, rowOf } from './fixtures.js';

describe.each(loadManifest().models.map((model) => model.id))('Embedder with %s', (modelId) => {
  let embedder: Embedder;

  beforeAll(async () => {
    embedder = await Embedder.load({ modelId, executionProviders: ['cpu'] });
  });
  afterAll(async () => {
    await embedder.close();
  });

  it('reports the model, its dimension, input size and the cpu provider', () => {
    const model = loadManifest().models.find((candidate) => candidate.id === modelId);
    expect(embedder.modelId).toBe(modelId);
    expect(embedder.dim).toBe(model?.embedding.dim);
    expect(embedder.inputSize).toBe(224);
    expect(embedder.provider).toBe('cpu');
  });

  it('returns unit-length vectors, one row per input', async () => {
    const { vectors } = await embedder.embed([gradientImage(1), noiseImage(2), gradientImage(3)]);
    expect(vectors.length).toBe(3 * embedder.dim);
    for (let row = 0; row < 3; row += 1) expect(l2norm(rowOf(vectors, row, embedder.dim))).toBeCloseTo(1, 5);
  });

  it('gives a batch of 3 the same vectors as 3 single runs', async () => {
    const inputs = [gradientImage(4), noiseImage(5), gradientImage(6)];
    const batched = await embedder.embed(inputs);
    for (const [row, input] of inputs.entries()) {
      const single = await embedder.embed([input]);
      const fromBatch = rowOf(batched.vectors, row, embedder.dim);
      expect(dot(fromBatch, single.vectors)).toBeGreaterThan(0.99999);
      const differences = fromBatch.map((value, i) => Math.abs(value - elementAt(single.vectors, i, 'single-run vector')));
      expect(Math.max(...differences)).toBeLessThan(1e-5);
    }
  });

  it('splits inputs larger than one batch without changing the vectors', async () => {
    const inputs = Array.from({ length: 18 }, (_, seed) => gradientImage(seed));
    const { vectors } = await embedder.embed(inputs);
    const last = await embedder.embed([elementAt(inputs, 17, 'inputs')]);
    expect(dot(rowOf(vectors, 17, embedder.dim), last.vectors)).toBeGreaterThan(0.99999);
  });

  it('returns no vectors for no inputs', async () => {
    const { vectors, labels } = await embedder.embed([]);
    expect(vectors.length).toBe(0);
    expect(labels === null || labels.length === 0).toBe(true);
  });

  it('rejects a pixel buffer of the wrong size with EmbeddingInputError', async () => {
    const error: unknown = await embedder.embed([new Uint8Array(100)]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'EmbeddingInputError', code: 'invalid_input' });
    expect((error as Error).message).toMatch(/input 0: 100 bytes, expected 150528/);
  });

  it('rejects embed after close with EmbedderClosedError', async () => {
    const closed = await Embedder.load({ modelId, executionProviders: ['cpu'] });
    await closed.close();
    await closed.close();
    const error: unknown = await closed.embed([gradientImage(1)]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'EmbedderClosedError', code: 'model_unavailable' });
  });
});

describe('labels', () => {
  it('are null for a model without a label output', async () => {
    const embedder = await Embedder.load({ modelId: 'mobilenet-v3-small-075', executionProviders: ['cpu'] });
    const { labels } = await embedder.embed([gradientImage(1)]);
    await embedder.close();
    expect(labels).toBeNull();
  });

  it.skipIf(!hasDarknetPhotos)('put a dog breed among the top 5 for a photo of a dog (MobileNetV2)', async () => {
    const embedder = await Embedder.load({ modelId: 'mobilenet-v2-100', executionProviders: ['cpu'] });
    const { labels } = await embedder.embed([await decodeRgb(join(DARKNET_DIR, 'dog.jpg'))]);
    await embedder.close();

    // ImageNet's dog breeds are classes 151..268, i.e. lines 152..269 with background at line 0.
    const allLabels = readFileSync(join(resolveModelsDir(), 'imagenet_labels.txt'), 'utf8').split('\n');
    const dogBreeds = new Set(allLabels.slice(152, 270));
    expect(dogBreeds.has('Chihuahua') && dogBreeds.has('Mexican hairless')).toBe(true);
    const top5 = labels?.[0] ?? [];
    expect(top5).toHaveLength(5);
    expect(top5.some(({ label }) => dogBreeds.has(label))).toBe(true);
    expect(top5.map(({ label }) => label)).not.toContain('background');
    expect(elementAt(top5, 0, 'top-5 labels').score).toBeGreaterThanOrEqual(elementAt(top5, 4, 'top-5 labels').score);
  });
});

describe('manifest', () => {
  it('states scalings that map uint8 0..255 onto each model’s nominal input range', () => {
    for (const model of loadManifest().models) {
      const { scale, offset, range } = model.input.scaling;
      expect(offset).toBeCloseTo(range[0], 6);
      expect(Math.abs(255 * scale + offset - range[1])).toBeLessThan(0.01);
    }
  });
});
