import type { DuplicateRepository } from '../../store/duplicate.repository';
import type { CandidateGroup, NumberedSets, ShotGroup } from '../file-groups';
import { StarClustering, type NodePairs, type StarCluster } from './near-duplicate-clusters';
import { MAX_TRANSFORM_DISTANCE, NO_DISTANCE, hashSimilarity, type PairColumns } from './near-pairs';

/**
 * What grouping needs besides the pairs, read once per library change: which picture (pixel-
 * identity class) each content is, and the files of each content. Files are one string with end
 * offsets: a million paths move between threads as one copy, and only the grouped ones become
 * strings of their own.
 */
export interface GroupingView {
  /** Picture of each content (by its position in the pair set), -1 for a content with no readable file. */
  readonly pictureOf: Int32Array;
  readonly pictureCount: number;
  /** Every picture, larger first (most pixels among its contents), then by number: who centres a star on ties. */
  readonly byTieBreak: Int32Array;
  /** Contents of picture p: contentsOfPicture[pictureStart[p] … pictureStart[p + 1]), content-hash order. */
  readonly pictureStart: Uint32Array;
  readonly contentsOfPicture: Uint32Array;
  /** Files of content c: files fileStart[c] … fileStart[c + 1], path order. */
  readonly fileStart: Uint32Array;
  /** File f is paths.slice(pathEnd[f - 1] ?? 0, pathEnd[f]). */
  readonly paths: string;
  readonly pathEnd: Uint32Array;
}

/**
 * Reads the grouping view for the contents of a pair set. Pictures are numbered in content-hash
 * order of their first content, as grouping from scratch numbered them (star centres tie-break on it).
 */
export function loadGroupingView(groups: DuplicateRepository, contents: readonly string[]): GroupingView {
  const position = new Map<string, number>();
  contents.forEach((hash, p) => position.set(hash, p));
  const pictureOf = new Int32Array(contents.length).fill(-1);
  const pictureOfKey = new Map<string, number>();
  const pixelsOf: number[] = [];
  const members: number[][] = [];
  for (const [hash, pixelHash, pixels] of groups.pictureKeys()) {
    const p = position.get(hash);
    if (p === undefined) continue; // readable since the pairs were found: grouped from the next update on
    const key = pixelHash ?? hash;
    let picture = pictureOfKey.get(key);
    if (picture === undefined) {
      picture = members.length;
      pictureOfKey.set(key, picture);
      members.push([]);
      pixelsOf.push(0);
    }
    pictureOf[p] = picture;
    members[picture]?.push(p);
    pixelsOf[picture] = Math.max(pixelsOf[picture] ?? 0, pixels);
  }
  const pictureStart = new Uint32Array(members.length + 1);
  members.forEach((list, picture) => {
    pictureStart[picture + 1] = (pictureStart[picture] ?? 0) + list.length;
  });
  const contentsOfPicture = Uint32Array.from(members.flat());

  const files = groups.liveFilePaths();
  const fileStart = new Uint32Array(contents.length + 1);
  for (const [hash] of files) {
    const p = position.get(hash);
    if (p !== undefined) fileStart[p + 1] = (fileStart[p + 1] ?? 0) + 1;
  }
  for (let p = 0; p < contents.length; p++) fileStart[p + 1] = (fileStart[p + 1] ?? 0) + (fileStart[p] ?? 0);
  const ordered: string[] = new Array<string>(fileStart[contents.length] ?? 0);
  const next = fileStart.slice(0, contents.length);
  for (const [hash, filePath] of files) {
    const p = position.get(hash);
    if (p === undefined) continue;
    const at = next[p] ?? 0;
    ordered[at] = filePath;
    next[p] = at + 1;
  }
  const pathEnd = new Uint32Array(ordered.length);
  let length = 0;
  ordered.forEach((filePath, f) => {
    length += filePath.length;
    pathEnd[f] = length;
  });
  const byTieBreak = Int32Array.from({ length: members.length }, (_, p) => p).sort(
    (x, y) => (pixelsOf[y] ?? 0) - (pixelsOf[x] ?? 0) || x - y,
  );
  return {
    pictureOf,
    pictureCount: members.length,
    byTieBreak,
    pictureStart,
    contentsOfPicture,
    fileStart,
    paths: ordered.join(''),
    pathEnd,
  };
}

