import { KEEPER_RULES, type KeeperRule } from '../../shared/types';
import { InvalidArgumentError } from '../errors';
import { isInside } from '../library-paths';

export { KEEPER_RULES, type KeeperRule } from '../../shared/types';

/** What the keeper rules look at, for each copy in a group. */
export interface KeeperCandidate {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Upright pixel dimensions. */
  readonly width: number;
  readonly height: number;
  /** EXIF capture time as the camera wrote it (`2024-07-14T10:11:12`), or null. */
  readonly takenAt: string | null;
  /** Camera make and model from EXIF, or null. */
  readonly camera: string | null;
  /** Format as indexed: `jpeg`, `heic`, `raw+jpeg` (a RAW file, seen through its preview), `png`, `tiff`, `webp`, … */
  readonly format: string;
  /** Hash of the bytes: copies that share it are byte copies. */
  readonly contentHash: string;
  /** Hash of the decoded pixels, or null: copies that share it show the same picture. */
  readonly pixelHash: string | null;
}

export interface KeeperChoice {
  readonly rule: KeeperRule;
  /** For `in-folder`: copies under this folder are kept first. */
  readonly folder?: string;
}

/**
 * Whether the picture of content `derived` was made from the picture of content `source` (both
 * content hashes): a crop, a downscale, an upscale or another edit of it. Asked only of contents of
 * one group whose pixels differ; what it says of a content holds for every copy with its pixels.
 */
export type DerivedFrom = (derived: string, source: string) => boolean;

/** What is known of a group beyond each copy's own facts. */
export interface KeeperFacts {
  /** Which contents were made from which (the near-pair verification's verdicts); none known without it. */
  readonly derivedFrom?: DerivedFrom;
}

/** A candidate with the facts the rules compare, worked out once per group (a sort asks for them again and again). */
interface Entry<T extends KeeperCandidate> {
  readonly candidate: T;
  /** Its picture: the copies with its pixels (or, without a pixel hash, its bytes). */
  readonly picture: string;
  /** Pixels it can claim: an apparent upscale claims no more than the camera file it matches (see `claimedPixels`). */
  readonly pixels: number;
  /** How many of the camera's facts it carries: capture time, camera. */
  readonly metadata: number;
  readonly formatRank: number;
  /** The largest file of its picture in its kind of format (DEFAULT_ORDER, rule 4). */
  readonly pictureBytes: number;
  /** Capture time when the camera wrote one, else the file time (see `captureTime`): worked out when first compared. */
  time: string | undefined;
}

type Compare = (a: Entry<KeeperCandidate>, b: Entry<KeeperCandidate>) => number;

/**
 * Formats by how close they are to what the camera wrote: a RAW file (its sensor data are more than
 * the preview the index sees of it), then the formats cameras and phones write, then every format an
 * editor exports (PNG, TIFF, WebP, GIF, AVIF, …), made from one of those.
 */
const RAW_FORMATS: ReadonlySet<string> = new Set(['raw+jpeg']);
const CAMERA_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'heic', 'heif']);
const formatRank = (format: string): number => (RAW_FORMATS.has(format) ? 0 : CAMERA_FORMATS.has(format) ? 1 : 2);
const FORMAT_KINDS = 3;

const byResolution: Compare = (a, b) => b.pixels - a.pixels;
const byMetadata: Compare = (a, b) => b.metadata - a.metadata;
const byFormat: Compare = (a, b) => a.formatRank - b.formatRank;
const byPictureBytes: Compare = (a, b) => b.pictureBytes - a.pictureBytes;
const byLargest: Compare = (a, b) => b.candidate.size - a.candidate.size;
const bySmallest: Compare = (a, b) => -byLargest(a, b);
const byOldest: Compare = (a, b) => compareText(captureTime(a), captureTime(b)) || a.candidate.mtimeMs - b.candidate.mtimeMs;
const byShortestPath: Compare = (a, b) => a.candidate.path.length - b.candidate.path.length;
const byPathText: Compare = (a, b) => compareText(a.candidate.path, b.candidate.path);

