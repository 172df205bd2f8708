/**
 * Sets faiss search-time parameters (IVF `nprobe`, HNSW `efSearch`) by patching a serialized index.
 *
 * Why: faiss-node exposes no setter for them, and their defaults (nprobe = 1, efSearch = 16) give
 * poor recall. Both are plain fields of faiss's on-disk format, so we serialize the freshly trained,
 * still EMPTY index (a few MB: PCA matrix and centroids), patch the field, and deserialize it before
 * adding any vectors. The value then travels with every later save and load. This works with the
 * upstream prebuilt binary and with our source build alike, since both use faiss's own index_io.
 *
 * Layout (faiss 1.7.x impl/index_write.cpp, little-endian):
 *   index header: fourcc[4] d:i32 ntotal:i64 dummy:i64 dummy:i64 is_trained:u8 metric:i32 [metric_arg:f32 if metric > 1]
 *   IVF ("IwFl", "IwSq", "IwPQ", ...): header, nlist:u64, nprobe:u64, ...
 *   HNSW ("IHNf", "IHNs", ...): header, 5 vectors (u64 count + items: f64, i32, i32, u64, i32),
 *                               entry_point:i32 max_level:i32 efConstruction:i32 efSearch:i32 upper_beam:i32
 * The sub-index is found by its fourcc and accepted only if the whole header matches what we built
 * (dimension, ntotal = 0, the constant dummies, metric) and the current value is faiss's default;
 * otherwise nothing is patched and the caller gets an error instead of a silently wrong index.
 */

const HEADER_DUMMY = 1n << 20n;
const HEADER_BYTES = 4 + 4 + 8 + 8 + 8 + 1 + 4;
const DEFAULT_NPROBE = 1n;
const DEFAULT_EF_SEARCH = 16;
const DEFAULT_EF_CONSTRUCTION = 40;

export type SearchParameter = { readonly name: 'nprobe'; readonly value: number } | { readonly name: 'efSearch'; readonly value: number };

export interface PatchTarget {
  /** fourcc of the sub-index that owns the parameter, e.g. 'IwSq' or 'IHNf'. */
  readonly fourcc: string;
  /** Dimension of that sub-index (after any PCA). */
  readonly dim: number;
  /** faiss MetricType of that sub-index (0 inner product, 1 L2). */
  readonly metric: number;
}

/** The serialized index did not have the layout we verified against; nothing was changed. */
export class SearchParameterPatchError extends Error {
  override readonly name = 'SearchParameterPatchError' as const;
}

/**
 * Returns a copy of `serialized` (an empty, trained index from `Index.toBuffer()`) with `parameter`
 * set. Throws SearchParameterPatchError when the field cannot be located unambiguously.
 */
export function patchSearchParameter(serialized: Buffer, target: PatchTarget, parameter: SearchParameter): Buffer {
  const header = findHeader(serialized, target);
  const patched = Buffer.from(serialized);
  switch (parameter.name) {
    case 'nprobe': {
      const nprobeOffset = header + HEADER_BYTES + 8;
      if (patched.readBigUInt64LE(nprobeOffset) !== DEFAULT_NPROBE) fail(target, `nprobe is not faiss's default ${DEFAULT_NPROBE}`);
      patched.writeBigUInt64LE(BigInt(parameter.value), nprobeOffset);
      return patched;
    }
    case 'efSearch': {
      const efSearchOffset = hnswScalarsOffset(serialized, header + HEADER_BYTES, target) + 12;
      if (patched.readInt32LE(efSearchOffset) !== DEFAULT_EF_SEARCH) fail(target, `efSearch is not faiss's default ${DEFAULT_EF_SEARCH}`);
      patched.writeInt32LE(parameter.value, efSearchOffset);
      return patched;
    }
  }
}

function findHeader(buffer: Buffer, target: PatchTarget): number {
  const matches: number[] = [];
  for (let at = buffer.indexOf(target.fourcc, 0, 'latin1'); at >= 0; at = buffer.indexOf(target.fourcc, at + 1, 'latin1')) {
    if (at + HEADER_BYTES + 16 <= buffer.length && headerMatches(buffer, at, target)) matches.push(at);
  }
  if (matches.length !== 1) fail(target, `found ${matches.length} matching index headers, expected 1`);
  return matches[0]!;
}

function headerMatches(buffer: Buffer, at: number, target: PatchTarget): boolean {
  return (
    buffer.readInt32LE(at + 4) === target.dim &&
    buffer.readBigInt64LE(at + 8) === 0n &&
    buffer.readBigInt64LE(at + 16) === HEADER_DUMMY &&
    buffer.readBigInt64LE(at + 24) === HEADER_DUMMY &&
    buffer.readUInt8(at + 32) === 1 &&
    buffer.readInt32LE(at + 33) === target.metric &&
    target.metric <= 1 // metrics above 1 add a metric_arg field we do not expect here
  );
}

/** Skips HNSW's five vectors (all empty but the level tables, since ntotal is 0). */
function hnswScalarsOffset(buffer: Buffer, start: number, target: PatchTarget): number {
  const itemBytes = [8, 4, 4, 8, 4]; // assign_probas, cum_nneighbor_per_level, levels, offsets, neighbors
  let at = start;
  for (const bytes of itemBytes) {
    if (at + 8 > buffer.length) fail(target, 'HNSW tables run past the end of the buffer');
    const count = buffer.readBigUInt64LE(at);
    if (count > 4096n) fail(target, `implausible HNSW table length ${count}`);
    at += 8 + Number(count) * bytes;
  }
  if (at + 20 > buffer.length) fail(target, 'HNSW scalars run past the end of the buffer');
  const entryPoint = buffer.readInt32LE(at);
  const maxLevel = buffer.readInt32LE(at + 4);
  const efConstruction = buffer.readInt32LE(at + 8);
  if (entryPoint !== -1 || maxLevel !== -1 || efConstruction !== DEFAULT_EF_CONSTRUCTION) {
    fail(target, `unexpected HNSW scalars (entry ${entryPoint}, level ${maxLevel}, efConstruction ${efConstruction})`);
  }
  return at;
}

function fail(target: PatchTarget, why: string): never {
  throw new SearchParameterPatchError(`Cannot set search parameters in the serialized ${target.fourcc} index: ${why}`);
}
