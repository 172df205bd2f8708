/**
 * Clustering of near-duplicate candidate pairs without chaining: single-linkage would join A-B-C-…
 * into one group even when A and Z look nothing alike. Instead each group is a star: a centre and
 * only the pictures directly similar to it, so every member is within the threshold of the centre.
 * Centres are taken greedily, best-connected first (ties: the larger picture, then the lower node),
 * the usual greedy approximation of a minimum star cover.
 *
 * Runs on typed arrays (an adjacency in compressed rows, buffers kept between calls): at the
 * loosest slider setting a 100k-photo library has ~1M pairs, which Maps of Maps took seconds to link.
 */

/** Pairs of nodes with a similarity in [0, 1] each; the same pair may come several times (its best score counts). */
export interface NodePairs {
  readonly count: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly score: Float32Array;
}

export interface StarCluster {
  readonly centre: number;
  /** Members other than the centre, best score first (ties: lower node first), with their similarity to it. */
  readonly members: readonly { readonly node: number; readonly score: number }[];
}

/**
 * Star clusters over nodes 0 … nodeCount-1. `byTieBreak` lists every node in the order that breaks
 * ties between equally connected centres (larger picture first, then lower node). Pairs of a node
 * with itself are ignored.
 */
export class StarClustering {
  readonly #nodeCount: number;
  readonly #byTieBreak: Int32Array;
  readonly #start: Int32Array;
  readonly #fill: Int32Array;
  readonly #end: Int32Array;
  readonly #lastRow: Int32Array;
  readonly #slot: Int32Array;
  readonly #assigned: Uint8Array;
  #neighbour = new Int32Array(0);
  #score = new Float32Array(0);

  constructor(nodeCount: number, byTieBreak: Int32Array) {
    this.#nodeCount = nodeCount;
    this.#byTieBreak = byTieBreak;
    this.#start = new Int32Array(nodeCount + 1);
    this.#fill = new Int32Array(nodeCount);
    this.#end = new Int32Array(nodeCount);
    this.#lastRow = new Int32Array(nodeCount);
    this.#slot = new Int32Array(nodeCount);
    this.#assigned = new Uint8Array(nodeCount);
  }

  clusters(pairs: NodePairs): StarCluster[] {
    const n = this.#nodeCount;
    const { count, a: pairA, b: pairB, score: pairScore } = pairs;
    // Rows: every pair twice (a→b and b→a), then each row's repeated neighbours merged (best score).
    const start = this.#start.fill(0);
    for (let i = 0; i < count; i++) {
      const a = pairA[i] ?? 0;
      const b = pairB[i] ?? 0;
      if (a === b) continue;
      start[a + 1] = (start[a + 1] ?? 0) + 1;
      start[b + 1] = (start[b + 1] ?? 0) + 1;
    }
    for (let v = 0; v < n; v++) start[v + 1] = (start[v + 1] ?? 0) + (start[v] ?? 0);
    const entries = start[n] ?? 0;
    if (this.#neighbour.length < entries) {
      this.#neighbour = new Int32Array(entries);
      this.#score = new Float32Array(entries);
    }
    const neighbour = this.#neighbour;
    const score = this.#score;
    const fill = this.#fill;
    fill.set(start.subarray(0, n));
    for (let i = 0; i < count; i++) {
      const a = pairA[i] ?? 0;
      const b = pairB[i] ?? 0;
      if (a === b) continue;
      const s = pairScore[i] ?? 0;
      const atA = fill[a] ?? 0;
      neighbour[atA] = b;
      score[atA] = s;
      fill[a] = atA + 1;
      const atB = fill[b] ?? 0;
      neighbour[atB] = a;
      score[atB] = s;
      fill[b] = atB + 1;
    }
    const end = this.#end;
    const lastRow = this.#lastRow.fill(-1);
    const slot = this.#slot;
    let maxDegree = 0;
    for (let v = 0; v < n; v++) {
      const from = start[v] ?? 0;
      let out = from;
      for (let j = from; j < (start[v + 1] ?? 0); j++) {
        const u = neighbour[j] ?? 0;
        const s = score[j] ?? 0;
        if (lastRow[u] === v) {
          const at = slot[u] ?? 0;
          if ((score[at] ?? 0) < s) score[at] = s;
          continue;
        }
        lastRow[u] = v;
        slot[u] = out;
        neighbour[out] = u;
        score[out] = s;
        out += 1;
      }
      end[v] = out;
      maxDegree = Math.max(maxDegree, out - from);
    }
    const order = this.#centresInOrder(maxDegree);

    const assigned = this.#assigned.fill(0);
    const clusters: StarCluster[] = [];
    for (const centre of order) {
      if (assigned[centre]) continue;
      const members: { node: number; score: number }[] = [];
      for (let j = start[centre] ?? 0; j < (end[centre] ?? 0); j++) {
        const node = neighbour[j] ?? 0;
        if (!assigned[node]) members.push({ node, score: score[j] ?? 0 });
      }
      if (members.length === 0) continue;
      assigned[centre] = 1;
      for (const member of members) assigned[member.node] = 1;
      clusters.push({ centre, members: members.sort((p, q) => q.score - p.score || p.node - q.node) });
    }
    return clusters;
  }

  /** Connected nodes, most neighbours first, ties in tie-break order: a counting sort, no comparisons. */
  #centresInOrder(maxDegree: number): Int32Array {
    const degree = (v: number): number => (this.#end[v] ?? 0) - (this.#start[v] ?? 0);
    const firstOfDegree = new Int32Array(maxDegree + 2);
    for (const v of this.#byTieBreak) firstOfDegree[degree(v)] = (firstOfDegree[degree(v)] ?? 0) + 1;
    // Degrees high to low: positions start after all nodes of a higher degree.
    let position = 0;
    for (let d = maxDegree; d >= 1; d--) {
      const nodes = firstOfDegree[d] ?? 0;
      firstOfDegree[d] = position;
      position += nodes;
    }
    const order = new Int32Array(position);
    for (const v of this.#byTieBreak) {
      const d = degree(v);
      if (d === 0) continue;
      const at = firstOfDegree[d] ?? 0;
      order[at] = v;
      firstOfDegree[d] = at + 1;
    }
    return order;
  }
}