/**
 * The default order: what a careful person keeps when nothing else is asked. Used alone for
 * `highest-resolution` (the default rule), and to break every other rule's ties. Each rule is where
 * it is because of what it can tell apart that the ones after it cannot:
 *
 * 0. (Before these, in `sourcesFirst`: a source before every copy `derivedFrom` says was made from
 *    it. A crop lost the rest of the picture, a downscale its detail, an upscale only invents pixels:
 *    a derived copy is never kept over its source, however many pixels or bytes it has.)
 * 1. Resolution: a copy with fewer pixels has lost detail for good. Pixels that were only made up
 *    do not count: a copy with no camera metadata, larger than a member that has it and of that
 *    member's shape, is taken for an upscale of it and claims that member's pixels, so it cannot win
 *    on size alone (the next rule then keeps the camera file). Copies of one picture all tie here.
 * 2. Camera metadata (capture time, camera; GPS is not indexed): at equal detail, the copy that still
 *    says when and with what it was taken cannot be rebuilt from the others, while exports and
 *    messengers strip it. Before the format: a PNG that kept the EXIF holds more than a stripped JPEG.
 * 3. Format: RAW, then the camera's JPEG/HEIC, then exports (PNG/TIFF/WebP/…). At equal pixels and
 *    metadata the camera's own file is the original and the export was made from it: a lossless
 *    export of a JPEG is bigger and holds nothing more.
 * 4. Between two different pictures still tied (same resolution, metadata and format: a re-encode),
 *    the one stored in more bytes is the less compressed. Measured per picture (the largest file of
 *    its pixels in its kind of format), so it never tells apart copies of one picture.
 * 5. The smallest file: only copies of one picture in one kind of format are left tied, and their
 *    pixels are the same, so the bigger file only costs space (e.g. one re-packed less tightly).
 * 6. The oldest capture, then file time: originals predate their copies.
 * 7. The shortest path: copies tend to live deeper ("Backup/Old phone/Copy of …").
 * 8. The path's text, so the choice never depends on the order rows came out of SQLite.
 *
 * Byte copies tie on rules 0-5 in any group (their facts are the same), so rules 6-8, which look at
 * each copy alone, order them: alike in every view (exact, pixel, all), as the review needs.
 */
const DEFAULT_ORDER: readonly Compare[] = [
  byResolution,
  byMetadata,
  byFormat,
  byPictureBytes,
  bySmallest,
  byOldest,
  byShortestPath,
  byPathText,
];

const DEFAULT_CHOICE: KeeperChoice = { rule: 'highest-resolution' };

/** The chosen rule's own order, null for `highest-resolution`: the default order is that rule. */
function ruleOrder(choice: KeeperChoice): Compare | null {
  switch (choice.rule) {
    case 'highest-resolution':
      return null;
    case 'largest':
      return byLargest;
    case 'smallest':
      return bySmallest;
    case 'oldest':
      return byOldest;
    case 'newest':
      return (a, b) => -byOldest(a, b);
    case 'shortest-path':
      return byShortestPath;
    case 'in-folder': {
      const folder = choice.folder;
      if (!folder) throw new InvalidArgumentError('The in-folder keeper rule needs a folder (--keep-folder DIR)');
      const inside = (entry: Entry<KeeperCandidate>): number => (isInside(entry.candidate.path, folder) ? 0 : 1);
      return (a, b) => inside(a) - inside(b);
    }
    default:
      return choice.rule satisfies never;
  }
}

/**
 * Orders a group's copies best keeper first, by the chosen rule and then the default order (see
 * DEFAULT_ORDER). `facts.derivedFrom` puts a source before what was made from it in the default
 * order; a rule the user chose still comes first.
 * @example orderByKeeperRule(copies, { rule: 'in-folder', folder: '/photos/best' })[0] // the copy to keep
 */
export function orderByKeeperRule<T extends KeeperCandidate>(
  copies: readonly T[],
  choice: KeeperChoice = DEFAULT_CHOICE,
  facts: KeeperFacts = {},
): T[] {
  const rule = ruleOrder(choice);
  const byDefault = sourcesFirst(
    entriesOf(copies).sort((a, b) => firstDifference(DEFAULT_ORDER, a, b)),
    facts.derivedFrom,
  );
  if (!rule) return byDefault.map((entry) => entry.candidate);
  const rank = new Map(byDefault.map((entry, index) => [entry, index]));
  return byDefault.sort((a, b) => rule(a, b) || (rank.get(a) ?? 0) - (rank.get(b) ?? 0)).map((entry) => entry.candidate);
}

export function isKeeperRule(value: string): value is KeeperRule {
  return (KEEPER_RULES as readonly string[]).includes(value);
}

