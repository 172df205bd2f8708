import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ModelManifestError, UnknownModelError } from './embedding.errors.js';

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

const modelSchema = z.object({
  id: z.string().min(1),
  description: z.string().optional(),
  file: z.string().min(1),
  sha256: sha256Schema,
  bytes: z.number().int().positive().optional(),
  input: z.object({
    name: z.string().min(1),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    layout: z.literal('NCHW'),
    channels: z.literal('RGB'),
    /** Model value = v * scale + offset, for each uint8 channel value v. */
    scaling: z.object({
      formula: z.string().optional(),
      scale: z.number(),
      offset: z.number(),
      /** Nominal input range the model was trained for; documents the formula and drives golden tests. */
      range: z.tuple([z.number(), z.number()]),
    }),
  }),
  embedding: z.object({
    output: z.string().min(1),
    dim: z.number().int().positive(),
    /** Post-ReLU features: cosine needs them centered first, by the vector in `meanFile`. */
    nonNegative: z.boolean(),
    /** JSON under resources/models/: `{ "mean": number[dim] }`. */
    meanFile: z.string().optional(),
  }),
  labels: z
    .object({
      output: z.string().min(1),
      file: z.string().min(1),
      sha256: sha256Schema,
      bytes: z.number().int().positive().optional(),
      count: z.number().int().positive(),
      backgroundIndex: z.number().int().nonnegative().nullable(),
    })
    .optional(),
  license: z.string(),
  upstream: z.object({
    source: z.string(),
    file: z.string().optional(),
    sha256: sha256Schema.optional(),
    conversion: z.string().optional(),
  }),
});

const manifestSchema = z
  .object({
    schemaVersion: z.literal(1),
    default: z.string().min(1),
    models: z.array(modelSchema).min(1),
  })
  .refine((manifest) => manifest.models.some((model) => model.id === manifest.default), {
    message: '`default` must be the id of a listed model',
  })
  .refine((manifest) => manifest.models.every((model) => !model.embedding.nonNegative || model.embedding.meanFile), {
    message: 'a model with nonNegative embeddings needs a meanFile',
  });

export type ModelManifest = z.infer<typeof manifestSchema>;
export type ModelSpec = ModelManifest['models'][number];

let packageRootCache: string | undefined;

/**
 * The folder of the nearest package.json named "doppel" above this module. Walked up rather than
 * a fixed `../..` because this code runs from src/ (vitest), dist/*.mjs (esbuild) and out/main
 * (electron-vite), each at a different depth.
 */
export function findPackageRoot(): string {
  if (packageRootCache !== undefined) return packageRootCache;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && readPackageName(candidate) === 'doppel') {
      packageRootCache = dir;
      return dir;
    }
    if (dirname(dir) === dir) break;
  }
  throw new ModelManifestError(`Cannot find the doppel package root: no package.json named "doppel" above ${start}`);
}

function readPackageName(packageJsonPath: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'name' in parsed && typeof parsed.name === 'string' ? parsed.name : undefined;
  } catch {
    // An unreadable or malformed package.json on the way up belongs to someone else: keep walking.
    return undefined;
  }
}

/** Where model binaries live: `$DOPPEL_MODELS_DIR`, else `<package root>/models` (filled by `npm run setup`). */
export function resolveModelsDir(): string {
  const fromEnv = process.env.DOPPEL_MODELS_DIR;
  return fromEnv ? resolve(fromEnv) : join(findPackageRoot(), 'models');
}

/** Committed model metadata: manifest.json and the files it references (mean vectors). */
export function resolveModelResourcesDir(): string {
  return join(findPackageRoot(), 'resources', 'models');
}

/** Reads and validates resources/models/manifest.json. */
export function loadManifest(): ModelManifest {
  const path = join(resolveModelResourcesDir(), 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelManifestError(`Cannot read the model manifest ${path}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ModelManifestError(`Invalid model manifest ${path}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** The manifest entry for `modelId` (the manifest default when omitted). */
export function findModel(manifest: ModelManifest, modelId: string = manifest.default): ModelSpec {
  const model = manifest.models.find((candidate) => candidate.id === modelId);
  if (!model)
    throw new UnknownModelError(
      modelId,
      manifest.models.map((candidate) => candidate.id),
    );
  return model;
}

/** Reads a model's committed mean vector (for centering non-negative features). */
export function loadMeanVector(model: ModelSpec): Float32Array {
  const { meanFile, dim } = model.embedding;
  if (!meanFile) throw new ModelManifestError(`Model ${model.id} has no embedding.meanFile in the manifest`);
  const path = join(resolveModelResourcesDir(), meanFile);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelManifestError(`Cannot read the mean vector ${path} of model ${model.id}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const mean = z.object({ mean: z.array(z.number()).length(dim) }).safeParse(parsed);
  if (!mean.success) {
    throw new ModelManifestError(`Invalid mean vector ${path} for model ${model.id}: expected { "mean": ${dim} numbers }`);
  }
  return Float32Array.from(mean.data.mean);
}
