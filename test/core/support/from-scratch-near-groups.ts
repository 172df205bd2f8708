/**
 * The near-duplicate grouping as it was before the candidate-pair store (commit 473536d), kept
 * verbatim as the reference the new grouping must agree with: every setting searched from scratch.
 */
import { assertDefined } from '../../../src/core/assert';
import { dot, type VectorSearchService } from '../../../src/core/vectors/vector-search.service';
import type { EmbeddingRepository } from '../../../src/core/store/embedding.repository';
import type { DuplicateRepository } from '../../../src/core/store/duplicate.repository';
import type { PictureRow } from '../../../src/core/store/photo.repository';
import type { CandidateGroup } from '../../../src/core/duplicates/file-groups';
import { HammingIndex } from '../../../src/core/duplicates/hamming-index';
import { NEAR_NEIGHBOURS } from '../../../src/core/duplicates/thresholds';

/** Queries per FAISS batch search while grouping: bounds memory, keeps OpenMP busy. */
const QUERY_PAGE = 2048;
/** HNSW search breadth while grouping (the vector bench measured recall@10 >= 0.95 with 32 at 100k). */
const GROUPING_CANDIDATES = 32;

/** Largest hash distance for matches through a rotation or the mirror (keeps MIH probing at radius 1). */
const MAX_TRANSFORM_DISTANCE = 7;

/** Similarity shown for a pair found by perceptual hash: 1 at distance 0, 0.5 at 32 bits. */
function hashSimilarity(distance: number): number {
  return 1 - distance / 64;
}

interface PictureNode {
  readonly contents: PictureRow[];
  readonly pixels: number;
}

/**
 * Near-duplicate groups from two signals — embedding cosine (FAISS k-NN of every photo, batched) OR
 * perceptual-hash distance (multi-index hashing, including the hashes of the rotations and the
 * mirror) — never an all-pairs scan. A "picture" is one pixel-identity class: byte- and pixel-
 * identical files are one node, so they never form a near group of their own.
 */
export class FromScratchNearDuplicates {
  readonly #groups: DuplicateRepository;
  readonly #embeddings: EmbeddingRepository;
  readonly #vectors: VectorSearchService | null;
  readonly #modelId: string | null;
  readonly #log: (line: string) => void;

  constructor(deps: {
    groups: DuplicateRepository;
    embeddings: EmbeddingRepository;
    vectors: VectorSearchService | null;
    modelId: string | null;
    log?: (line: string) => void;
  }) {
    this.#log = deps.log ?? (() => {});
    this.#groups = deps.groups;
    this.#embeddings = deps.embeddings;
    this.#vectors = deps.vectors;
    this.#modelId = deps.modelId;
  }

  /** Groups at one setting, computed from scratch as before the candidate-pair store. */
  groups(threshold: number, hashDistance: number): CandidateGroup[] {
    let started = performance.now();
    const lap = (what: string): void => {
      const now = performance.now();
      this.#log(`near duplicates: ${what} in ${((now - started) / 1000).toFixed(2)} s`);
      started = now;
    };
    const { nodes, nodeOfContent } = this.#pictureNodes();
    lap(`${nodes.length} pictures loaded`);
    const byHash = this.#scoreHashPairs(nodes, hashPairs(nodes, hashDistance));
    lap(`${byHash.length} hash pairs`);
    const byVector = this.#vectorPairs(nodeOfContent, threshold);
    lap(`${byVector.length} embedding pairs`);
    const clusters = starClusters([...byHash, ...byVector], (node) => nodes[node]?.pixels ?? 0);

    const groups: CandidateGroup[] = [];
    for (const cluster of clusters) {
      const files: string[] = [];
      for (const node of [cluster.centre, ...cluster.members.map((member) => member.node)]) {
        for (const content of nodes[node]?.contents ?? []) {
          for (const file of this.#groups.filesOfContent(content.hash)) files.push(file.path);
        }
      }
      if (files.length >= 2) groups.push({ kind: 'near', files });
    }
    lap(`${groups.length} groups`);
    return groups;
  }

  /**
   * Pair scores (which rank the star centres; the scores users see are recomputed against the keeper
   * in `GroupReview`) are embedding cosines where there are embeddings: a hash distance of 0
   * says "same composition", not "same photo" (a q30 re-encode also has distance 0). Pairs matched
   * only through a rotated or mirrored hash keep the hash similarity, since embeddings are not
   * rotation-invariant.
   */
  #scoreHashPairs(nodes: readonly PictureNode[], pairs: readonly HashPair[]): CandidatePair[] {
    const modelId = this.#modelId;
    if (!modelId) return [...pairs];
    const vectorOf = (node: number): Float32Array | null => {
      const content = nodes[node]?.contents[0];
      return content ? this.#embeddings.embedding(content.hash, modelId) : null;
    };
    return pairs.map((pair) => {
      if (pair.viaTransform) return pair;
      const a = vectorOf(pair.a);
      const b = vectorOf(pair.b);
      return a && b ? { ...pair, score: Math.max(0, dot(a, b)) } : pair;
    });
  }

