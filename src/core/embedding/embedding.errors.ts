/**
 * One error class per way the embedding layer can fail. Each carries a shared code (see
 * src/core/errors.ts): a missing, damaged or unrunnable model is `model_unavailable` whichever file
 * or provider is at fault, and the message says which.
 */
import { DoppelError, ErrorCodes } from '../errors';

/** A model id that resources/models/manifest.json does not list. */
export class UnknownModelError extends DoppelError {
  override readonly name = 'UnknownModelError' as const;
  constructor(
    readonly modelId: string,
    readonly knownIds: readonly string[],
  ) {
    super(ErrorCodes.invalidInput, `Cannot load embedding model "${modelId}": unknown id; choose one of ${knownIds.join(', ')}`);
  }
}

/** A model artifact (network or labels file) is not in the models folder. */
export class ModelFileMissingError extends DoppelError {
  override readonly name = 'ModelFileMissingError' as const;
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(
      ErrorCodes.modelUnavailable,
      `Model file ${path} is missing: run \`npm run setup\` (or set DOPPEL_MODELS_DIR to the folder that holds it)`,
      options,
    );
  }
}

/** A model artifact is present but its bytes are not the ones the manifest names. */
export class ModelFileCorruptError extends DoppelError {
  override readonly name = 'ModelFileCorruptError' as const;
  constructor(
    readonly path: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(
      ErrorCodes.modelUnavailable,
      `Model file ${path} has the wrong SHA-256 (expected ${expectedSha256}, got ${actualSha256}): ` + 'delete it and run `npm run setup`',
    );
  }
}

/** The manifest, a file it references, or the model's declared inputs/outputs do not hold together. */
export class ModelManifestError extends DoppelError {
  override readonly name = 'ModelManifestError' as const;
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCodes.modelUnavailable, message, options);
  }
}

/** No execution provider, not even the CPU, could create an inference session. */
export class ExecutionProviderError extends DoppelError {
  override readonly name = 'ExecutionProviderError' as const;
  constructor(
    readonly modelPath: string,
    readonly reasons: readonly string[],
  ) {
    super(ErrorCodes.modelUnavailable, `Cannot create an inference session for ${modelPath}: ${reasons.join('; ')}`);
  }
}

/** A pixel buffer handed to `embed` is not inputSize x inputSize x 3 bytes. */
export class EmbeddingInputError extends DoppelError {
  override readonly name = 'EmbeddingInputError' as const;
  constructor(message: string) {
    super(ErrorCodes.invalidInput, message);
  }
}

/** `embed` was called after `close`. */
export class EmbedderClosedError extends DoppelError {
  override readonly name = 'EmbedderClosedError' as const;
  constructor(readonly modelId: string) {
    super(ErrorCodes.modelUnavailable, `Cannot embed with model ${modelId}: the embedder was closed; load a new one with Embedder.load()`);
  }
}

/** Similarity search was asked for while no model is loaded; the message says why none is. */
export class ModelUnavailableError extends DoppelError {
  override readonly name = 'ModelUnavailableError' as const;
  constructor(message: string) {
    super(ErrorCodes.modelUnavailable, message);
  }
}

/**
 * The providers an unusable model load tried, each with its reason, when the error lists them
 * (ExecutionProviderError, checked by name: see src/core/errors.ts); none for other failures.
 */
export function providerFailures(error: unknown): readonly string[] {
  if (!(error instanceof Error) || error.name !== 'ExecutionProviderError') return [];
  const reasons = (error as { reasons?: unknown }).reasons;
  return Array.isArray(reasons) ? reasons.filter((reason): reason is string => typeof reason === 'string') : [];
}
