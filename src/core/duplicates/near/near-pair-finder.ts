import { assertDefined } from '../../assert';
import type { DuplicateRepository } from '../../store/duplicate.repository';
import type { EmbeddingRepository } from '../../store/embedding.repository';
import type { PictureRow } from '../../store/photo.repository';
import type { VectorSearchService } from '../../vectors/vector-search.service';
import { KnnProposals } from '../knn-proposals';
import { HashPairSearch } from './near-pair-hashes';
import { scoreFromStore, scorePairs, withoutUseless } from './near-pair-scores';
import {
  LOOSEST_COSINE,
  LOOSEST_HASH_DISTANCE,
  MAX_TRANSFORM_DISTANCE,
  PairBuilder,
  allocateColumns,
  carryPairs,
  type NearPairSet,
  type PairColumns,
} from './near-pairs';
import { quantizedSink, type QuantizedSink } from './quantized-spill';
import { NEAR_NEIGHBOURS } from '../thresholds';

/** Queries per FAISS batch search: bounds memory, keeps OpenMP busy. */
const QUERY_PAGE = 2048;
/** HNSW search breadth while grouping (the vector bench measured recall@10 >= 0.95 with 32 at 100k). */
const GROUPING_CANDIDATES = 32;
/** Bumped when what a pair set holds changes meaning: older sets are recomputed. */
const FORMAT = 2; // 2: `direct` counts the hashes of the pictures' middles
/**
 * Past this share of the library new (or newly embedded), searching every photo again costs little
 * more than searching the new ones, and gives the pairs a from-scratch search gives.
 */
const MAX_UPDATE_SHARE = 0.25;

/** Where the finder reads the library: the same repositories as the engine, on its own connection. */
export interface NearPairSources {
  readonly groups: DuplicateRepository;
  readonly embeddings: EmbeddingRepository;
  /** Null when similarity search is off: hash pairs only. */
  readonly vectors: VectorSearchService | null;
  readonly modelId: string | null;
  readonly log?: (line: string) => void;
  /**
   * True where `vectors` is the search's own (the worker thread's): its index, most of a gigabyte
   * at 1M photos, is freed as soon as the k-NN is done instead of staying loaded while the pairs
   * are built, scored and saved.
   */
  readonly freeIndexWhenSearched?: boolean;
  /**
   * A folder for the search's temporary file (the library folder): the quantized vectors of every
   * photo wait there while the index is loaded. Without one they wait in memory.
   */
  readonly scratchDir?: string;
}

export interface FindPairsOptions {
  /** Called as work advances (`done` of `total` steps) and once with what kind of search it is. */
  readonly onProgress?: (done: number, total: number, mode: 'full' | 'update') => void;
  readonly signal?: AbortSignal;
}

/**
 * What a pair set found with `modelId` is valid for: another model, other search settings or
 * another format make the stored pairs meaningless.
 */
export function pairBasis(modelId: string | null): string {
  return `near-pairs/${FORMAT} model=${modelId ?? '-'} k=${NEAR_NEIGHBOURS} breadth=${GROUPING_CANDIDATES} cos>=${LOOSEST_COSINE} hash<=${LOOSEST_HASH_DISTANCE}/${MAX_TRANSFORM_DISTANCE}`;
}

/**
 * The library's candidate pairs at the loosest setting, brought up to date from `previous`: only
 * the contents added since (or embedded since) are searched, the pairs of contents that are gone are
 * dropped. Everything is searched again when there is no usable previous set (none, another basis,
 * another kind of vector index) or when most of the library is new.
 *
 * A from-scratch search pairs each photo with its nearest neighbours; an update pairs each new photo
 * with its own nearest neighbours only, so a new photo that is among an old photo's 16 nearest but
 * has 16 nearer ones of its own is missed until the next full search. Pairs are candidates: missing
 * one splits a group of more than 16 near-identical photos, never joins unrelated ones.
 */
