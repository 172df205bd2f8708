/**
 * Clustering of near-duplicate candidate pairs without chaining: single-linkage would join A-B-C-…
 * into one group even when A and Z look nothing alike. Instead each group is a star: a centre and
 * only the pictures directly similar to it, so every member is within the threshold of the centre.
 * Centres are taken greedily, best-connected first (ties: the larger picture), the usual greedy
 * approximation of a minimum star cover.
 */

export interface CandidatePair {
  readonly a: number;
  readonly b: number;
  /** Similarity in [0, 1]. */
  readonly score: number;
}

export interface StarCluster {
  readonly centre: number;
  /** Members other than the centre, with their similarity to it. */
  readonly members: readonly { readonly node: number; readonly score: number }[];
}

export function starClusters(pairs: readonly CandidatePair[], tieBreak: (node: number) => number = () => 0): StarCluster[] {
  const neighbours = new Map<number, Map<number, number>>();
  const link = (from: number, to: number, score: number): void => {
    let map = neighbours.get(from);
    if (!map) neighbours.set(from, (map = new Map<number, number>()));
    if ((map.get(to) ?? -1) < score) map.set(to, score);
  };
  for (const { a, b, score } of pairs) {
    if (a === b) continue;
    link(a, b, score);
    link(b, a, score);
  }
  const order = [...neighbours.keys()].sort(
    (x, y) => (neighbours.get(y)?.size ?? 0) - (neighbours.get(x)?.size ?? 0) || tieBreak(y) - tieBreak(x) || x - y,
  );
  const assigned = new Set<number>();
  const clusters: StarCluster[] = [];
  for (const centre of order) {
    if (assigned.has(centre)) continue;
    const members: { node: number; score: number }[] = [];
    for (const [node, score] of neighbours.get(centre) ?? []) if (!assigned.has(node)) members.push({ node, score });
    if (members.length === 0) continue;
    assigned.add(centre);
    for (const member of members) assigned.add(member.node);
    clusters.push({ centre, members: members.sort((p, q) => q.score - p.score || p.node - q.node) });
  }
  return clusters;
}