  #pictureNodes(): { nodes: PictureNode[]; nodeOfContent: Map<string, number> } {
    const byKey = new Map<string, number>();
    const nodes: { contents: PictureRow[]; pixels: number }[] = [];
    const nodeOfContent = new Map<string, number>();
    for (const picture of this.#groups.pictures()) {
      const key = picture.pixelHash ?? picture.hash;
      let node = byKey.get(key);
      if (node === undefined) {
        node = nodes.length;
        byKey.set(key, node);
        nodes.push({ contents: [], pixels: 0 });
      }
      const entry = assertDefined(nodes[node], 'picture node');
      entry.contents.push(picture);
      entry.pixels = Math.max(entry.pixels, picture.width * picture.height);
      nodeOfContent.set(picture.hash, node);
    }
    return { nodes, nodeOfContent };
  }

  /**
   * k-NN of every photo through the FAISS index, batched. Candidates are re-scored with the stored
   * vectors, kept here as int8 with a per-vector scale (1 KB a photo; cosine error ~1e-3) as they
   * stream past as queries: re-reading each neighbour's vector from SQLite would cost more than the
   * search itself.
   */
  #vectorPairs(nodeOfContent: ReadonlyMap<string, number>, threshold: number): CandidatePair[] {
    if (!this.#vectors || !this.#modelId) return [];
    const vectors = this.#vectors;
    // The search answers in numbers of ours: each live content's is its place in `hashes`.
    const hashes: string[] = [];
    const numbers = vectors.positionNumbers((contentHash) => hashes.push(contentHash) - 1);
    const quantized = new QuantizedVectors();
    const proposals: { query: number; neighbour: string }[] = [];
    // Each pair is usually proposed from both sides: keep it once.
    const proposed = new Set<string>();
    for (const page of this.#embeddings.liveEmbeddingPages(this.#modelId, QUERY_PAGE)) {
      const dim = page[0]?.vector.length ?? 0;
      const queries = new Float32Array(page.length * dim);
      const ordinals = page.map((item, i) => {
        queries.set(item.vector, i * dim);
        return quantized.add(item.contentHash, item.vector);
      });
      const accept = (q: number, contentHash: string): boolean => {
        const query = page[q]?.contentHash ?? '';
        const key = query < contentHash ? `${query}|${contentHash}` : `${contentHash}|${query}`;
        if (proposed.has(key)) return false;
        proposed.add(key);
        return true;
      };
      // Approximate scores never underestimate, so candidates below the threshold are dropped here;
      // near duplicates are close neighbours, found by a narrower search than "similar photos".
      vectors.neighbours(queries, NEAR_NEIGHBOURS, numbers, {
        minApproximateScore: threshold,
        candidates: GROUPING_CANDIDATES,
        accept: (q, number) => accept(q, hashes[number] ?? ''),
        visit: (q, number) =>
          proposals.push({ query: assertDefined(ordinals[q], 'ordinal of a query vector'), neighbour: hashes[number] ?? '' }),
      });
    }
    const pairs: CandidatePair[] = [];
    for (const { query, neighbour } of proposals) {
      const other = quantized.ordinalOf(neighbour);
      if (other === undefined) continue; // no stored vector (cannot happen for live contents)
      const cosine = quantized.cosine(query, other);
      if (cosine < threshold) continue;
      const a = nodeOfContent.get(quantized.hashOf(query));
      const b = nodeOfContent.get(neighbour);
      if (a !== undefined && b !== undefined && a !== b) pairs.push({ a, b, score: cosine });
    }
    return pairs;
  }
}