export function findNearPairs(sources: NearPairSources, previous: NearPairSet | null, options: FindPairsOptions = {}): NearPairSet {
  const log = sources.log ?? (() => {});
  const basis = pairBasis(sources.modelId);
  const withVector = sources.modelId ? sources.groups.contentsWithVector(sources.modelId) : new Set<string>();
  if (previous?.basis === basis) {
    const carried = withoutGone(previous, sources.groups.liveContents(), withVector);
    if (carried) {
      if (carried !== previous) log(`near duplicates: ${previous.contents.length - carried.contents.length} contents gone, nothing new`);
      return carried;
    }
  }
  // In a box, so that a search of every photo can let go of the rows once it has their hashes.
  const read: { pictures: readonly PictureRow[] } = { pictures: sources.groups.pictures() };
  const usable = previous?.basis === basis ? previous : null;
  if (previous && !usable) log(`near-duplicate pairs were found with other settings (${previous.basis}): searching again`);
  if (usable) {
    const plan = planUpdate(usable, read.pictures, withVector);
    if (plan.searched.length === 0 && plan.dropped === 0) return usable;
    const vectors = sources.modelId === null ? null : sources.vectors;
    const searchesVectors = vectors !== null && plan.searched.some((p) => withVector.has(p.hash));
    const indexKind = searchesVectors ? vectors.kind : usable.indexKind;
    // A set found through another kind of index (the library outgrew the last one) is searched again.
    const sameIndex = usable.indexKind === '' || indexKind === usable.indexKind;
    if (!sameIndex) log(`the vector index changed kind (${usable.indexKind} to ${indexKind}): searching every photo again`);
    if (sameIndex && plan.searched.length <= Math.max(1000, read.pictures.length * MAX_UPDATE_SHARE)) {
      return updatePairs(sources, usable, plan, { withVector, indexKind }, options);
    }
  }
  return allPairs(sources, basis, read, withVector, options);
}

/**
 * `previous` less the contents gone, when nothing else changed (no content new, none newly given
 * a vector): what a clean-up leaves. Read from the live content hashes alone: every picture's row,
 * with its rotations' hashes, took a second at 100k photos of the first answer after a clean-up.
 * `previous` itself when nothing changed; null when something needs a search.
 */
function withoutGone(previous: NearPairSet, live: readonly string[], withVector: ReadonlySet<string>): NearPairSet | null {
  const position = new Map<string, number>();
  previous.contents.forEach((hash, p) => position.set(hash, p));
  const alive = new Uint8Array(previous.contents.length);
  for (const hash of live) {
    const p = position.get(hash);
    if (p === undefined || (previous.withVector[p] === 0 && withVector.has(hash))) return null;
    alive[p] = 1;
  }
  if (live.length === previous.contents.length) return previous;
  const renumber = new Int32Array(previous.contents.length).fill(-1);
  const contents: string[] = [];
  previous.contents.forEach((hash, p) => {
    if (alive[p]) renumber[p] = contents.push(hash) - 1;
  });
  const withVectorKept = Uint8Array.from(contents, (hash) => previous.withVector[position.get(hash) ?? 0] ?? 0);
  const pairs = carryPairs(previous, renumber, allocateColumns(0));
  return { basis: previous.basis, indexKind: previous.indexKind, contents, withVector: withVectorKept, ...pairs };
}

interface UpdatePlan {
  /** Contents in their new order: the previous set's live ones, then the new ones. */
  readonly contents: readonly PictureRow[];
  /** Previous position → new position, -1 for a content gone or searched again. */
  readonly renumber: Int32Array;
  /** Contents to search (new, or with a vector they did not have): positions in `contents`. */
  readonly searched: readonly PictureRow[];
  readonly searchedPositions: readonly number[];
  readonly dropped: number;
}

function planUpdate(previous: NearPairSet, pictures: readonly PictureRow[], withVector: ReadonlySet<string>): UpdatePlan {
  const live = new Map(pictures.map((picture) => [picture.hash, picture]));
  const renumber = new Int32Array(previous.contents.length).fill(-1);
  const contents: PictureRow[] = [];
  const searched: PictureRow[] = [];
  const searchedPositions: number[] = [];
  const known = new Set<string>();
  let dropped = 0;
  previous.contents.forEach((hash, p) => {
    const picture = live.get(hash);
    if (!picture) {
      dropped += 1;
      return;
    }
    known.add(hash);
    const position = contents.length;
    contents.push(picture);
    if (previous.withVector[p] === 0 && withVector.has(hash)) {
      searched.push(picture);
      searchedPositions.push(position);
    } else {
      renumber[p] = position;
    }
  });
  for (const picture of pictures) {
    if (known.has(picture.hash)) continue;
    searchedPositions.push(contents.length);
    contents.push(picture);
    searched.push(picture);
  }
  return { contents, renumber, searched, searchedPositions, dropped };
}

/**
 * Searches every content: the same pairs, at the loosest setting, as grouping from scratch found.
 * Empties `read`: past the hash join only the content hashes are kept (each picture's row, with
 * its rotations' and mirror's hashes, took ~0.5 GB at 1M photos through the whole search).
 */
