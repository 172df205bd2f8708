import type { CopyMatch, DuplicateCopy, DuplicateGroup, DuplicateKind, DuplicateKindFilter, DuplicatesReport } from '../../shared/types';
import { assertDefined } from '../assert';
import { orderByKeeperRule, type KeeperChoice } from '../cleanup/keeper-rules';
import { isInside } from '../library-paths';
import { dot } from '../vectors/vector-search.service';
import type { CopyDetails } from '../store/duplicate.repository';
import { roundScore, type CandidateGroup } from './file-groups';

export interface ReviewOptions {
  readonly kind: DuplicateKindFilter;
  /** Near-duplicate threshold in force: a similarity below it is never shown as a score. */
  readonly threshold: number;
  readonly keep?: KeeperChoice;
  /** Reference folders: their copies are kept first and never counted as space to free. */
  readonly protectedFolders?: readonly string[];
}

export interface ReviewDeps {
  /** The file's details, or null when it is no longer a readable library file. */
  readonly copyDetails: (filePath: string) => CopyDetails | null;
  /** Pairs of contents the user marked "not duplicates", as `pairKey` strings. */
  readonly notDuplicatePairs: () => ReadonlySet<string>;
  /** The content's embedding (unit length), or null when it has none or similarity search is off. */
  readonly embedding: (contentHash: string) => Float32Array | null;
  /** `copyDetails` of many files in one read (100k files one by one took seconds); readable ones only. */
  readonly copyDetailsOf?: (filePaths: readonly string[]) => ReadonlyMap<string, CopyDetails>;
  /** `embedding` of many contents in one read; those that have one only. */
  readonly embeddingsOf?: (contentHashes: readonly string[]) => ReadonlyMap<string, Float32Array>;
}

/** Files reviewed per batch read: bounds the vectors held at once (4 KB each) at a few MB. */
const REVIEW_BATCH_FILES = 2000;

const LOOSENESS: Readonly<Record<CopyMatch, number>> = { keeper: 0, exact: 1, pixel: 2, near: 3 };

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
 */
export class GroupReview {
  readonly #deps: ReviewDeps;

  constructor(deps: ReviewDeps) {
    this.#deps = deps;
  }

  review(candidates: readonly CandidateGroup[], options: ReviewOptions): DuplicatesReport {
    const fileSets = options.kind === 'all' ? mergeOverlapping(candidates) : candidates.map((group) => group.files);
    const against = this.#deps.notDuplicatePairs();
    const isProtected = (copy: CopyDetails): boolean => (options.protectedFolders ?? []).some((folder) => isInside(copy.path, folder));
    const groups: DuplicateGroup[] = [];
    for (const batch of batches(fileSets, REVIEW_BATCH_FILES)) {
      const details = this.#copyDetailsOf(batch.flat());
      const parts: CopyDetails[][] = [];
      for (const files of batch) {
        const copies = [...new Set(files)].flatMap((file) => details.get(file) ?? []);
        // Stable sort: reference copies first, each side still in the keeper rule's order.
        const ordered = orderByKeeperRule(copies, options.keep).sort((a, b) => Number(isProtected(b)) - Number(isProtected(a)));
        for (const part of splitByDecisions(ordered, against)) if (part.length >= 2) parts.push(part);
      }
      const vectorOf = this.#vectorsFor(parts);
      for (const part of parts) groups.push(this.#group(part, options.threshold, isProtected, vectorOf));
    }
    groups.sort(byWastedBytes);
    return { groups, wastedBytes: groups.reduce((sum, group) => sum + group.wasted_bytes, 0) };
  }

  #copyDetailsOf(filePaths: readonly string[]): ReadonlyMap<string, CopyDetails> {
    if (this.#deps.copyDetailsOf) return this.#deps.copyDetailsOf(filePaths);
    const details = new Map<string, CopyDetails>();
    for (const filePath of filePaths) {
      const copy = this.#deps.copyDetails(filePath);
      if (copy) details.set(filePath, copy);
    }
    return details;
  }

  /** The vectors the scores of `parts` need (keepers and their near copies), read at once when the deps can. */
  #vectorsFor(parts: readonly (readonly CopyDetails[])[]): (contentHash: string) => Float32Array | null {
    const batch = this.#deps.embeddingsOf;
    if (!batch) return (contentHash) => this.#deps.embedding(contentHash);
    const wanted = new Set<string>();
    for (const part of parts) {
      const keeper = assertDefined(part[0], 'keeper of a group');
      part.forEach((copy, index) => {
        if (matchOf(copy, keeper, index) !== 'near') return;
        wanted.add(keeper.contentHash);
        wanted.add(copy.contentHash);
      });
    }
    const vectors = wanted.size > 0 ? batch([...wanted]) : new Map<string, Float32Array>();
    return (contentHash) => vectors.get(contentHash) ?? null;
  }

