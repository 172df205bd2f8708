import { setImmediate } from 'node:timers/promises';
import type { CopyMatch, DuplicateCopy, DuplicateGroup, DuplicateKind, DuplicateKindFilter, DuplicatesReport } from '../../shared/types';
import { assertDefined } from '../assert';
import { orderByKeeperRule, type DerivedFrom, type KeeperChoice } from '../cleanup/keeper-rules';
import { isInside } from '../library-paths';
import type { CopyDetails, DuplicateRepository } from '../store/duplicate.repository';
import type { EmbeddingRepository } from '../store/embedding.repository';
import { roundScore, type CandidateGroup } from './file-groups';
import { FileNumbers } from './file-sets';
import { QuantizedVectors } from './quantized-vectors';

export interface ReviewOptions {
  readonly kind: DuplicateKindFilter;
  /** Near-duplicate threshold in force: a similarity below it is never shown as a score. */
  readonly threshold: number;
  readonly keep?: KeeperChoice;
  /** Reference folders: their copies are kept first and never counted as space to free. */
  readonly protectedFolders?: readonly string[];
}

export interface ReviewDeps {
  /** The details of these files, by path: the readable library files among them only. */
  readonly copyDetailsOf: (filePaths: readonly string[]) => ReadonlyMap<string, CopyDetails>;
  /** Pairs of contents the user marked "not duplicates", as `pairKey` strings. */
  readonly notDuplicatePairs: () => ReadonlySet<string>;
  /** The embeddings (unit length) of these contents: those that have one, none when similarity search is off. */
  readonly embeddingsOf: (contentHashes: readonly string[]) => ReadonlyMap<string, Float32Array>;
  /**
   * Which contents were made from which (a crop, a scale, an edit), by content hash: the keeper rules
   * put a source before what was made from it. None known when absent. A change to it is a change
   * of the library (`invalidate`): the answers kept do not ask again.
   */
  readonly derivedFrom?: DerivedFrom;
}

/** Files reviewed per batch read: one SQLite query of details and one of vectors for each. */
const REVIEW_BATCH_FILES = 2000;
/** Sets of files looked up per step among the last answer's groups. */
const STEP_SETS = 5000;
/**
 * How long `reviewInSteps` runs before it gives the event loop a turn: long enough that the turns
 * cost nothing, short enough that a newer request (or a thumbnail) is not kept waiting.
 */
const STEP_MS = 20;

const LOOSENESS: Readonly<Record<CopyMatch, number>> = { keeper: 0, exact: 1, pixel: 2, near: 3 };
/** Why a copy is in its group, before the near-pair check says more of a near copy (see NearVerifier). */
const COPY_REASONS: Readonly<Record<CopyMatch, string>> = {
  keeper: 'the copy to keep',
  exact: 'same bytes',
  pixel: 'same pixels, other file',
  near: 'same picture, edited',
};
const GROUP_REASONS: Readonly<Record<CopyMatch, string>> = {
  keeper: 'one file',
  exact: 'same bytes',
  pixel: 'same pixels',
  near: 'same picture, edited',
};

/**
 * Turns the finders' candidate groups into the groups a user reviews, the same for the CLI, the UI
 * and clean-up:
 * - with kind "all", groups that share a file are one group (an exact pair inside a near group is
 *   part of it, its copies marked as byte copies), so every file is in one group only;
 * - groups are split where the user said "not duplicates";
 * - copies are ordered by the keeper rule (reference-folder copies first), so the suggested keeper
 *   is the one clean-up keeps, whichever kind is viewed;
 * - each copy says how it matches the keeper, and its score is its similarity to the keeper, shown
 *   only where it reaches the threshold in force;
 * - the space to free counts each file (each inode) once.
 *
 * What it reads (each file's details, each content's vector, each copy's similarity to its keeper)
 * it keeps, the details until the library changes (`invalidate`): moving a slider regroups the same
 * files, and its answer must not wait for 100k rows and their vectors to be read again. Vectors are kept as
 * int8 (1 KB a photo; cosine error ~1e-3, as the near-duplicate pair search scores pairs).
 */
export class GroupReview {
  readonly #deps: ReviewDeps;
  /** Details by path; null for a file that is not a readable library file. */
  readonly #details = new Map<string, CopyDetails | null>();
  /** The vectors read so far, and the slot of each content's (-1: it has none). */
  #vectors: QuantizedVectors | null = null;
  readonly #slotOf = new Map<string, number>();
  /** Similarity of two slots, by `slotPairKey`. */
  readonly #similarities = new Map<number, number>();
  /**
   * The last answer's groups (scores not yet held to a threshold) by their sorted files, and the
   * review choices they were made with.
   */
  #answered = new Map<string, readonly DuplicateGroup[]>();
  #answeredContext = '';
  /** The numbers of the files seen: the last answer's groups are found again by them. */
  #numbers = new FileNumbers();