function allPairs(
  sources: NearPairSources,
  basis: string,
  read: { pictures: readonly PictureRow[] },
  withVector: ReadonlySet<string>,
  options: FindPairsOptions,
): NearPairSet {
  const lap = lapTimer(sources.log);
  const vectorCount = sources.vectors && sources.modelId ? sources.embeddings.liveEmbeddingCount(sources.modelId) : 0;
  const contents = read.pictures.map((picture) => picture.hash);
  const total = contents.length + vectorCount;
  const progress = (done: number): void => options.onProgress?.(done, total, 'full');
  progress(0);
  const builder = new PairBuilder();
  const hashes = new HashPairSearch(read.pictures);
  read.pictures = [];
  hashes.allPairs(builder, (fraction) => {
    options.signal?.throwIfAborted();
    progress(Math.round(contents.length * fraction));
  });
  lap(`hash pairs of ${contents.length} pictures (${builder.size} found)`);
  const position = new Map(contents.map((hash, p) => [hash, p]));
  const { vectors, modelId } = sources;
  const searchesVectors = vectors !== null && modelId !== null && vectorCount > 0;
  const indexKind = searchesVectors ? vectors.kind : '';
  const slotOf = new Int32Array(contents.length).fill(-1);
  const store: { sink: QuantizedSink | null } = { sink: null };
  try {
    if (searchesVectors) {
      searchAllNeighbours(vectors, sources.embeddings, modelId, {
        position,
        onVector: (p, vector) => {
          store.sink ??= quantizedSink(sources.scratchDir, vector.length, vectorCount, sources.log ?? (() => {}));
          slotOf[p] = store.sink.add(vector);
        },
        onNeighbour: (x, y, approximate) => builder.neighbour(x, y, approximate),
        onPage: (done) => progress(contents.length + done),
        signal: options.signal,
      });
      if (sources.freeIndexWhenSearched) vectors.reload();
      lap(`nearest neighbours of ${vectorCount} vectors`);
    }
    position.clear();
    let columns: PairColumns | null = builder.build((a, b) => hashes.distance(a, b));
    // Read back once the index is freed: the quantized vectors and the index are never in memory together.
    let quantized = store.sink?.finish() ?? null;
    if (quantized) scorePairs(columns, quantized, (p) => slotOf[p] ?? -1, 0, columns.count);
    quantized = null;
    const kept = withoutUseless(columns);
    columns = null; // the unfiltered columns go before the caller builds anything more
    lap(`${kept.count} candidate pairs`);
    return {
      basis,
      indexKind,
      contents,
      withVector: Uint8Array.from(contents, (hash) => (withVector.has(hash) ? 1 : 0)),
      ...kept,
    };
  } finally {
    store.sink?.discard();
  }
}

/**
 * k-NN of every live vector through the index, batched, each pair proposed once: a candidate is
 * skipped when it already proposed the query (it came first, in content-hash order), so that the
 * query's 16 slots go to others — exactly as grouping from scratch always did.
 */
function searchAllNeighbours(
  vectors: VectorSearchService,
  embeddings: EmbeddingRepository,
  modelId: string,
  run: {
    readonly position: ReadonlyMap<string, number>;
    readonly onVector: (position: number, vector: Float32Array) => void;
    readonly onNeighbour: (x: number, y: number, approximate: number) => void;
    readonly onPage: (done: number) => void;
    readonly signal: AbortSignal | undefined;
  },
): void {
  // Candidates come back as positions in this set: no content-hash lookups per candidate.
  const numbers = vectors.positionNumbers((contentHash) => run.position.get(contentHash));
  const proposals = new KnnProposals(run.position.size);
  let done = 0;
  for (const rows of embeddings.liveEmbeddingPages(modelId, QUERY_PAGE)) {
    run.signal?.throwIfAborted();
    // A content indexed since the pictures were read (an index run commits meanwhile) waits for the
    // next update: it has no position in this set.
    const page = rows.filter((item) => run.position.has(item.contentHash));
    done += rows.length;
    if (page.length === 0) continue;
    const dim = page[0]?.vector.length ?? 0;
    const queries = new Float32Array(page.length * dim);
    const positions = page.map((item, i) => {
      queries.set(item.vector, i * dim);
      const p = assertDefined(run.position.get(item.contentHash), 'position of a live vector');
      run.onVector(p, item.vector);
      return p;
    });
    // Pages come in content-hash order, which is position order: later positions are queried later.
    const last = positions[positions.length - 1] ?? -1;
    proposals.startPage(positions);
    // Approximate scores never underestimate, so candidates below the loosest threshold are dropped
    // here; near duplicates are close neighbours, found by a narrower search than "similar photos".
    vectors.neighbours(queries, NEAR_NEIGHBOURS, numbers, {
      minApproximateScore: LOOSEST_COSINE,
      candidates: GROUPING_CANDIDATES,
      accept: (q, y) => proposals.propose(positions[q] ?? -1, y, y > last),
      visit: (q, y, score) => run.onNeighbour(positions[q] ?? -1, y, score),
    });
    run.onPage(done);
  }
}