/** The buffers of a view, for `postMessage` transfer lists. */
export function groupingViewBuffers(view: GroupingView): ArrayBuffer[] {
  return [view.pictureOf, view.byTieBreak, view.pictureStart, view.contentsOfPicture, view.fileStart, view.pathEnd].map(
    (array) => array.buffer as ArrayBuffer,
  );
}

/**
 * Near-duplicate groups at any setting from one library's pairs and view: the pairs that match at
 * the setting, between pictures, star clustered, with the files of each picture. A pair matches when
 * its embedding similarity reaches `threshold` or its hashes are within `hashDistance` (through a
 * rotation or the mirror, within min(hashDistance, 7)). Its score ranks star members: the embedding
 * cosine where there are vectors (a hash distance of 0 says "same composition", not "same photo"),
 * the hash similarity for a match through a rotation or the mirror (embeddings are not rotation-
 * invariant) or without vectors.
 *
 * What does not depend on the setting (each pair's pictures, its score as a hash match, the
 * pictures' tie-break order) is worked out once here; each setting is then two passes over typed
 * arrays and a clustering whose buffers are reused.
 */
export class PairGrouping {
  readonly #view: GroupingView;
  readonly #pairs: GroupingPairs;
  #clustering: StarClustering | null = null;
  #matched: NodePairsBuffer | null = null;
  /** The setting `#matched` holds the pairs of (`threshold|hashDistance`), null before the first. */
  #matchedAt: string | null = null;
  #partners: ClosestPartners | null = null;

  /** Cheap: the buffers are made by the first `groups` call, not on the thread's way to receiving a search result. */
  constructor(pairs: GroupingPairs, view: GroupingView) {
    this.#view = view;
    this.#pairs = pairs;
  }

