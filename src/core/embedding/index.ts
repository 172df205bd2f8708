export { Embedder, type EmbedderOptions, type EmbedResult, type RawOutput } from './embedder.js';
export {
  EmbedderClosedError,
  EmbeddingInputError,
  ExecutionProviderError,
  ModelFileCorruptError,
  ModelFileMissingError,
  ModelManifestError,
  UnknownModelError,
} from './embedding.errors.js';
export { platformAccelerators, providerCandidates, type ExecutionProviderRequest } from './execution-providers.js';
export {
  findModel,
  findPackageRoot,
  loadManifest,
  resolveModelResourcesDir,
  resolveModelsDir,
  type ModelManifest,
  type ModelSpec,
} from './model-manifest.js';
export type { ScoredLabel } from './tensor-math.js';