/** Unit vectors stored as int8 with one scale each, for fast approximate-exact dot products. */
class QuantizedVectors {
  #data = new Int8Array(0);
  #scales: number[] = [];
  #hashes: string[] = [];
  readonly #ordinals = new Map<string, number>();
  #dim = 0;

  add(contentHash: string, vector: Float32Array): number {
    if (this.#dim === 0) this.#dim = vector.length;
    const ordinal = this.#hashes.length;
    if ((ordinal + 1) * this.#dim > this.#data.length) {
      const bigger = new Int8Array(Math.max(1024, ordinal * 2) * this.#dim);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    let max = 0;
    for (const value of vector) max = Math.max(max, Math.abs(value));
    const scale = max > 0 ? 127 / max : 1;
    const offset = ordinal * this.#dim;
    for (let i = 0; i < vector.length; i++) this.#data[offset + i] = Math.round((vector[i] ?? 0) * scale);
    this.#scales.push(scale);
    this.#hashes.push(contentHash);
    this.#ordinals.set(contentHash, ordinal);
    return ordinal;
  }

  ordinalOf(contentHash: string): number | undefined {
    return this.#ordinals.get(contentHash);
  }

  hashOf(ordinal: number): string {
    return this.#hashes[ordinal] ?? '';
  }

  cosine(a: number, b: number): number {
    const data = this.#data;
    const dim = this.#dim;
    const scaleA = assertDefined(this.#scales[a], 'scale of a quantized vector');
    const scaleB = assertDefined(this.#scales[b], 'scale of a quantized vector');
    // Both ordinals were checked above (one scale per stored vector), so both rows lie within data.
    let sum = 0;
    for (let i = 0, x = a * dim, y = b * dim; i < dim; i++) sum += (data[x + i] ?? 0) * (data[y + i] ?? 0);
    return sum / (scaleA * scaleB);
  }
}

interface HashPair extends CandidatePair {
  /** Found only by the hash of a rotation or the mirror image of one of the two. */
  readonly viaTransform: boolean;
}

/** Pairs of pictures whose hashes (or the hash of one's rotation/mirror) are within `maxDistance`. */
function hashPairs(nodes: readonly { contents: readonly PictureRow[] }[], maxDistance: number): HashPair[] {
  const index = new HammingIndex();
  const nodeOfId: number[] = [];
  nodes.forEach((node, n) => {
    for (const content of node.contents) {
      index.add(content.perceptualHash);
      nodeOfId.push(n);
    }
  });
  const pairs: HashPair[] = [];
  nodes.forEach((node, a) => {
    for (const content of node.contents) {
      for (const hash of [content.perceptualHash, ...content.perceptualHashVariants]) {
        const viaTransform = hash !== content.perceptualHash;
        // A rotated or mirrored copy hashes within a few bits of the transformed original; probing
        // four transforms at radius 2 would cost 8x the probes of radius 1 for little gain.
        const distanceLimit = viaTransform ? Math.min(maxDistance, MAX_TRANSFORM_DISTANCE) : maxDistance;
        for (const { id, distance } of index.neighbours(hash, distanceLimit)) {
          const b = nodeOfId[id];
          if (b === undefined || b === a || (b < a && !viaTransform)) continue; // direct pairs once
          pairs.push({ a: Math.min(a, b), b: Math.max(a, b), score: hashSimilarity(distance), viaTransform });
        }
      }
    }
  });
  return pairs;
}

/**
 * Clustering of near-duplicate candidate pairs without chaining: single-linkage would join A-B-C-…
 * into one group even when A and Z look nothing alike. Instead each group is a star: a centre and
 * only the pictures directly similar to it, so every member is within the threshold of the centre.
 * Centres are taken greedily, best-connected first (ties: the larger picture), the usual greedy
 * approximation of a minimum star cover.
 */

interface CandidatePair {
  readonly a: number;
  readonly b: number;
  /** Similarity in [0, 1]. */
  readonly score: number;
}

interface StarCluster {
  readonly centre: number;
  /** Members other than the centre, with their similarity to it. */
  readonly members: readonly { readonly node: number; readonly score: number }[];
}

function starClusters(pairs: readonly CandidatePair[], tieBreak: (node: number) => number = () => 0): StarCluster[] {
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
