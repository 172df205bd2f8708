import type { EmbeddingRepository } from '../../store/embedding.repository';
import type { PictureRow } from '../../store/photo.repository';
import {
  LOOSEST_COSINE,
  LOOSEST_HASH_DISTANCE,
  MAX_TRANSFORM_DISTANCE,
  NO_DISTANCE,
  allocateColumns,
  type PairColumns,
} from './near-pairs';
import { QuantizedVectors } from '../quantized-vectors';

/**
 * Scores new pairs as a full search scores them (see `scorePairs`), from the stored vectors read a
 * few thousand at a time: the same quantized cosines, so that an update keeps what a full search
 * would keep, to the last digit.
 */
export function scoreFromStore(
  columns: PairColumns,
  contents: readonly PictureRow[],
  embeddings: EmbeddingRepository,
  modelId: string,
): void {
  const CHUNK = 2000;
  for (let start = 0; start < columns.count; start += CHUNK) {
    const end = Math.min(columns.count, start + CHUNK);
    const wanted = new Set<string>();
    for (let i = start; i < end; i++) {
      wanted.add(contents[columns.a[i] ?? 0]?.hash ?? '');
      wanted.add(contents[columns.b[i] ?? 0]?.hash ?? '');
    }
    const stored = embeddings.embeddingsOf([...wanted], modelId);
    let quantized: QuantizedVectors | null = null;
    const slots = new Map<string, number>();
    for (const [hash, vector] of stored) {
      quantized ??= new QuantizedVectors(vector.length, stored.size);
      slots.set(hash, quantized.add(vector));
    }
    if (!quantized) continue;
    const slotOf = (p: number): number => slots.get(contents[p]?.hash ?? '') ?? -1;
    scorePairs(columns, quantized, slotOf, start, end);
  }
}

/**
 * Fills the cosine of pairs [start, end) whose two contents have vectors, from their quantized
 * copies, and lowers each neighbour's index score to it where it is lower: an approximate index
 * never underestimates, so a pair stays at threshold t only if both reach it.
 */
export function scorePairs(
  columns: PairColumns,
  quantized: QuantizedVectors,
  slotOf: (position: number) => number,
  start: number,
  end: number,
): void {
  for (let i = start; i < end; i++) {
    const slotA = slotOf(columns.a[i] ?? 0);
    const slotB = slotOf(columns.b[i] ?? 0);
    if (slotA < 0 || slotB < 0) continue;
    const cosine = quantized.cosine(slotA, slotB);
    columns.cosine[i] = cosine;
    const approximate = columns.knn[i] ?? NaN;
    if (!Number.isNaN(approximate)) columns.knn[i] = Math.min(approximate, cosine);
  }
}

/** The pairs that still match at the loosest setting (a neighbour re-scored below it does not). */
export function withoutUseless(columns: PairColumns): PairColumns {
  const useful = (i: number): boolean =>
    (columns.knn[i] ?? NaN) >= LOOSEST_COSINE ||
    (columns.direct[i] ?? NO_DISTANCE) <= LOOSEST_HASH_DISTANCE ||
    (columns.turned[i] ?? NO_DISTANCE) <= MAX_TRANSFORM_DISTANCE;
  let count = 0;
  for (let i = 0; i < columns.count; i++) if (useful(i)) count += 1;
  if (count === columns.count) return columns;
  const out = allocateColumns(count);
  let o = 0;
  for (let i = 0; i < columns.count; i++) {
    if (!useful(i)) continue;
    out.a[o] = columns.a[i] ?? 0;
    out.b[o] = columns.b[i] ?? 0;
    const knn = columns.knn[i] ?? NaN;
    out.knn[o] = knn >= LOOSEST_COSINE ? knn : NaN;
    out.cosine[o] = columns.cosine[i] ?? NaN;
    out.direct[o] = columns.direct[i] ?? NO_DISTANCE;
    out.turned[o] = columns.turned[i] ?? NO_DISTANCE;
    o += 1;
  }
  return out;
}
