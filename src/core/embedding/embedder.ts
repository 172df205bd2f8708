import { join } from 'node:path';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { EmbedderClosedError, EmbeddingInputError, ModelManifestError } from './embedding.errors.js';
import { createSessionWithFallback, type ExecutionProviderRequest, type SessionWithProvider } from './execution-providers.js';
import { parseLabels, readVerifiedFile } from './model-files.js';
import { findModel, loadManifest, loadMeanVector, resolveModelsDir, type ModelSpec } from './model-manifest.js';
import { normalizeRows, topLabels, writeNchwImage, type ScoredLabel } from './tensor-math.js';

export interface EmbedderOptions {
  /** Folder holding the model files; default `resolveModelsDir()`. */
  modelsDir?: string;
  /** A manifest id such as 'mobilenet-v3-small-075'; default the manifest's `default`. */
  modelId?: string;
  /** Default 'auto': the platform accelerator if it loads, else CPU. See `createSessionWithFallback`. */
  executionProviders?: ExecutionProviderRequest;
  /** Receives one line per notable event (provider fallbacks). Default: discarded. */
  log?: (line: string) => void;
}

export interface EmbedResult {
  /** `inputs.length * dim` floats, row-major; each row has unit L2 norm. */
  readonly vectors: Float32Array;
  /** Top-5 ImageNet labels per input, background excluded; null when the model has no label output. */
  readonly labels: ScoredLabel[][] | null;
}

/** One raw model output, exactly as the session returned it. */
export interface RawOutput {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Images per session.run: big enough to amortise the call, small enough to keep memory flat. */
const MAX_BATCH = 16;
const TOP_LABELS = 5;

/**
 * Turns decoded photos into embedding vectors with one reusable ONNX session.
 *
 * @example
 * const embedder = await Embedder.load({ log: console.warn });
 * const { vectors } = await embedder.embed([rgb224]); // rgb224: 224*224*3 bytes, RGB, row-major
 * const first = vectors.subarray(0, embedder.dim);
 * await embedder.close();
 */
export class Embedder {
  readonly modelId: string;
  readonly dim: number;
  /** Execution provider actually in use, e.g. 'cpu' or 'cuda'. */
  readonly provider: string;
  /** Each provider tried when the session was created, with its outcome (see `SessionWithProvider.notes`). */
  readonly providerNotes: readonly string[];
  /** Width and height, in pixels, of the square RGB images `embed` takes. */
  readonly inputSize: number;

  #session: InferenceSession | null;
  readonly #model: ModelSpec;
  readonly #mean: Float32Array | null;
  readonly #labels: readonly string[] | null;

  private constructor(model: ModelSpec, session: SessionWithProvider, mean: Float32Array | null, labels: string[] | null) {
    this.modelId = model.id;
    this.dim = model.embedding.dim;
    this.provider = session.provider;
    this.providerNotes = session.notes;
    this.inputSize = model.input.width;
    this.#model = model;
    this.#session = session.session;
    this.#mean = mean;
    this.#labels = labels;
  }

  /** Verifies the model files against the manifest and creates the session. */
  static async load(options: EmbedderOptions = {}): Promise<Embedder> {
    const model = findModel(loadManifest(), options.modelId);
    if (model.input.width !== model.input.height) {
      throw new ModelManifestError(`Model ${model.id}: only square inputs are supported, got ${model.input.width}x${model.input.height}`);
    }
    const modelsDir = options.modelsDir ?? resolveModelsDir();
    const modelPath = join(modelsDir, model.file);
    const modelBytes = await readVerifiedFile(modelPath, model.sha256);
    const labels = model.labels ? await readLabels(join(modelsDir, model.labels.file), model.labels) : null;
    // A fixed mean, computed once over a varied image set and committed, not the mean of the
    // user's library: stored vectors must not change as the library grows.
    const mean = model.embedding.nonNegative ? loadMeanVector(model) : null;

    const created = await createSessionWithFallback(modelBytes, modelPath, options.executionProviders ?? 'auto', options.log ?? (() => {}));
    const { session } = created;
    const expectedOutputs = [model.embedding.output, ...(model.labels ? [model.labels.output] : [])];
    const missing = [model.input.name]
      .filter((name) => !session.inputNames.includes(name))
      .concat(expectedOutputs.filter((name) => !session.outputNames.includes(name)));
    if (missing.length > 0) {
      await session.release();
      throw new ModelManifestError(
        `Model ${modelPath} has no input/output named ${missing.join(', ')} ` +
          `(it has inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')}): fix resources/models/manifest.json`,
      );
    }
    return new Embedder(model, created, mean, labels);
  }

