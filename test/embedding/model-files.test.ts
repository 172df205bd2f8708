import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Embedder, findModel, loadManifest, resolveModelsDir } from '../../src/core/embedding/index.js';

async function loadError(options: Parameters<typeof Embedder.load>[0]): Promise<Error> {
  const result: unknown = await Embedder.load(options).then(
    async (embedder) => {
      await embedder.close();
      return null;
    },
    (error: unknown) => error,
  );
  if (!(result instanceof Error)) throw new Error('expected Embedder.load to fail');
  return result;
}

describe('loading model files', () => {
  let modelsDir: string;
  const manifest = loadManifest();
  const v3 = findModel(manifest, 'mobilenet-v3-small-075');
  const v2 = findModel(manifest, 'mobilenet-v2-100');

  beforeEach(async () => {
    modelsDir = await mkdtemp(join(tmpdir(), 'doppel-models-'));
  });
  afterEach(async () => {
    await rm(modelsDir, { recursive: true, force: true });
  });

  it('fails with ModelFileMissingError naming the path and `npm run setup` when the model is missing', async () => {
    const error = await loadError({ modelsDir, modelId: v3.id, executionProviders: ['cpu'] });
    expect(error).toMatchObject({ name: 'ModelFileMissingError', code: 'model_unavailable' });
    expect(error.message).toContain(join(modelsDir, v3.file));
    expect(error.message).toContain('npm run setup');
  });

  it('fails with ModelFileMissingError when the model is present but its labels file is not', async () => {
    await copyFile(join(resolveModelsDir(), v2.file), join(modelsDir, v2.file));
    const error = await loadError({ modelsDir, modelId: v2.id, executionProviders: ['cpu'] });
    expect(error).toMatchObject({ name: 'ModelFileMissingError', code: 'model_unavailable' });
    expect(error.message).toContain(join(modelsDir, 'imagenet_labels.txt'));
  });

  it('fails with ModelFileCorruptError giving both hashes when the model bytes are wrong', async () => {
    await writeFile(join(modelsDir, v3.file), 'not an onnx model');
    const error = await loadError({ modelsDir, modelId: v3.id, executionProviders: ['cpu'] });
    expect(error).toMatchObject({ name: 'ModelFileCorruptError', code: 'model_unavailable' });
    expect(error.message).toContain(join(modelsDir, v3.file));
    expect(error.message).toContain(`expected ${v3.sha256}`);
    expect(error.message).toMatch(/got [0-9a-f]{64}/);
    expect(error.message).toContain('npm run setup');
  });

  it('fails with UnknownModelError listing the known ids for an id not in the manifest', async () => {
    const error = await loadError({ modelId: 'resnet-9000', executionProviders: ['cpu'] });
    expect(error).toMatchObject({ name: 'UnknownModelError', code: 'invalid_input' });
    expect(error.message).toContain('"resnet-9000"');
    expect(error.message).toContain('mobilenet-v3-small-075');
  });

  it('loads from a models folder given by DOPPEL_MODELS_DIR', async () => {
    await copyFile(join(resolveModelsDir(), v3.file), join(modelsDir, v3.file));
    const previous = process.env.DOPPEL_MODELS_DIR;
    process.env.DOPPEL_MODELS_DIR = modelsDir;
    try {
      expect(resolveModelsDir()).toBe(modelsDir);
      const embedder = await Embedder.load({ modelId: v3.id, executionProviders: ['cpu'] });
      expect(embedder.dim).toBe(v3.embedding.dim);
      await embedder.close();
    } finally {
      if (previous === undefined) delete process.env.DOPPEL_MODELS_DIR;
      else process.env.DOPPEL_MODELS_DIR = previous;
    }
  });
});
