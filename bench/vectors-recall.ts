/** Exact neighbours and recall for the vector benches (brute force in JS, no FAISS involved). */

/** Best-first neighbour positions of each query. */
export type Neighbours = readonly (readonly number[])[];

/**
 * Running exact top-k by inner product of `count` queries (row-major, `dim` wide) over rows fed in
 * chunks with `scan(rows, firstPosition)`.
 */
export function exactTopK(
  queries: Float32Array,
  count: number,
  dim: number,
  k: number,
): { scan(rows: Float32Array, firstPosition: number): void; positions(): Neighbours; scores(): readonly (readonly number[])[] } {
  const best = Array.from({ length: count }, () => ({ positions: [] as number[], scores: [] as number[] }));
  return {
    scan(rows, firstPosition) {
      const rowCount = rows.length / dim;
      best.forEach((top, q) => {
        const query = queries.subarray(q * dim, (q + 1) * dim);
        for (let row = 0; row < rowCount; row++) {
          const score = innerProduct(query, rows, row * dim);
          const worst = top.scores[k - 1]; // defined once the list holds k scores
          if (worst !== undefined && score <= worst) continue;
          // Scores are kept best first; insert after every score at least as good.
          const after = top.scores.findIndex((kept) => kept < score);
          const at = after < 0 ? top.scores.length : after;
          top.scores.splice(at, 0, score);
          top.positions.splice(at, 0, firstPosition + row);
          if (top.scores.length > k) {
            top.scores.pop();
            top.positions.pop();
          }
        }
      });
    },
    positions: () => best.map((top) => top.positions),
    scores: () => best.map((top) => top.scores),
  };
}

/** Share of the true neighbours of each query that `found` holds for it. */
export function recallAt(truth: Neighbours, found: Neighbours): number {
  let matched = 0;
  let total = 0;
  truth.forEach((expected, q) => {
    const got = new Set(found[q]);
    matched += expected.filter((position) => got.has(position)).length;
    total += expected.length;
  });
  return total === 0 ? 1 : matched / total;
}

/**
 * Inner product of `query` with the query-length row of `rows` starting at `offset`. The bounds
 * are checked once, outside the loop, so the `?? 0` fallbacks never apply: they only satisfy
 * noUncheckedIndexedAccess, and V8 compiles them away (as fast as `!` on a 1024-dim hot loop).
 */
export function innerProduct(query: Float32Array, rows: Float32Array, offset: number): number {
  const dim = query.length;
  if (offset < 0 || offset + dim > rows.length) {
    throw new RangeError(`innerProduct: ${dim} floats against ${rows.length} from ${offset}`);
  }
  let score = 0;
  for (let d = 0; d < dim; d++) score += (query[d] ?? 0) * (rows[offset + d] ?? 0);
  return score;
}

export function percentile(sorted: readonly number[], fraction: number): number {
  const value = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
  if (value === undefined) throw new Error('Cannot take a percentile of no values');
  return value;
}
