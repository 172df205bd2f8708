/**
 * The pass after the star cover (near-grouping.ts): each picture goes to the star of the picture it
 * resembles most, so that a copy meets its original even when a burst's star took it first.
 */
import { describe, expect, it } from 'vitest';
import { StarClustering, type StarCluster } from '../../src/core/duplicates/near/near-duplicate-clusters';
import type { ShotGroup } from '../../src/core/duplicates/file-groups';
import {
  CLOSEST_PARTNERS,
  ClosestPartners,
  MAX_SHOT_GROUP,
  PairGrouping,
  withBestMatches,
  type GroupingView,
} from '../../src/core/duplicates/near/near-grouping';
import { NO_DISTANCE } from '../../src/core/duplicates/near/near-pairs';

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

/** A grouping over `count` pictures, one file `p<n>` each, whose pairs match by cosine only. */
function pictureGrouping(count: number, list: readonly [number, number, number][]): PairGrouping {
  const ids = Int32Array.from({ length: count }, (_, p) => p);
  const paths = Array.from({ length: count }, (_, p) => `p${p}`);
  let end = 0;
  const view: GroupingView = {
    pictureOf: ids,
    pictureCount: count,
    byTieBreak: ids,
    pictureStart: Uint32Array.from({ length: count + 1 }, (_, p) => p),
    contentsOfPicture: Uint32Array.from(ids),
    fileStart: Uint32Array.from({ length: count + 1 }, (_, p) => p),
    paths: paths.join(''),
    pathEnd: Uint32Array.from(paths, (path) => (end += path.length)),
  };
  return new PairGrouping(
    {
      count: list.length,
      a: Int32Array.from(list, ([a]) => a),
      b: Int32Array.from(list, ([, b]) => b),
      knn: Float64Array.from(list, ([, , score]) => score),
      hashScore: new Float32Array(list.length),
      direct: new Uint8Array(list.length).fill(NO_DISTANCE),
      turned: new Uint8Array(list.length).fill(NO_DISTANCE),
    },
    view,
  );
}

/** Shot groups as the check leaves them: each set its pictures, the centre's set first. */
function shotGroups(grouping: PairGrouping, groups: readonly (readonly (readonly number[])[])[]): ShotGroup[] {
  return groups.map((sets) => ({ grouping, sets: sets.map((pictures) => ({ files: [`p${pictures[0] ?? 0}`], pictures })) }));
}

/** Regrouped shots as the sorted first pictures of their sets. */
function regroup(grouping: PairGrouping, shots: readonly ShotGroup[]): number[][] {
  return grouping
    .regroupShots(shots, 0.7, 0)
    .map((refs) => refs.map(([g, s]) => shots[g]?.sets[s]?.pictures[0] ?? -1).sort((x, y) => x - y))
    .sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
}

describe('PairGrouping.regroupShots', () => {
  // The stereo chessboard of the hard negatives: the left view of pose 7 (1, with its copy 2) is
  // in the left camera's group (centre 0); its right view (3) in the right camera's (centre 4).
  const [leftCentre, left7, left7Copy, right7, rightCentre, left8] = [0, 1, 2, 3, 4, 5];
  const pairs: [number, number, number][] = [
    [left7, left7Copy, 0.999],
    [left7, leftCentre, 0.8],
    [left8, leftCentre, 0.78],
    [left7, right7, 0.84],
    [right7, rightCentre, 0.85],
  ];
  const stereo = [
    [[leftCentre], [left7, left7Copy], [left8]],
    [[rightCentre], [right7]],
  ];

  it("should join the groups of a shot and the shot it resembles most, beyond the shot's own copy", () => {
    const grouping = pictureGrouping(6, pairs);
    expect(regroup(grouping, shotGroups(grouping, stereo))).toEqual([[leftCentre, left7, right7, rightCentre, left8]]);
  });

  it('should leave groups apart when each shot is closer to its own centre than to any shot outside', () => {
    const grouping = pictureGrouping(
      6,
      pairs.map(([a, b, score]): [number, number, number] => [a, b, a === left7 && b === right7 ? 0.79 : score]),
    );
    expect(regroup(grouping, shotGroups(grouping, stereo))).toEqual([
      [leftCentre, left7, left8],
      [right7, rightCentre],
    ]);
  });

  it('should not join two groups past MAX_SHOT_GROUP shots', () => {
    const size = MAX_SHOT_GROUP / 2 + 1;
    const list: [number, number, number][] = [];
    for (let k = 1; k < size; k++) list.push([0, k, 0.8], [size, size + k, 0.8]);
    list.push([1, size + 1, 0.95]);
    const grouping = pictureGrouping(2 * size, list);
    const groups = [0, size].map((first) => Array.from({ length: size }, (_, k) => [first + k]));
    expect(regroup(grouping, shotGroups(grouping, groups)).map((group) => group.length)).toEqual([size, size]);
  });

  it('should leave shots numbered by another grouping (the library changed since) as the check left them', () => {
    const grouping = pictureGrouping(6, pairs);
    const stale = shotGroups(pictureGrouping(6, pairs), stereo);
    expect(regroup(grouping, stale)).toEqual([
      [leftCentre, left7, left8],
      [right7, rightCentre],
    ]);
  });
});

describe('PairGrouping.crossLinks', () => {
  // A photo (0) with its small copy (1) in one group, two crops of it (2, 3) in a star of their own,
  // and an unrelated picture (4) that looks a little like the first crop.
  const [photo, small, crop80, crop70, other] = [0, 1, 2, 3, 4];
  const pairs: [number, number, number][] = [
    [photo, small, 0.97],
    [crop80, crop70, 0.95],
    [crop80, photo, 0.9],
    [crop70, small, 0.85],
    [crop80, other, 0.75],
  ];

  it('should link each set to its best match in another group, strongest first, never within its own', () => {
    const grouping = pictureGrouping(5, pairs);
    const groups = [
      { grouping, sets: [{ pictures: [photo, small] }] },
      { grouping, sets: [{ pictures: [crop80, crop70] }] },
      { grouping, sets: [{ pictures: [other] }] },
    ];
    expect(grouping.crossLinks(groups, 0.7, 0)).toEqual([
      [0, 0, 1, 0],
      [1, 0, 0, 0],
      [2, 0, 1, 0],
    ]);
  });

  it('should link nothing for sets numbered by another grouping', () => {
    const grouping = pictureGrouping(5, pairs);
    const stale = [
      { grouping: pictureGrouping(5, pairs), sets: [{ pictures: [photo, small] }] },
      { grouping: pictureGrouping(5, pairs), sets: [{ pictures: [crop80, crop70] }] },
    ];
    expect(grouping.crossLinks(stale, 0.7, 0)).toEqual([]);
  });
});