  constructor(deps: ReviewDeps) {
    this.#deps = deps;
  }

  /**
   * The library changed: the files' details are read again when next needed. A content's vector
   * (and so the similarity of two contents) cannot change: a content is its bytes, and a library has
   * one model. They are kept, so that the first answer after a clean-up or an index run reads only
   * the rows of the files, not their 100k vectors again (a content that left keeps its 1 KB).
   */
  invalidate(): void {
    this.#details.clear();
    this.#dropAnswers();
  }

  /**
   * Only these files changed (a clean-up moved them, an undo put them back): their details are read
   * again, the others' are kept. At 100k grouped photos that is the difference between reading
   * 100k rows before the first answer after a clean-up and reading the few that moved.
   */
  forget(filePaths: readonly string[]): void {
    for (const filePath of filePaths) this.#details.delete(filePath);
    this.#dropAnswers();
  }

  /** The last answer's groups were made of what changed: the next answer is reviewed afresh. */
  #dropAnswers(): void {
    this.#answered = new Map();
    this.#numbers = new FileNumbers();
  }

  review(candidates: readonly CandidateGroup[], options: ReviewOptions): DuplicatesReport {
    const steps = this.#steps(candidates, options);
    for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
  }

  /**
   * As `review`, giving the event loop a turn about every {@link STEP_MS} and stopping there, with
   * the signal's reason, once `signal` is aborted (a newer request replaced this one). A review
   * stopped half way keeps what it read (details, vectors) and leaves the last answer as it was.
   */
  async reviewInSteps(candidates: readonly CandidateGroup[], options: ReviewOptions, signal?: AbortSignal): Promise<DuplicatesReport> {
    signal?.throwIfAborted();
    const steps = this.#steps(candidates, options);
    let since = performance.now();
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      if (signal && performance.now() - since >= STEP_MS) {
        await setImmediate();
        signal.throwIfAborted();
        since = performance.now();
      }
    }
  }

  /** The review, yielding between its steps (a batch of files read and reviewed, a run of groups reused). */
  *#steps(candidates: readonly CandidateGroup[], options: ReviewOptions): Generator<void, DuplicatesReport> {
    const fileSets = options.kind === 'all' ? this.#numbers.merged(candidates) : this.#numbers.sets(candidates);
    yield;
    const against = this.#deps.notDuplicatePairs();
    const folders = options.protectedFolders ?? [];
    const isProtected = (copy: CopyDetails): boolean => folders.length > 0 && folders.some((folder) => isInside(copy.path, folder));
    // A set of files reviewed for the last answer, with the same keeper rule, reference folders and
    // "not duplicates" marks, is reviewed alike: the groups a slider step leaves as they were are
    // not reviewed again.
    const context = JSON.stringify([options.keep ?? null, folders, [...against].sort()]);
    const previous = context === this.#answeredContext ? this.#answered : new Map<string, readonly DuplicateGroup[]>();
    const answered = new Map<string, readonly DuplicateGroup[]>();
    const unseen: { key: string; files: readonly string[] }[] = [];
    for (let i = 0; i < fileSets.length; i++) {
      const set = fileSets[i];
      if (!set) continue;
      const known = previous.get(set.key);
      if (known) answered.set(set.key, known);
      else unseen.push({ key: set.key, files: set.ids.map((id) => this.#numbers.pathOf(id)) });
      if (i % STEP_SETS === STEP_SETS - 1) yield;
    }
    for (const batch of batches(unseen, REVIEW_BATCH_FILES)) {
      this.#readDetails(batch.flatMap((set) => set.files));
      const partsOf = batch.map(({ key, files }) => {
        const copies = files.flatMap((file) => this.#details.get(file) ?? []);
        // Reference copies first, each side still in the keeper rule's order.
        const byRule = orderByKeeperRule(copies, options.keep, { derivedFrom: this.#deps.derivedFrom });
        const ordered = folders.length > 0 ? [...byRule.filter(isProtected), ...byRule.filter((copy) => !isProtected(copy))] : byRule;
        return { key, parts: splitByDecisions(ordered, against).filter((part) => part.length >= 2) };
      });
      this.#readVectors(partsOf.flatMap(({ parts }) => parts));
      for (const { key, parts } of partsOf) {
        const reviewed = parts.map((part) => this.#group(part, isProtected));
        answered.set(key, reviewed);
      }
      yield;
    }
    const groups: DuplicateGroup[] = [];
    for (const reviewed of answered.values()) for (const group of reviewed) groups.push(atThreshold(group, options.threshold));
    yield;
    // Only the groups of this answer are kept: two answers' worth at most.
    this.#answered = answered;
    this.#answeredContext = context;
    groups.sort(byWastedBytes);
    return { groups, wastedBytes: groups.reduce((sum, group) => sum + group.wasted_bytes, 0) };
  }

  /** Reads the details of the files not read yet, in one go. */
  #readDetails(filePaths: readonly string[]): void {
    const missing = filePaths.filter((filePath) => !this.#details.has(filePath));
    if (missing.length === 0) return;
    const read = this.#deps.copyDetailsOf(missing);
    for (const filePath of missing) this.#details.set(filePath, read.get(filePath) ?? null);
  }

  /** Reads, in one go, the vectors not read yet that the scores of `parts` need (keepers and their near copies). */
  #readVectors(parts: readonly (readonly CopyDetails[])[]): void {
    const wanted = new Set<string>();
    for (const part of parts) {
      const keeper = assertDefined(part[0], 'keeper of a group');
      part.forEach((copy, index) => {
        if (matchOf(copy, keeper, index) !== 'near') return;
        if (!this.#slotOf.has(keeper.contentHash)) wanted.add(keeper.contentHash);
        if (!this.#slotOf.has(copy.contentHash)) wanted.add(copy.contentHash);
      });
    }
    if (wanted.size === 0) return;
    const read = this.#deps.embeddingsOf([...wanted]);
    for (const hash of wanted) {
      const vector = read.get(hash);
      if (vector) this.#vectors ??= new QuantizedVectors(vector.length, read.size);
      this.#slotOf.set(hash, vector && this.#vectors ? this.#vectors.add(vector) : -1);
    }
  }

  /** Similarity of two contents' vectors (read by `#readVectors`), null when either has none. */
  #similarity(a: string, b: string): number | null {
    const slotA = this.#slotOf.get(a) ?? -1;
    const slotB = this.#slotOf.get(b) ?? -1;
    if (slotA < 0 || slotB < 0 || !this.#vectors) return null;
    const key = slotPairKey(slotA, slotB);
    let similarity = this.#similarities.get(key);
    if (similarity === undefined) {
      similarity = Math.max(0, this.#vectors.cosine(slotA, slotB));
      this.#similarities.set(key, similarity);
    }
    return similarity;
  }

  /** A group as reviewed, each near copy's score its similarity to the keeper whatever the threshold (see `atThreshold`). */
  #group(ordered: readonly CopyDetails[], isProtected: (copy: CopyDetails) => boolean): DuplicateGroup {
    const keeper = assertDefined(ordered[0], 'keeper of a group');
    // The first copy after the keeper with each content and each picture: what a later copy repeats.
    const firstOfContent = new Map<string, string>();
    const firstOfPicture = new Map<string, string>();
    const copies = ordered.map((copy, index): DuplicateCopy => {
      const match = matchOf(copy, keeper, index);
      const similarity = match === 'near' ? this.#similarity(keeper.contentHash, copy.contentHash) : 1;
      const sameBytes = match !== 'exact' && match !== 'keeper' ? firstOfContent.get(copy.contentHash) : undefined;
      const samePixels = match === 'near' && !sameBytes && copy.pixelHash ? firstOfPicture.get(copy.pixelHash) : undefined;
      if (index > 0) {
        if (!firstOfContent.has(copy.contentHash)) firstOfContent.set(copy.contentHash, copy.path);
        if (copy.pixelHash && !firstOfPicture.has(copy.pixelHash)) firstOfPicture.set(copy.pixelHash, copy.path);
      }
      const copyOf = sameBytes
        ? { match: 'exact' as const, path: sameBytes }
        : samePixels
          ? { match: 'pixel' as const, path: samePixels }
          : undefined;
      return {
        path: copy.path,
        size: copy.size,
        width: copy.width,
        height: copy.height,
        format: copy.format,
        takenAt: copy.takenAt,
        camera: copy.camera,
        mtimeMs: copy.mtimeMs,
        match,
        score: similarity !== null ? roundScore(similarity) : null,
        ...(copyOf ? { copyOf } : {}),
        protected: isProtected(copy),
        reason: COPY_REASONS[copyOf?.match ?? match],
      };
    });
    // Hard links to one inode take the space once; the keeper's inode and reference copies stay.
    const sizeOfInode = new Map<string, number>();
    for (const copy of ordered) sizeOfInode.set(copy.inode, copy.size);
    const staying = new Set([keeper.inode, ...ordered.filter(isProtected).map((copy) => copy.inode)]);
    let bytes = 0;
    let wasted = 0;
    for (const [inode, size] of sizeOfInode) {
      bytes += size;
      if (!staying.has(inode)) wasted += size;
    }
    const loosest = copies.reduce<CopyMatch>((worst, copy) => (LOOSENESS[copy.match] > LOOSENESS[worst] ? copy.match : worst), 'exact');
    return {
      kind: loosest as DuplicateKind,
      files: copies.map((copy) => copy.path),
      copies,
      bytes,
      wasted_bytes: wasted,
      reason: GROUP_REASONS[loosest],
    };
  }
}

/** The review of a library: its files' details, its vectors of `modelId` (none without a model), the user's "not duplicates" marks. */
export function libraryReview(
  groups: DuplicateRepository,
  embeddings: EmbeddingRepository,
  modelId: string | null,
  notDuplicatePairs: () => ReadonlySet<string>,
  derivedFrom?: DerivedFrom,
): GroupReview {
  return new GroupReview({
    copyDetailsOf: (filePaths) => groups.copyDetailsOf(filePaths),
    embeddingsOf: (contentHashes) => (modelId ? embeddings.embeddingsOf(contentHashes, modelId) : new Map()),
    notDuplicatePairs,
    ...(derivedFrom ? { derivedFrom } : {}),
  });
}

/** A reviewed group with the scores under `threshold` hidden: a similarity below it is never shown. */
function atThreshold(group: DuplicateGroup, threshold: number): DuplicateGroup {
  if (group.copies.every((copy) => copy.score === null || copy.score >= threshold)) return group;
  return {
    ...group,
    copies: group.copies.map((copy) => (copy.score !== null && copy.score < threshold ? { ...copy, score: null } : copy)),
  };
}

/** `fileSets` in runs of about `files` files (a set is never split). */
function* batches<T extends { readonly files: readonly string[] }>(fileSets: readonly T[], files: number): Generator<T[]> {
  let batch: T[] = [];
  let size = 0;
  for (const set of fileSets) {
    batch.push(set);
    size += set.files.length;
    if (size >= files) {
      yield batch;
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

function matchOf(copy: CopyDetails, keeper: CopyDetails, index: number): CopyMatch {
  if (index === 0) return 'keeper';
  if (copy.contentHash === keeper.contentHash) return 'exact';
  if (copy.pixelHash !== null && copy.pixelHash === keeper.pixelHash) return 'pixel';
  return 'near';
}

/** Groups that share a file become one (union-find over the files, numbered as first seen). */
export function mergeOverlapping(groups: readonly CandidateGroup[]): string[][] {
  const numbers = new FileNumbers();
  return numbers.merged(groups).map((set) => set.ids.map((id) => numbers.pathOf(id)));
}

/**
 * Splits an ordered group so that no two contents marked "not duplicates" share a part. Copies go,
 * in keeper order, into the first part with nothing against them, so the keeper's part stays whole
 * and the split never depends on row order. A content marked against itself (byte copies the user
 * keeps on purpose) leaves the group.
 */
function splitByDecisions(ordered: readonly CopyDetails[], against: ReadonlySet<string>): CopyDetails[][] {
  if (against.size === 0) return [[...ordered]];
  const parts: CopyDetails[][] = [];
  for (const copy of ordered) {
    if (against.has(pairKey(copy.contentHash, copy.contentHash))) continue;
    const part = parts.find((candidates) => candidates.every((other) => !against.has(pairKey(copy.contentHash, other.contentHash))));
    if (part) part.push(copy);
    else parts.push([copy]);
  }
  return parts;
}

/** Slots below this make a pair key that is an exact integer (2^26 x 2^26 < 2^53). */
const SLOT_SPAN = 2 ** 26;

/** The key of an unordered pair of vector slots. */
function slotPairKey(a: number, b: number): number {
  return a < b ? a * SLOT_SPAN + b : b * SLOT_SPAN + a;
}

/** The key of an unordered pair of contents. */
export function pairKey(a: string, b: string): string {
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}

function byWastedBytes(a: DuplicateGroup, b: DuplicateGroup): number {
  const first = a.files[0] ?? '';
  const other = b.files[0] ?? '';
  return b.wasted_bytes - a.wasted_bytes || b.files.length - a.files.length || (first < other ? -1 : first > other ? 1 : 0);
}