/** Searches only the contents `plan` names, and carries the other pairs over. */
function updatePairs(
  sources: NearPairSources,
  previous: NearPairSet,
  plan: UpdatePlan,
  found: { readonly withVector: ReadonlySet<string>; readonly indexKind: string },
  options: FindPairsOptions,
): NearPairSet {
  const lap = lapTimer(sources.log);
  const { vectors, modelId } = sources;
  const hashOf = (p: number): string => plan.contents[p]?.hash ?? '';
  const searchedVectors = vectors && modelId ? plan.searchedPositions.filter((p) => found.withVector.has(hashOf(p))) : [];
  const total = plan.searched.length + searchedVectors.length;
  const progress = (done: number): void => options.onProgress?.(done, total, 'update');
  progress(0);
  const builder = new PairBuilder();
  const hashes = new HashPairSearch(plan.contents);
  hashes.pairsOf(plan.searchedPositions, builder, (fraction) => {
    options.signal?.throwIfAborted();
    progress(Math.round(plan.searched.length * fraction));
  });
  lap(`hash pairs of ${plan.searched.length} new pictures`);
  if (vectors && modelId && searchedVectors.length > 0) {
    const position = new Map(plan.contents.map((picture, p) => [picture.hash, p]));
    const numbers = vectors.positionNumbers((contentHash) => position.get(contentHash));
    const proposals = new KnnProposals(plan.contents.length);
    const rank = new Int32Array(plan.contents.length).fill(-1);
    searchedVectors.forEach((p, r) => {
      rank[p] = r;
    });
    for (let start = 0; start < searchedVectors.length; start += QUERY_PAGE) {
      options.signal?.throwIfAborted();
      const end = Math.min(searchedVectors.length, start + QUERY_PAGE);
      const stored = sources.embeddings.embeddingsOf(searchedVectors.slice(start, end).map(hashOf), modelId);
      const positions = searchedVectors.slice(start, end).filter((p) => stored.has(hashOf(p)));
      if (positions.length === 0) continue;
      const dim = stored.values().next().value?.length ?? 0;
      const queries = new Float32Array(positions.length * dim);
      positions.forEach((p, i) => queries.set(assertDefined(stored.get(hashOf(p)), 'stored vector of a new content'), i * dim));
      proposals.startPage(positions);
      vectors.neighbours(queries, NEAR_NEIGHBOURS, numbers, {
        minApproximateScore: LOOSEST_COSINE,
        candidates: GROUPING_CANDIDATES,
        accept: (q, y) => proposals.propose(positions[q] ?? -1, y, (rank[y] ?? -1) >= end),
        visit: (q, y, score) => builder.neighbour(positions[q] ?? -1, y, score),
      });
      progress(plan.searched.length + end);
    }
    if (sources.freeIndexWhenSearched) vectors.reload();
    lap(`nearest neighbours of ${searchedVectors.length} new vectors`);
  }
  const added = builder.build((a, b) => hashes.distance(a, b));
  if (vectors && modelId) scoreFromStore(added, plan.contents, sources.embeddings, modelId);
  const pairs = carryPairs(previous, plan.renumber, withoutUseless(added));
  lap(`${pairs.count} candidate pairs (${added.count} new, ${plan.dropped} contents gone)`);
  return {
    basis: previous.basis,
    indexKind: found.indexKind,
    contents: plan.contents.map((picture) => picture.hash),
    withVector: Uint8Array.from(plan.contents, (picture) => (found.withVector.has(picture.hash) ? 1 : 0)),
    ...pairs,
  };
}

function lapTimer(log: ((line: string) => void) | undefined): (what: string) => void {
  let started = performance.now();
  return (what) => {
    const now = performance.now();
    // Resident memory of the whole process (this thread shares it): where a search's peak comes from.
    log?.(
      `near duplicates: ${what} in ${((now - started) / 1000).toFixed(2)} s (process memory ${Math.round(process.memoryUsage.rss() / 2 ** 20)} MiB)`,
    );
    started = now;
  };
}