function entriesOf<T extends KeeperCandidate>(copies: readonly T[]): Entry<T>[] {
  const withCamera = copies.filter((copy) => metadataOf(copy) > 0);
  // The largest file of each picture, per kind of format (FORMAT_KINDS slots).
  const largestOf = new Map<string, number[]>();
  for (const copy of copies) {
    const picture = pictureOf(copy);
    const largest = largestOf.get(picture) ?? new Array<number>(FORMAT_KINDS).fill(0);
    const kind = formatRank(copy.format);
    largest[kind] = Math.max(largest[kind] ?? 0, copy.size);
    largestOf.set(picture, largest);
  }
  return copies.map((candidate) => {
    const picture = pictureOf(candidate);
    const kind = formatRank(candidate.format);
    return {
      candidate,
      picture,
      pixels: claimedPixels(candidate, withCamera),
      metadata: metadataOf(candidate),
      formatRank: kind,
      pictureBytes: largestOf.get(picture)?.[kind] ?? candidate.size,
      time: candidate.takenAt ?? undefined,
    };
  });
}

/** Capture time when the camera wrote one, else the file time: ISO strings compare as text. */
function captureTime(entry: Entry<KeeperCandidate>): string {
  entry.time ??= new Date(entry.candidate.mtimeMs).toISOString().slice(0, 19);
  return entry.time;
}

/** Its picture: its pixel hash, or without one its content hash (the two never collide: different digests of different data). */
function pictureOf(copy: KeeperCandidate): string {
  return copy.pixelHash ?? copy.contentHash;
}

function metadataOf(copy: KeeperCandidate): number {
  return (copy.takenAt !== null ? 1 : 0) + (copy.camera !== null ? 1 : 0);
}

/**
 * The pixels a copy can claim. A copy without camera metadata that is larger than a copy with it,
 * and of the same shape, looks like an upscale of it (upscalers and editors drop the EXIF): it claims
 * the pixels of the largest such camera copy, no more. Until the near-pair verification says which
 * picture was made from which (`DerivedFrom`), this is what the review can tell from the facts it has.
 */
function claimedPixels(copy: KeeperCandidate, withCamera: readonly KeeperCandidate[]): number {
  const pixels = copy.width * copy.height;
  if (metadataOf(copy) > 0) return pixels;
  let claimed = 0;
  for (const camera of withCamera) {
    const cameraPixels = camera.width * camera.height;
    if (cameraPixels < pixels && cameraPixels > claimed && sameShape(copy, camera)) claimed = cameraPixels;
  }
  return claimed > 0 ? claimed : pixels;
}

/** Same aspect ratio, up to the rounding of the sides of a scaled copy (half a pixel each). */
function sameShape(larger: KeeperCandidate, smaller: KeeperCandidate): boolean {
  return Math.abs(larger.width * smaller.height - larger.height * smaller.width) <= smaller.width + smaller.height;
}

/**
 * `ordered` with every copy moved after the copies of the pictures it was made from, otherwise in
 * its order: each step takes the first copy whose sources are all placed. Where the relation goes
 * round in circles (no copy is free), the first copy left goes next.
 */
function sourcesFirst<T extends KeeperCandidate>(ordered: Entry<T>[], derivedFrom: DerivedFrom | undefined): Entry<T>[] {
  if (!derivedFrom) return ordered;
  // Each picture's contents; `derivedFrom` is asked of each pair of contents of two pictures, and
  // what it says of one content holds for every copy of its picture.
  const contentsOf = new Map<string, Set<string>>();
  for (const entry of ordered) {
    const contents = contentsOf.get(entry.picture) ?? new Set<string>();
    contents.add(entry.candidate.contentHash);
    contentsOf.set(entry.picture, contents);
  }
  const sourcesOf = new Map<string, string[]>();
  for (const [picture, contents] of contentsOf) {
    for (const [other, otherContents] of contentsOf) {
      if (other === picture) continue;
      const derived = [...contents].some((content) => [...otherContents].some((source) => derivedFrom(content, source)));
      if (derived) sourcesOf.set(picture, [...(sourcesOf.get(picture) ?? []), other]);
    }
  }
  if (sourcesOf.size === 0) return ordered;
  const unplaced = new Map<string, number>();
  for (const entry of ordered) unplaced.set(entry.picture, (unplaced.get(entry.picture) ?? 0) + 1);
  const left = [...ordered];
  const placed: Entry<T>[] = [];
  while (left.length > 0) {
    const free = left.findIndex((entry) => (sourcesOf.get(entry.picture) ?? []).every((source) => !unplaced.get(source)));
    const [next] = left.splice(Math.max(free, 0), 1);
    if (!next) break;
    placed.push(next);
    unplaced.set(next.picture, (unplaced.get(next.picture) ?? 1) - 1);
  }
  return placed;
}

function firstDifference<E>(comparisons: readonly ((a: E, b: E) => number)[], a: E, b: E): number {
  for (const compare of comparisons) {
    const order = compare(a, b);
    if (order !== 0) return order;
  }
  return 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
