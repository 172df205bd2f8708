/**
 * One error class per way the embedding layer can fail. Check them by `name` (it survives a
 * process boundary; `instanceof` does not), e.g. `if (hasErrorName(error, 'ModelFileMissingError'))`.
 */

/** A model id that resources/models/manifest.json does not list. */
export class UnknownModelError extends Error {
  override readonly name = 'UnknownModelError' as const;
  constructor(
    readonly modelId: string,
    readonly knownIds: readonly string[],
  ) {
    super(`Cannot load embedding model "${modelId}": unknown id; choose one of ${knownIds.join(', ')}`);
  }
}

/** A model artifact (network or labels file) is not in the models folder. */
export class ModelFileMissingError extends Error {
  override readonly name = 'ModelFileMissingError' as const;
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`Model file ${path} is missing: run \`npm run setup\` (or set DOPPEL_MODELS_DIR to the folder that holds it)`, options);
  }
}

/** A model artifact is present but its bytes are not the ones the manifest names. */
export class ModelFileCorruptError extends Error {
  override readonly name = 'ModelFileCorruptError' as const;
  constructor(
    readonly path: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(
      `Model file ${path} has the wrong SHA-256 (expected ${expectedSha256}, got ${actualSha256}): ` +
        'delete it and run `npm run setup`',
    );
  }
}

/** The manifest, a file it references, or the model's declared inputs/outputs do not hold together. */
export class ModelManifestError extends Error {
  override readonly name = 'ModelManifestError' as const;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** No execution provider, not even the CPU, could create an inference session. */
export class ExecutionProviderError extends Error {
  override readonly name = 'ExecutionProviderError' as const;
  constructor(
    readonly modelPath: string,
    readonly reasons: readonly string[],
  ) {
    super(`Cannot create an inference session for ${modelPath}: ${reasons.join('; ')}`);
  }
}

/** A pixel buffer handed to `embed` is not inputSize x inputSize x 3 bytes. */
export class EmbeddingInputError extends Error {
  override readonly name = 'EmbeddingInputError' as const;
  constructor(message: string) {
    super(message);
  }
}

/** `embed` was called after `close`. */
export class EmbedderClosedError extends Error {
  override readonly name = 'EmbedderClosedError' as const;
  constructor(readonly modelId: string) {
    super(`Cannot embed with model ${modelId}: the embedder was closed; load a new one with Embedder.load()`);
  }
}

export type EmbeddingErrorName =
  | UnknownModelError['name']
  | ModelFileMissingError['name']
  | ModelFileCorruptError['name']
  | ModelManifestError['name']
  | ExecutionProviderError['name']
  | EmbeddingInputError['name']
  | EmbedderClosedError['name'];

/** True when `error` is an Error-like value whose `name` is `name`. */
export function hasErrorName(error: unknown, name: EmbeddingErrorName): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