  groups(threshold: number, hashDistance: number, options: { readonly starsOnly?: boolean } = {}): CandidateGroup[] {
    const matched = this.#match(threshold, hashDistance);
    this.#clustering ??= new StarClustering(this.#view.pictureCount, this.#view.byTieBreak);
    const view = this.#view;
    const stars = this.#clustering.clusters(matched);
    const clusters = options.starsOnly ? stars : withBestMatches(stars, matched, view.pictureCount);
    const partners = (this.#partners ??= new ClosestPartners(view.pictureCount)).find(clusters, matched);
    const groups: CandidateGroup[] = [];
    for (const cluster of clusters) {
      const files: string[] = [];
      const pictures: number[] = [];
      const add = (picture: number): void => {
        partners.placeAt(picture, files.length);
        for (let c = view.pictureStart[picture] ?? 0; c < (view.pictureStart[picture + 1] ?? 0); c++) {
          const content = view.contentsOfPicture[c] ?? 0;
          for (let f = view.fileStart[content] ?? 0; f < (view.fileStart[content + 1] ?? 0); f++) {
            files.push(view.paths.slice(f > 0 ? (view.pathEnd[f - 1] ?? 0) : 0, view.pathEnd[f] ?? 0));
            pictures.push(picture);
          }
        }
      };
      add(cluster.centre);
      for (const member of cluster.members) add(member.node);
      if (files.length < 2) continue;
      // With two pictures, the one pair is the centre's: checked anyway.
      const closest = cluster.members.length >= 2 ? partners.pairsOf(cluster) : [];
      groups.push({ kind: 'near', files, closest, pictures: { grouping: this, numbers: pictures } });
    }
    return groups;
  }

  /**
   * Similar shots joined across the check's groups along each shot's best match. Grouping moved
   * each picture to its best match, but a burst frame's best match is often its own copy, one set
   * with it after the check, and its next best (the other frame of its burst, the other camera of a
   * stereo pair) may sit in another star. Here a set's best match is a picture outside the set;
   * when it lies in another group and scores above the set's match with its own group's centre,
   * the two groups become one: a shot then stays with the one it resembles most without leaving
   * the ones it was grouped with (moving it instead split as many bursts as it joined on the
   * eval's tuning half). Strongest links first; two groups join only while the result holds at
   * most MAX_SHOT_GROUP sets, so that look-alikes do not chain into one endless group. Scores are
   * those of `groups` at the same setting. Returns the groups as lists of [group, set] positions
   * into `shots`; groups numbered by another grouping (the library changed since) stay as they were.
   */
  regroupShots(shots: readonly ShotGroup[], threshold: number, hashDistance: number): [number, number][][] {
    const { refs, groupOf, best, bestScore, toCentre } = this.#bestMatches(shots, threshold, hashDistance, false);
    const links: number[] = [];
    for (let x = 0; x < refs.length; x++) {
      const y = best[x] ?? -1;
      if (y >= 0 && groupOf[x] !== groupOf[y] && (bestScore[x] ?? -1) > (toCentre[x] ?? -1)) links.push(x);
    }
    links.sort((x, y) => (bestScore[y] ?? 0) - (bestScore[x] ?? 0) || x - y);
    const parent = shots.map((_, g) => g);
    const size = shots.map((group) => group.sets.length);
    const root = (g: number): number => (parent[g] === g ? g : (parent[g] = root(parent[g] ?? g)));
    for (const x of links) {
      const a = root(groupOf[x] ?? 0);
      const b = root(groupOf[best[x] ?? 0] ?? 0);
      if (a === b || (size[a] ?? 0) + (size[b] ?? 0) > MAX_SHOT_GROUP) continue;
      parent[Math.max(a, b)] = Math.min(a, b);
      size[Math.min(a, b)] = (size[a] ?? 0) + (size[b] ?? 0);
    }
    const joined = new Map<number, [number, number][]>();
    refs.forEach((ref, x) => {
      const g = root(groupOf[x] ?? 0);
      const list = joined.get(g) ?? [];
      list.push(ref);
      joined.set(g, list);
    });
    return [...joined.values()];
  }

  /**
   * The check's groups matched against each other at a setting, as `regroupShots` and `crossLinks`
   * weigh them: each set's best-scoring match among the other sets (`outsideGroup`: only those of
   * other groups), its score in steps, and its best match with its own group's centre set.
   */
  #bestMatches(
    groups: readonly NumberedSets[],
    threshold: number,
    hashDistance: number,
    outsideGroup: boolean,
  ): { refs: [number, number][]; groupOf: number[]; best: Int32Array; bestScore: Int32Array; toCentre: Int32Array } {
    const setOf = new Int32Array(this.#view.pictureCount).fill(-1);
    let numbered = 0;
    const refs: [number, number][] = [];
    const groupOf: number[] = [];
    const centreOf: number[] = [];
    groups.forEach((group, g) => {
      const first = refs.length;
      group.sets.forEach((set, s) => {
        // Numbered by another grouping: the sets keep their group, with no pairs to weigh.
        if (group.grouping === this) {
          for (const picture of set.pictures) setOf[picture] = refs.length;
          numbered += set.pictures.length;
        }
        refs.push([g, s]);
        groupOf.push(g);
        centreOf.push(first);
      });
    });
    const best = new Int32Array(refs.length).fill(-1);
    const bestScore = new Int32Array(refs.length).fill(-1);
    const toCentre = new Int32Array(refs.length).fill(-1);
    if (numbered > 0) {
      const matched = this.#match(threshold, hashDistance);
      const offer = (x: number, y: number, score: number): void => {
        if (centreOf[x] === y) toCentre[x] = Math.max(toCentre[x] ?? -1, score);
        // Ties to the lower set, so that the answer does not depend on the pairs' order.
        if (score > (bestScore[x] ?? -1) || (score === bestScore[x] && y < (best[x] ?? 0))) {
          bestScore[x] = score;
          best[x] = y;
        }
      };
      for (let i = 0; i < matched.count; i++) {
        const x = setOf[matched.a[i] ?? 0] ?? -1;
        const y = setOf[matched.b[i] ?? 0] ?? -1;
        if (x < 0 || y < 0 || x === y || (outsideGroup && groupOf[x] === groupOf[y])) continue;
        const score = stepCount(matched.score[i] ?? 0);
        offer(x, y, score);
        offer(y, x, score);
      }
    }
    return { refs, groupOf, best, bestScore, toCentre };
  }

  /**
   * For the sets the check made of its groups, each set's best match in another group, as
   * `[group, set, other group, other set]`, strongest first (ties by position): the links
   * NearVerifier weighs to join copies that star clustering put in different groups.
   */
  crossLinks(groups: readonly NumberedSets[], threshold: number, hashDistance: number): [number, number, number, number][] {
    const { refs, best, bestScore } = this.#bestMatches(groups, threshold, hashDistance, true);
    const linked: number[] = [];
    for (let x = 0; x < refs.length; x++) if ((best[x] ?? -1) >= 0) linked.push(x);
    linked.sort((x, y) => (bestScore[y] ?? 0) - (bestScore[x] ?? 0) || x - y);
    return linked.map((x) => {
      const [g = 0, s = 0] = refs[x] ?? [];
      const [h = 0, t = 0] = refs[best[x] ?? 0] ?? [];
      return [g, s, h, t];
    });
  }

  /**
   * The pairs that match at a setting, each with its score (see `groups`), in a buffer reused from
   * call to call; the same setting asked again (the similar shots' regrouping after their groups)
   * is answered from the buffer.
   */
  #match(threshold: number, hashDistance: number): NodePairsBuffer {
    const turnedLimit = Math.min(hashDistance, MAX_TRANSFORM_DISTANCE);
    const { count: total } = this.#pairs;
    const matched = (this.#matched ??= { count: 0, a: new Int32Array(total), b: new Int32Array(total), score: new Float32Array(total) });
    const setting = `${threshold}|${hashDistance}`;
    if (this.#matchedAt === setting) return matched;
    const { count: pairCount, a, b, knn, hashScore, direct: directs, turned: turneds } = this.#pairs;
    let count = 0;
    for (let i = 0; i < pairCount; i++) {
      let best = -1;
      const similarity = knn[i] ?? NaN;
      if (similarity >= threshold) best = similarity;
      if ((directs[i] ?? NO_DISTANCE) <= hashDistance) best = Math.max(best, hashScore[i] ?? 0);
      const turned = turneds[i] ?? NO_DISTANCE;
      if (turned <= turnedLimit) best = Math.max(best, hashSimilarity(turned));
      if (best < 0) continue;
      matched.a[count] = a[i] ?? 0;
      matched.b[count] = b[i] ?? 0;
      matched.score[count] = best;
      count += 1;
    }
    matched.count = count;
    this.#matchedAt = setting;
    return matched;
  }
}

/**
 * How many of a member's closest fellow members the picture check compares it with, besides the
 * centre: a copy of a burst frame, an edit of an edited copy, is one of its source's closest
 * matches by the embedding or the hash. Not always the closest: pages of one template are as
 * close to each other as a page to its 95 % crop. On the eval's tuning half, copies found among
 * members were 86, 88, 89 and 90 of 91 with 2, 3, 4 and 8 partners (90 checking every pair); 8
 * costs as much as every pair in a group of 16 and grows with the group, not its square: a group
 * of 36 look-alikes took 630 checks (15 s) checked pair by pair.
 */
export const CLOSEST_PARTNERS = 8;

/**
 * The most pictures `regroupShots` puts in one similar-shots group by joining groups: twice the
 * NEAR_NEIGHBOURS (16) a star is built from, a few seconds of a phone's burst mode. Past it, look-
 * alikes that are not one moment (a font's letters, one template's slides) would chain into one
 * group of hundreds, reviewed one at a time. A group the check left bigger is not split.
 */
export const MAX_SHOT_GROUP = 32;

/**
 * Each grouped picture's CLOSEST_PARTNERS best-scoring matched pictures within its own group, in
 * buffers kept from one slider step to the next (one pass over the matched pairs), sized by the
 * grouped pictures: 72 bytes each, 4 a picture besides.
 */
export class ClosestPartners {
  /** Each grouped picture's slot in the arrays below, -1 for the others (the only array as long as the library). */
  readonly #slotOf: Int32Array;
  /** The pictures given slots by the last `find`, in slot order. */
  readonly #touched: number[] = [];
  // By slot: the picture's group, where its first file is in the group's files, its partners (pictures) and their scores.
  #group = new Int32Array(0);
  #fileAt = new Int32Array(0);
  #partner = new Int32Array(0);
  /** Scores in steps of 1e-4 (see `steps`), as integers: compared exactly, cheaply. */
  #score = new Int32Array(0);

  constructor(nodeCount: number) {
    this.#slotOf = new Int32Array(nodeCount).fill(-1);
  }

  find(clusters: readonly StarCluster[], pairs: NodePairs): this {
    const slotOf = this.#slotOf;
    // Only what the last call set is reset: a slider step costs the grouped pictures, not the library.
    for (const node of this.#touched) slotOf[node] = -1;
    this.#touched.length = 0;
    const grouped = clusters.reduce((sum, cluster) => sum + 1 + cluster.members.length, 0);
    if (this.#group.length < grouped) {
      this.#group = new Int32Array(grouped);
      this.#fileAt = new Int32Array(grouped);
      this.#partner = new Int32Array(grouped * CLOSEST_PARTNERS);
      this.#score = new Int32Array(grouped * CLOSEST_PARTNERS);
    }
    this.#partner.fill(-1, 0, grouped * CLOSEST_PARTNERS);
    const place = (node: number, k: number): void => {
      slotOf[node] = this.#touched.length;
      this.#group[this.#touched.length] = k;
      this.#touched.push(node);
    };
    clusters.forEach((cluster, k) => {
      place(cluster.centre, k);
      for (const member of cluster.members) place(member.node, k);
    });
    const group = this.#group;
    const { a: pairA, b: pairB, score: pairScore } = pairs;
    for (let i = 0; i < pairs.count; i++) {
      const nodeA = pairA[i] ?? 0;
      const nodeB = pairB[i] ?? 0;
      const a = slotOf[nodeA] ?? -1;
      const b = slotOf[nodeB] ?? -1;
      if (a < 0 || b < 0 || a === b || group[a] !== group[b]) continue;
      const score = stepCount(pairScore[i] ?? 0);
      this.#offer(a, nodeB, score);
      this.#offer(b, nodeA, score);
    }
    return this;
  }

  /** Notes where `node`'s first file is in the files of the group being listed. */
  placeAt(node: number, fileIndex: number): void {
    const slot = this.#slotOf[node] ?? -1;
    if (slot >= 0) this.#fileAt[slot] = fileIndex;
  }

  /**
   * The group's pairs of members each among the other's closest or one of them (not the centre),
   * each once, as flat pairs of indexes into its files (see `placeAt`).
   */
  pairsOf(cluster: StarCluster): number[] {
    const pairs: number[] = [];
    for (const { node } of cluster.members) {
      for (const other of this.of(node)) {
        // From the lower picture when each lists the other; none with the centre: every member is checked against it anyway.
        if (other === cluster.centre || (node > other && this.#holds(this.#slotOf[other] ?? -1, node))) continue;
        pairs.push(this.#fileAt[this.#slotOf[node] ?? 0] ?? 0, this.#fileAt[this.#slotOf[other] ?? 0] ?? 0);
      }
    }
    return pairs;
  }

  /** The partners of `node` found by the last `find`, closest first. */
  of(node: number): number[] {
    const slot = this.#slotOf[node] ?? -1;
    const found: number[] = [];
    for (let k = 0; slot >= 0 && k < CLOSEST_PARTNERS; k++) {
      const partner = this.#partner[slot * CLOSEST_PARTNERS + k] ?? -1;
      if (partner < 0) break;
      found.push(partner);
    }
    return found;
  }

  #holds(slot: number, partner: number): boolean {
    for (let k = 0; slot >= 0 && k < CLOSEST_PARTNERS; k++) if (this.#partner[slot * CLOSEST_PARTNERS + k] === partner) return true;
    return false;
  }

  /**
   * Keeps `partner` among the closest of the picture in `slot` when it scores higher (`score` in
   * steps of 1e-4; ties: the lower picture, whatever the pairs' order).
   */
  #offer(slot: number, partner: number, score: number): void {
    const base = slot * CLOSEST_PARTNERS;
    // Most offers lose to a full list: one comparison with its last before anything else.
    const last = this.#partner[base + CLOSEST_PARTNERS - 1] ?? -1;
    const lastScore = this.#score[base + CLOSEST_PARTNERS - 1] ?? 0;
    if (last >= 0 && (score < lastScore || (score === lastScore && partner > last))) return;
    if (this.#holds(slot, partner)) return; // a pair listed twice (the pairs hold one row per content pair) counts once
    let at = CLOSEST_PARTNERS;
    for (let k = CLOSEST_PARTNERS - 1; k >= 0; k--) {
      const held = this.#partner[base + k] ?? -1;
      const heldScore = this.#score[base + k] ?? 0;
      if (held < 0 || score > heldScore || (score === heldScore && partner < held)) at = k;
      else break;
    }
    if (at >= CLOSEST_PARTNERS) return;
    for (let k = CLOSEST_PARTNERS - 1; k > at; k--) {
      this.#partner[base + k] = this.#partner[base + k - 1] ?? -1;
      this.#score[base + k] = this.#score[base + k - 1] ?? 0;
    }
    this.#partner[base + at] = partner;
    this.#score[base + at] = score;
  }
}

interface NodePairsBuffer {
  count: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly score: Float32Array;
}

/**
 * The pairs between two different pictures, as grouping reads them: pictures instead of contents,
 * and each pair's score as a hash match worked out once (not per slider move).
 */
export interface GroupingPairs {
  readonly count: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** See NearPairSet.knn. */
  readonly knn: Float64Array;
  /** Score of the pair when its hashes match directly: the vectors' cosine, or the hash similarity without vectors. */
  readonly hashScore: Float32Array;
  readonly direct: Uint8Array;
  readonly turned: Uint8Array;
}

export function groupingPairs(pairs: PairColumns, view: GroupingView): GroupingPairs {
  const pictures = (i: number): [number, number] => [view.pictureOf[pairs.a[i] ?? 0] ?? -1, view.pictureOf[pairs.b[i] ?? 0] ?? -1];
  let count = 0;
  for (let i = 0; i < pairs.count; i++) {
    const [a, b] = pictures(i);
    if (a >= 0 && b >= 0 && a !== b) count += 1;
  }
  const out = {
    count,
    a: new Int32Array(count),
    b: new Int32Array(count),
    knn: new Float64Array(count),
    hashScore: new Float32Array(count),
    direct: new Uint8Array(count),
    turned: new Uint8Array(count),
  };
  let o = 0;
  for (let i = 0; i < pairs.count; i++) {
    const [a, b] = pictures(i);
    if (a < 0 || b < 0 || a === b) continue; // the same picture: never a near group of its own
    const direct = pairs.direct[i] ?? NO_DISTANCE;
    const cosine = pairs.cosine[i] ?? NaN;
    out.a[o] = a;
    out.b[o] = b;
    out.knn[o] = pairs.knn[i] ?? NaN;
    out.hashScore[o] = Number.isNaN(cosine) ? hashSimilarity(direct) : Math.max(0, cosine);
    out.direct[o] = direct;
    out.turned[o] = pairs.turned[i] ?? NO_DISTANCE;
    o += 1;
  }
  return out;
}

export function groupingPairsBuffers(pairs: GroupingPairs): ArrayBuffer[] {
  return [pairs.a, pairs.b, pairs.knn, pairs.hashScore, pairs.direct, pairs.turned].map((array) => array.buffer as ArrayBuffer);
}

/**
 * Stars, each picture then moved to the star of the picture it resembles most. Greedy stars hand a
 * picture to the first centre it is near, often another frame of its burst or another page of its
 * template, while its own original sits in another star: the check (near-verifier.ts) compares
 * only within a group, so the copy would never meet its original. Here a member whose best match
 * lies in another star, closer than its own centre, joins that star; a picture no star took (its
 * neighbours all were taken when its turn came) joins its best match's star. Members of a star
 * may then be under the threshold from its centre: the check decides each pair anyway.
 */
export function withBestMatches(clusters: readonly StarCluster[], pairs: NodePairs, nodeCount: number): StarCluster[] {
  const best = new Int32Array(nodeCount).fill(-1);
  const bestScore = new Float32Array(nodeCount).fill(-1);
  for (let i = 0; i < pairs.count; i++) {
    const a = pairs.a[i] ?? 0;
    const b = pairs.b[i] ?? 0;
    const score = steps(pairs.score[i] ?? 0);
    if (a === b) continue;
    // Ties to the lower node, so that the answer does not depend on the pairs' order.
    if (score > (bestScore[a] ?? -1) || (score === bestScore[a] && b < (best[a] ?? 0))) {
      bestScore[a] = score;
      best[a] = b;
    }
    if (score > (bestScore[b] ?? -1) || (score === bestScore[b] && a < (best[b] ?? 0))) {
      bestScore[b] = score;
      best[b] = a;
    }
  }
  const starOf = new Int32Array(nodeCount).fill(-1);
  const toCentre = new Float32Array(nodeCount);
  const isCentre = new Uint8Array(nodeCount);
  clusters.forEach((cluster, k) => {
    starOf[cluster.centre] = k;
    isCentre[cluster.centre] = 1; // a centre stays while its star has members: the star is built around it
    for (const member of cluster.members) {
      starOf[member.node] = k;
      toCentre[member.node] = member.score;
    }
  });
  // One pass, each move seen by the next: a copy and its original's other copy, each in the
  // other's star, would otherwise swap places and never meet.
  const joined = new Uint8Array(nodeCount);
  for (let node = 0; node < nodeCount; node++) {
    const match = best[node] ?? -1;
    if (match < 0 || isCentre[node]) continue;
    const own = starOf[node] ?? -1;
    const theirs = starOf[match] ?? -1;
    if (theirs < 0 || theirs === own) continue;
    const score = bestScore[node] ?? 0;
    if (own >= 0 && score <= steps(toCentre[node] ?? 0)) continue;
    starOf[node] = theirs;
    toCentre[node] = score;
    joined[node] = 1;
  }
  const size = new Int32Array(clusters.length);
  for (let node = 0; node < nodeCount; node++) {
    const k = starOf[node] ?? -1;
    if (!isCentre[node] && k >= 0) size[k] = (size[k] ?? 0) + 1;
  }
  // A centre all of whose members left follows its best match (there is one: it had members).
  clusters.forEach((cluster, k) => {
    if ((size[k] ?? 0) > 0) return;
    const theirs = starOf[best[cluster.centre] ?? -1] ?? -1;
    if (theirs < 0 || theirs === k) return;
    starOf[cluster.centre] = theirs;
    toCentre[cluster.centre] = bestScore[cluster.centre] ?? 0;
    isCentre[cluster.centre] = 0;
    joined[cluster.centre] = 1;
  });
  const joiners: { node: number; score: number }[][] = clusters.map(() => []);
  for (let node = 0; node < nodeCount; node++) if (joined[node]) joiners[starOf[node] ?? 0]?.push({ node, score: toCentre[node] ?? 0 });
  return clusters.flatMap((cluster, k) => {
    if (starOf[cluster.centre] !== k) return [];
    const members = [...cluster.members.filter((member) => starOf[member.node] === k && !joined[member.node]), ...(joiners[k] ?? [])];
    return members.length > 0 ? [{ centre: cluster.centre, members }] : [];
  });
}

/**
 * A score in steps of 1e-4: cosines computed two ways (FAISS in float32, a dot product in double)
 * differ in their last bits, and the best match of a picture with two equally close neighbours
 * (copies of one picture) must not depend on that. Equal steps go to the lower node.
 */
function steps(score: number): number {
  return stepCount(score) / 10_000;
}

/** A score as its whole number of 1e-4 steps (see `steps`): what `ClosestPartners` keeps, as an integer. */
function stepCount(score: number): number {
  return Math.round(score * 10_000);
}
