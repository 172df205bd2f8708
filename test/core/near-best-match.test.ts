/**
 * The pass after the star cover (near-grouping.ts): each picture goes to the star of the picture it
 * resembles most, so that a copy meets its original even when a burst's star took it first.
 */
import { describe, expect, it } from 'vitest';
import { StarClustering, type StarCluster } from '../../src/core/duplicates/near/near-duplicate-clusters';
import { CLOSEST_PARTNERS, ClosestPartners, withBestMatches } from '../../src/core/duplicates/near/near-grouping';

function pairsOf(list: readonly [number, number, number][]): { count: number; a: Int32Array; b: Int32Array; score: Float32Array } {
  return {
    count: list.length,
    a: Int32Array.from(list, ([a]) => a),
    b: Int32Array.from(list, ([, b]) => b),
    score: Float32Array.from(list, ([, , score]) => score),
  };
}

/** Each star as its sorted nodes, centre included. */
function asSets(clusters: readonly StarCluster[]): number[][] {
  return clusters.map((cluster) => [cluster.centre, ...cluster.members.map((member) => member.node)].sort((x, y) => x - y));
}

function grouped(
  nodeCount: number,
  order: readonly number[],
  list: readonly [number, number, number][],
): { stars: number[][]; regrouped: number[][] } {
  const pairs = pairsOf(list);
  const stars = new StarClustering(nodeCount, Int32Array.from(order)).clusters(pairs);
  return { stars: asSets(stars), regrouped: asSets(withBestMatches(stars, pairs, nodeCount)) };
}

describe('withBestMatches', () => {
  it("should bring a copy that a burst frame's star took to its original and the original's other copy", () => {
    // 0: a frame with three neighbouring frames (1-3) and a copy J (4) of another picture L (5),
    // whose other copy S (6) is in L's star. J and S would each move to the other's star.
    const [frame, J, L, S] = [0, 4, 5, 6];
    const { stars, regrouped } = grouped(
      7,
      [0, 1, 2, 3, 5, 6, 4],
      [
        [frame, 1, 0.99],
        [frame, 2, 0.9],
        [frame, 3, 0.85],
        [frame, J, 0.8],
        [L, S, 0.998],
        [J, S, 0.9995],
        [L, J, 0.9983],
      ],
    );
    expect(stars).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6],
    ]);
    expect(regrouped).toEqual([
      [0, 1, 2, 3],
      [J, L, S],
    ]);
  });

  it('should give a picture no star took to the star of its best match', () => {
    // 0 takes 1 and 2 first; 3 is near 1 only, so no star is left for it.
    const { stars, regrouped } = grouped(
      4,
      [0, 1, 2, 3],
      [
        [0, 1, 0.9],
        [0, 2, 0.85],
        [1, 3, 0.95],
      ],
    );
    expect(stars).toEqual([[0, 1, 2]]);
    expect(regrouped).toEqual([[0, 1, 2, 3]]);
  });

  it('should leave a member whose best match is its own centre where it is', () => {
    const { stars, regrouped } = grouped(
      5,
      [0, 3, 1, 2, 4],
      [
        [0, 1, 0.95],
        [0, 2, 0.9],
        [3, 4, 0.92],
        [1, 3, 0.85],
      ],
    );
    expect(regrouped).toEqual(stars);
  });
});

describe('ClosestPartners', () => {
  // Group 0: centre 0 with members 1 … K + 3; group 1: centre 100 with member 101.
  const K = CLOSEST_PARTNERS;
  const members = Array.from({ length: K + 3 }, (_, i) => i + 1);
  const clusters: StarCluster[] = [
    { centre: 0, members: members.map((node) => ({ node, score: 0.9 })) },
    { centre: 100, members: [{ node: 101, score: 0.9 }] },
  ];

  it("should rank each picture's closest fellow members, closest first, and only those", () => {
    // Picture 1 matches every other member, the higher numbered the closer; and 101, closest of all.
    const list: [number, number, number][] = members.slice(1).map((node) => [1, node, 0.8 + node / 1000]);
    list.push([1, 101, 0.999], [K + 3, 1, 0.8 + (K + 3) / 1000]); // another group's picture; a pair listed twice
    const partners = new ClosestPartners(102).find(clusters, pairsOf(list));
    expect(partners.of(1)).toEqual(members.slice(-K).reverse());
    expect(partners.of(K + 3)).toEqual([1]);
    expect(partners.of(101)).toEqual([]);
  });

  it('should break ties toward the lower picture, whatever the order of the pairs', () => {
    const pairs: [number, number, number][] = [
      [2, 3, 0.9],
      [2, 1, 0.9],
    ];
    expect(new ClosestPartners(102).find(clusters, pairsOf(pairs)).of(2)).toEqual([1, 3]);
    expect(new ClosestPartners(102).find(clusters, pairsOf([...pairs].reverse())).of(2)).toEqual([1, 3]);
  });

  it("should list a group's pairs once each, none with the centre, by where each picture's files start", () => {
    const partners = new ClosestPartners(102).find(
      clusters,
      pairsOf([
        [0, 1, 0.99],
        [1, 2, 0.9],
        [2, 1, 0.9],
        [2, 3, 0.8],
      ]),
    );
    // Picture n's files start at 10 n in this listing.
    for (const node of [0, ...members]) partners.placeAt(node, 10 * node);
    const [group] = clusters;
    if (!group) throw new Error('no group');
    expect(partners.pairsOf(group)).toEqual([10, 20, 20, 30]);
  });

  it("should forget the last step's partners at the next", () => {
    const partners = new ClosestPartners(102);
    partners.find(clusters, pairsOf([[1, 3, 0.97]]));
    partners.find([{ centre: 0, members: [{ node: 1, score: 0.9 }] }], pairsOf([[0, 1, 0.9]]));
    expect(partners.of(1)).toEqual([0]);
    expect(partners.of(3)).toEqual([]);
  });
});
