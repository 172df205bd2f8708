import { InferenceSession, env, listSupportedBackends } from 'onnxruntime-node';
import { ExecutionProviderError } from './embedding.errors.js';

/** `'auto'`: the platform's accelerator if it works, else CPU. A list: tried in order, then CPU. */
export type ExecutionProviderRequest = 'auto' | readonly string[];

/** Accelerators worth trying on each platform, best first (onnxruntime-node provider names). */
export function platformAccelerators(platform: NodeJS.Platform = process.platform): string[] {
  switch (platform) {
    case 'linux':
      return ['cuda'];
    case 'win32':
      return ['cuda', 'dml'];
    case 'darwin':
      return ['coreml'];
    default:
      return [];
  }
}

/**
 * The providers to try, in order. CPU is always last so that a machine without the accelerator
 * still works: the accelerator is an optimisation, never a requirement.
 */
export function providerCandidates(request: ExecutionProviderRequest): string[] {
  const requested = request === 'auto' ? platformAccelerators() : request.map((name) => name.trim().toLowerCase());
  return [...new Set([...requested, 'cpu'])];
}

export interface SessionWithProvider {
  readonly session: InferenceSession;
  /** The provider the session was created with, e.g. 'cpu' or 'cuda'. */
  readonly provider: string;
  /**
   * Each provider tried, in order, with its outcome, for the About page: why inference runs where
   * it does (`cuda: not in this onnxruntime-node build for linux/x64 (has cpu)`, `cpu: used`).
   */
  readonly notes: readonly string[];
}

/**
 * Creates a session on the first provider in `providerCandidates(request)` that works.
 *
 * How onnxruntime-node 1.30 reports an unusable provider (checked on linux/x64):
 * - a name missing from `listSupportedBackends()` (dml/coreml on linux, typos) rejects
 *   `InferenceSession.create` with "no available backend found. ERR: [dml] backend not found.";
 * - a listed but unbundled one (cuda, tensorrt without the CUDA libraries) rejects with
 *   "OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library";
 * - `executionProviders: ['cuda', 'cpu']` does NOT fall back by itself: it rejects the same way.
 * So each provider gets its own attempt, and every failure is logged with its reason.
 */
export async function createSessionWithFallback(
  modelBytes: Uint8Array,
  modelPath: string,
  request: ExecutionProviderRequest,
  log: (line: string) => void,
): Promise<SessionWithProvider> {
  quietNativeLogger();
  const available = new Set(listSupportedBackends().map((backend) => backend.name));
  const failures: string[] = [];
  for (const provider of providerCandidates(request)) {
    if (!available.has(provider)) {
      failures.push(
        `${provider}: not in this onnxruntime-node build for ${process.platform}/${process.arch} (has ${[...available].join(', ')})`,
      );
      continue;
    }
    try {
      const session = await InferenceSession.create(modelBytes, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        // Inference (~1 ms a photo) shares the cores with decoding (~30 ms a photo). ORT's default
        // thread pool spins on every core while idle, which starves the decoders: one thread, no
        // spinning, and the photos decode in parallel around it.
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      });
      for (const failure of failures) log(`embedding: cannot use execution provider ${failure}`);
      if (failures.length > 0) log(`embedding: using execution provider ${provider}`);
      return { session, provider, notes: [...failures, `${provider}: used`] };
    } catch (error) {
      failures.push(`${provider}: ${(error as Error).message}`);
    }
  }
  throw new ExecutionProviderError(modelPath, failures);
}

/**
 * ORT's native logger prints a multi-line red error to stderr for every provider library it cannot
 * load, on every launch of a machine without CUDA. We report those failures through `log`
 * ourselves, so raise the default threshold to fatal; a level someone chose on purpose is kept.
 * (`env.logLevel` is read once, when the first session is created.)
 */
function quietNativeLogger(): void {
  if (env.logLevel === 'warning') env.logLevel = 'fatal';
}