  /**
   * Embeds RGB uint8 HWC pixel buffers of `inputSize` x `inputSize` x 3 bytes, exactly what the
   * decode pipeline produces. Vectors are L2-normalized (centered first for models with
   * non-negative features), so their dot product is the cosine similarity.
   */
  async embed(inputs: readonly Uint8Array[]): Promise<EmbedResult> {
    const expectedBytes = this.inputSize * this.inputSize * 3;
    inputs.forEach((pixels, index) => {
      if (pixels.length !== expectedBytes) {
        throw new EmbeddingInputError(
          `Cannot embed input ${index}: ${pixels.length} bytes, expected ${expectedBytes} ` +
            `(${this.inputSize}x${this.inputSize} RGB, 3 bytes per pixel)`,
        );
      }
    });
    const vectors = new Float32Array(inputs.length * this.dim);
    const labels: ScoredLabel[][] | null = this.#labels ? [] : null;
    const pixelCount = this.inputSize * this.inputSize;
    const { embedding, labels: labelSpec, input } = this.#model;

    for (let start = 0; start < inputs.length; start += MAX_BATCH) {
      const batch = inputs.slice(start, start + MAX_BATCH);
      const tensor = new Float32Array(batch.length * 3 * pixelCount);
      batch.forEach((pixels, index) => writeNchwImage(pixels, tensor, index, pixelCount, input.scaling));
      const outputs = await this.runRaw(tensor, batch.length);

      const features = outputOf(outputs, embedding.output, batch.length * this.dim);
      vectors.set(features, start * this.dim);
      if (labels && labelSpec && this.#labels) {
        const scores = outputOf(outputs, labelSpec.output, batch.length * labelSpec.count);
        for (let row = 0; row < batch.length; row += 1) {
          const rowScores = scores.subarray(row * labelSpec.count, (row + 1) * labelSpec.count);
          labels.push(topLabels(rowScores, this.#labels, TOP_LABELS, labelSpec.backgroundIndex));
        }
      }
    }
    normalizeRows(vectors, this.dim, this.#mean);
    return { vectors, labels };
  }

  /**
   * Runs the model on an already preprocessed float32 NCHW tensor of `batchSize` images and returns
   * every output untouched (no centering, no normalization).
   * @internal For `embed` and for tests that pin the model's raw outputs to golden values.
   */
  async runRaw(tensor: Float32Array, batchSize: number): Promise<Record<string, RawOutput>> {
    const session = this.#session;
    if (!session) throw new EmbedderClosedError(this.modelId);
    const { name, height, width } = this.#model.input;
    const results = await session.run({ [name]: new Tensor('float32', tensor, [batchSize, 3, height, width]) });
    const raw: Record<string, RawOutput> = {};
    for (const [outputName, value] of Object.entries(results)) {
      if (value.type !== 'float32') continue;
      raw[outputName] = { dims: value.dims, data: value.data as Float32Array };
    }
    return raw;
  }

  /** Releases the native session. Idempotent; `embed` fails afterwards. */
  async close(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    await session?.release();
  }
}

async function readLabels(path: string, spec: NonNullable<ModelSpec['labels']>): Promise<string[]> {
  const bytes = await readVerifiedFile(path, spec.sha256);
  return parseLabels(bytes.toString('utf8'), spec.count, path);
}

function outputOf(outputs: Record<string, RawOutput>, name: string, expectedLength: number): Float32Array {
  const output = outputs[name];
  if (output?.data.length !== expectedLength) {
    throw new ModelManifestError(
      `Model output ${name} has ${output ? `shape [${output.dims.join(', ')}]` : 'no float32 value'}, ` +
        `expected ${expectedLength} values: fix resources/models/manifest.json`,
    );
  }
  return output.data;
}