  #group(
    ordered: readonly CopyDetails[],
    threshold: number,
    isProtected: (copy: CopyDetails) => boolean,
    vectorOf: (contentHash: string) => Float32Array | null,
  ): DuplicateGroup {
    const keeper = assertDefined(ordered[0], 'keeper of a group');
    // Read once per group, and only when a copy needs a score against it.
    let keeperVector: Float32Array | null | undefined;
    const similarityToKeeper = (copy: CopyDetails): number | null => {
      keeperVector ??= vectorOf(keeper.contentHash);
      const vector = keeperVector ? vectorOf(copy.contentHash) : null;
      return keeperVector && vector ? Math.max(0, dot(keeperVector, vector)) : null;
    };
    const copies = ordered.map((copy, index): DuplicateCopy => {
      const match = matchOf(copy, keeper, index);
      const similarity = match === 'near' ? similarityToKeeper(copy) : 1;
      const earlier = index > 1 ? ordered.slice(1, index) : [];
      const sameBytes =
        match !== 'exact' && match !== 'keeper' ? earlier.find((other) => other.contentHash === copy.contentHash) : undefined;
      const samePixels =
        match === 'near' && !sameBytes && copy.pixelHash ? earlier.find((other) => other.pixelHash === copy.pixelHash) : undefined;
      const copyOf = sameBytes
        ? { match: 'exact' as const, path: sameBytes.path }
        : samePixels
          ? { match: 'pixel' as const, path: samePixels.path }
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
        score: similarity !== null && similarity >= threshold ? roundScore(similarity) : null,
        ...(copyOf ? { copyOf } : {}),
        protected: isProtected(copy),
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
    };
  }
}

/** `fileSets` in runs of about `files` files (a set is never split). */
function* batches(fileSets: readonly (readonly string[])[], files: number): Generator<(readonly string[])[]> {
  let batch: (readonly string[])[] = [];
  let size = 0;
  for (const set of fileSets) {
    batch.push(set);
    size += set.length;
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

/** Groups that share a file become one (union-find over the files). */
export function mergeOverlapping(groups: readonly CandidateGroup[]): string[][] {
  const parent = new Map<string, string>();
  const find = (file: string): string => {
    let root = file;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    for (let node = file; node !== root;) {
      const next = parent.get(node) ?? root;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const group of groups) {
    for (const file of group.files) if (!parent.has(file)) parent.set(file, file);
    const first = group.files[0];
    if (first === undefined) continue;
    for (const file of group.files.slice(1)) {
      const a = find(first);
      const b = find(file);
      if (a !== b) parent.set(b, a);
    }
  }
  const components = new Map<string, string[]>();
  for (const file of parent.keys()) {
    const root = find(file);
    const component = components.get(root);
    if (component) component.push(file);
    else components.set(root, [file]);
  }
  return [...components.values()];
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

/** The key of an unordered pair of contents. */
export function pairKey(a: string, b: string): string {
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}

function byWastedBytes(a: DuplicateGroup, b: DuplicateGroup): number {
  return b.wasted_bytes - a.wasted_bytes || b.files.length - a.files.length || (a.files[0] ?? '').localeCompare(b.files[0] ?? '');
}
