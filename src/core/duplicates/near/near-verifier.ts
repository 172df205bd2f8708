/**
 * Splits near-duplicate candidate groups into the two tiers a user can trust: duplicates (the same
 * picture, verified by picture-check.ts: resized, re-compressed, cropped, turned, colour-edited,
 * with a small overlay) and similar shots (different pictures that look alike: burst frames,
 * retakes, pages or slides of one template). Only duplicates are offered for bulk clean-up.
 *
 * Evidence, in order: capture metadata (the same camera with different capture instants took two
 * shots, whatever they look like), then the pictures themselves, each read from its thumbnail (the
 * 256 px working copy kept in the library folder). A content without a thumbnail cannot be checked
 * and is never called a duplicate on the candidate finders' word alone: it goes to similar shots.
 *
 * Verdicts are kept by content pair, in memory and beside the library (picture-check.store.ts), so
 * re-indexing, moving files, a slider step or a new session never checks a pair twice. Pictures
 * are read group by group and forgotten after: memory stays bounded by the largest group.
 */
import fs from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import sharp from 'sharp';
import type { CandidateGroup, NumberedSets, ShotGroup } from '../file-groups';
import { orderByKeeperRule } from '../../cleanup/keeper-rules';
import { pictureQuality, type PictureQuality } from '../../media/picture-quality';
import type { CopyDetails } from '../../store/duplicate.repository';
import type { PictureCheckStore, PictureChecks } from '../../store/picture-check.store';
import type { ThumbnailStore } from '../../store/thumbnail.store';
import type { DuplicateCopy, DuplicateGroup, DuplicatesReport } from '../../../shared/types';
import {
  WHOLE_FRAME_SCALE,
  comparePictures,
  layoutGridOf,
  reversed,
  type Alignment,
  type LayoutGrid,
  type PictureComparison,
} from './picture-check';

/** What the verifier needs of a library. */
export interface VerifierSources {
  readonly details: (filePaths: readonly string[]) => ReadonlyMap<string, CopyDetails>;
  readonly thumbnails: Pick<ThumbnailStore, 'pathOf'>;
  /** Where verdicts are kept between sessions (none: this session only). */
  readonly store?: Pick<PictureCheckStore, 'load' | 'save'>;
}

/** Why a member of a group is in it, as the review shows it. */
export interface PairEvidence {
  readonly verdict: 'same' | 'different';
  /** In words: "same picture, cropped", "different capture time (10:11:12 and 10:11:14)", … */
  readonly reason: string;
  /**
   * Different, and two moments of one scene: one camera's capture times differ, or a part of the
   * picture moved against the rest. No chain of copies joins two moments (see `#pictureGraph`).
   */
  readonly moment?: true;
  /** How closely a pair found one picture lines up (0..1): the closest pairs join first. */
  readonly closeness?: number;
}

interface ContentPicture {
  /** Built on first use: a picture read only for its sharpness (a shot's) never needs it. */
  readonly grid: () => LayoutGrid;
  /** Variance of the Laplacian of the thumbnail: how sharp the picture is (the best shot of a burst). */
  readonly sharpness: number;
  /** Share of the thumbnail's pixels at black or white. */
  readonly clipped: number;
}

export interface VerifiedCandidates {
  /** Exact and pixel groups as they were; near groups holding only verified members. */
  readonly duplicates: CandidateGroup[];
  /** Centre and members of near groups that are other pictures: similar shots, one file set per picture. */
  readonly shots: (CandidateGroup & ShotGroup)[];
  /** Evidence of each near member against its group's centre, by file path. */
  readonly evidence: ReadonlyMap<string, PairEvidence>;
}

/**
 * For the sets the check made of each near group (as their pictures, numbered by the group's
 * grouping), the links to weigh across groups: `[group, set, other group, other set]`, strongest
 * first (see `PairGrouping.crossLinks`).
 */
export type CrossLinks = (groups: readonly NumberedSets[]) => readonly (readonly [number, number, number, number])[];

/** Pictures the check found one picture: within a near group, or joined across groups (`#joinAcross`). */
interface PictureSet {
  readonly files: string[];
  /** The files that stand for it among similar shots: the picture the keeper rules would keep. */
  readonly first: string[];
  readonly pictures: { readonly copy: CopyDetails; readonly files: string[] }[];
  /** Its pictures as the group's grouping numbered them (empty when the group came without numbers). */
  readonly nodes: number[];
  /** Listed already among duplicates (a set joined across groups sits in each of them). */
  listed: boolean;
}

/** Names the check's rules: verdicts kept by another version are checked again (picture-check.store.ts). */
export const PICTURE_CHECK_VERSION = 'grid128-fine256-9';

const UNCHECKED: PairEvidence = { verdict: 'different', reason: 'not verified (no thumbnail to compare): reviewed as a similar shot' };
/** The check lets the event loop run at least this often (ms). */
const SLICE_MS = 20;
/** Pictures read at once while checking (thumbnails decode on libuv threads). */
const READ_CONCURRENCY = 4;
/**
 * A join goes through a smaller picture when the smaller of its pair has under this share of the
 * pixels of both sets' largest pictures: a 95 % crop has 90 %; two exports of one size differ by
 * a pixel of rounding.
 */
const VALLEY_AREA = 0.98;

/** Reads each content's picture once while a group is checked, a few at a time; forgets them after. */
class PictureReader {
  readonly #read: (hash: string) => Promise<ContentPicture | null>;
  readonly #pictures = new Map<string, Promise<ContentPicture | null>>();

  constructor(read: (hash: string) => Promise<ContentPicture | null>) {
    this.#read = read;
  }

  get(hash: string): Promise<ContentPicture | null> {
    let picture = this.#pictures.get(hash);
    if (!picture) {
      picture = this.#read(hash);
      this.#pictures.set(hash, picture);
    }
    return picture;
  }

  async prefetch(hashes: readonly string[]): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < hashes.length) await this.get(hashes[next++] ?? '');
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, hashes.length) }, worker));
  }
}

export class NearVerifier {
  readonly #sources: VerifierSources;
  /** Verdicts by ordered content pair (`a:b`), with which is a crop of which; loaded from the store once. */
  #checks: PictureChecks | null = null;
  #dirty = false;
  /** `derived>source` for each content the check found a crop of another (see `derivedFrom`). */
  readonly #derived = new Set<string>();
  /** Content of each file seen by `split`. */
  readonly #contentOfFile = new Map<string, string>();
  /** Details of each file seen by `split`. */
  readonly #detailsOfFile = new Map<string, CopyDetails>();
  /** Pairs this verifier compared picture by picture (not answered from what was kept). */
  #compared = 0;
  /** When the check last let the event loop run (see `#pace`). */
  #since = performance.now();

  constructor(sources: VerifierSources) {
    this.#sources = sources;
  }

  get #known(): PictureChecks {
    if (!this.#checks) {
      this.#checks = this.#sources.store?.load() ?? { verdicts: new Map(), sharpness: new Map(), clipped: new Map() };
      for (const [key, found] of this.#checks.verdicts) this.#noteCrop(key, found.cropOf);
    }
    return this.#checks;
  }

  /** Pairs compared picture by picture so far (the bench's count; verdicts kept from before cost none). */
  get compared(): number {
    return this.#compared;
  }

  /** How a file's picture measures for the best shot, or null when it was never read (see `split`). */
  qualityOf(filePath: string): ShotQuality | null {
    const measured = this.#detailsOfFile.get(filePath)?.quality;
    if (measured) return measured;
    const content = this.#contentOfFile.get(filePath);
    const sharpness = content === undefined ? undefined : this.#known.sharpness.get(content);
    return content === undefined || sharpness === undefined ? null : { sharpness, clipped: this.#known.clipped.get(content) ?? 0 };
  }

  /** Sharpness of a file's picture, or null when it was never measured (see `split`). */
  sharpnessOf(filePath: string): number | null {
    return this.qualityOf(filePath)?.sharpness ?? null;
  }

  /** True when the check found content `derived` to be a crop of content `source` (the keeper rules keep the source). */
  readonly derivedFrom = (derived: string, source: string): boolean => this.#derived.has(`${derived}>${source}`);

  /**
   * Checks each member of each near group against the group's centre (its first file: star
   * clustering matched the members to it) and splits the group: verified members stay, the others
   * form a similar-shots group with the centre. Exact and pixel groups pass unchanged. Pictures are
   * read group by group and forgotten after (a 256 px thumbnail is about 260 KB as the check holds
   * it); verdicts and sharpness are kept, and saved for the next session. With `signal`, it stops
   * between groups once aborted, keeping what it checked; `measureShots: false` leaves the shots'
   * sharpness unread (the check after an index wants the verdicts only).
   */
  async split(
    candidates: readonly CandidateGroup[],
    options: { readonly signal?: AbortSignal; readonly measureShots?: boolean; readonly links?: CrossLinks } = {},
  ): Promise<VerifiedCandidates> {
    const { signal, measureShots = true } = options;
    const near = candidates.filter((group) => group.kind === 'near');
    const details = this.#sources.details(near.flatMap((group) => group.files));
    const contentOf = (file: string): CopyDetails | undefined => details.get(file);
    for (const [file, copy] of details) {
      this.#contentOfFile.set(file, copy.contentHash);
      this.#detailsOfFile.set(file, copy);
    }
    const duplicates: CandidateGroup[] = candidates.filter((group) => group.kind !== 'near');
    const shots: (CandidateGroup & ShotGroup)[] = [];
    const evidence = new Map<string, PairEvidence>();
    const graphs: PictureSet[][] = [];
    try {
      for (const group of near) {
        signal?.throwIfAborted();
        graphs.push(await this.#pictureGraph(group, contentOf, evidence, signal));
      }
      if (options.links) await this.#joinAcross(near, graphs, options.links, signal);
    } catch (error) {
      this.#save(); // what was checked is kept
      throw error;
    }
    near.forEach((group, g) => {
      const pictures = graphs[g] ?? [];
      // Each set of pictures the check joined is a duplicate group (one picture alone is the byte
      // or pixel group's business; a set joined to another group's is listed there); when the
      // check left more than one set, they are similar shots.
      for (const members of pictures) {
        if (members.pictures.length < 2 || members.listed) continue;
        members.listed = true;
        duplicates.push({ kind: 'near', files: members.files });
      }
      if (pictures.length > 1) {
        const sets = pictures.map((members) => ({ files: members.first, pictures: members.nodes }));
        const grouping = group.pictures?.grouping;
        shots.push({ kind: 'near', files: sets.flatMap((set) => set.files), sets, ...(grouping ? { grouping } : {}) });
      }
    });
    // The best shot needs each shot's sharpness, also where the verdicts were known already
    // (about 5 ms a thumbnail: left to the listing of shots when only verdicts are wanted).
    if (measureShots) {
      // Contents indexed since the quality is measured at indexing carry it; older ones are read.
      const unmeasured = [
        ...new Set(
          shots.flatMap((group) => group.files.flatMap((file) => (contentOf(file)?.quality ? [] : (contentOf(file)?.contentHash ?? [])))),
        ),
      ].filter((hash) => !this.#known.sharpness.has(hash));
      await this.#reader().prefetch(unmeasured);
    }
    this.#save();
    return { duplicates, shots, evidence };
  }

  /**
   * The pictures of a near group joined where the check finds them one picture: each member
   * against the centre (star clustering matched it to the centre), then those left against each
   * picture joined so far (an edit of an edit), then those still left among themselves along the
   * group's closest pairs (a copy of another member). Stops between two checks once `signal` is
   * aborted. Sets in the group's order, each with its files, those of the picture that stands for
   * it among similar shots (the one the keeper rules would keep) and its pictures as the grouping
   * numbered them (`nodes`, empty when the group came without numbers).
   */
  async #pictureGraph(
    { files, closest = [], pictures: numbered }: CandidateGroup,
    contentOf: (file: string) => CopyDetails | undefined,
    evidence: Map<string, PairEvidence>,
    signal: AbortSignal | undefined,
  ): Promise<PictureSet[]> {
    const byPicture = new Map<string, { copy: CopyDetails; files: string[] }>();
    for (const file of files) {
      const copy = contentOf(file);
      if (!copy) continue;
      const key = copy.pixelHash ?? copy.contentHash;
      const entry = byPicture.get(key) ?? { copy, files: [] };
      entry.files.push(file);
      byPicture.set(key, entry);
    }
    const entries = [...byPicture.values()];
    const reader = this.#reader();
    // The centre and the members whose check against it is not known yet, read a few at a time.
    const centre = entries[0]?.copy;
    const unknown = entries
      .slice(1)
      .filter((entry) => centre && !this.#known.verdicts.has(pairKey(centre, entry.copy)) && !byMetadata(centre, entry.copy));
    if (centre && unknown.length > 0) await reader.prefetch([centre.contentHash, ...unknown.map((entry) => entry.copy.contentHash)]);
    // Which checks to run follows what joined so far (`reached`); the sets are then joined from the
    // pairs found one picture, closest first (`parent`), never joining two moments.
    const reach = entries.map((_, i) => i);
    const reached = (i: number): number => (reach[i] === i ? i : (reach[i] = reached(reach[i] ?? i)));
    const joins: { i: number; j: number; found: PairEvidence }[] = [];
    // Pairs found to be two moments: a copy of one frame can pass for a copy of the next (a crop
    // lined up on the subject that moved, a downscale that blurs it), and would chain the two.
    const moments: [number, number][] = [];
    const check = async (i: number, j: number): Promise<void> => {
      const a = entries[i];
      const b = entries[j];
      if (!a || !b) return;
      const found = await this.#evidence(a.copy, b.copy, reader);
      if (found.moment) moments.push([i, j]);
      if (found.verdict !== 'same') {
        if (!evidence.has(b.files[0] ?? '')) for (const file of b.files) evidence.set(file, found);
        return;
      }
      joins.push({ i, j, found });
      reach[reached(j)] = reached(i);
    };
    for (let j = 1; j < entries.length; j++) {
      signal?.throwIfAborted();
      await check(0, j);
    }
    // Those left, against each picture joined so far (an edit of an edit: the centre, the best
    // connected picture, is often an edit itself, and a heavier edit can fail against it and pass
    // against the original or another edit). Few are joined in a burst, few are left among copies.
    for (let j = 1; j < entries.length; j++) {
      for (let i = 1; i < entries.length && reached(j) !== reached(0); i++) {
        if (i === j || reached(i) !== reached(0)) continue;
        signal?.throwIfAborted();
        await check(Math.min(i, j), Math.max(i, j));
      }
    }
    // Those still left, among themselves along the pairs the candidate finders rank closest within
    // the group (a copy of another burst frame): not every pair, which would cost a long burst or a
    // big template set its square in checks (near-grouping.ts, CLOSEST_PARTNERS).
    const entryOf = new Map<string, number>();
    entries.forEach((entry, i) => entryOf.set(entry.files[0] ?? '', i));
    for (let k = 0; k + 1 < closest.length; k += 2) {
      const x = entryOf.get(files[closest[k] ?? -1] ?? '');
      const y = entryOf.get(files[closest[k + 1] ?? -1] ?? '');
      if (x === undefined || y === undefined || reached(x) === reached(y)) continue;
      signal?.throwIfAborted();
      await check(Math.min(x, y), Math.max(x, y));
    }
    const parent = entries.map((_, i) => i);
    const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i] ?? i)));
    // The picture of a set most likely the one the others were made from: the largest (its root on a tie).
    const largestOf = (set: number): number => {
      const first = entries[set];
      return first
        ? entries.indexOf(
            largest(
              entries.filter((_, k) => root(k) === set),
              first,
            ),
          )
        : set;
    };
    /** Whether joining the sets of `i` and `j` would make two moments one picture. */
    const apart = async (i: number, j: number): Promise<boolean> => {
      const [x, y] = [root(i), root(j)];
      if (moments.some(([p, q]) => (root(p) === x && root(q) === y) || (root(p) === y && root(q) === x))) return true;
      // Also their largest pictures, compared once (kept, as every check is).
      const [p, q] = [largestOf(x), largestOf(y)].sort((m, n) => m - n) as [number, number];
      const [a, b] = [entries[p], entries[q]];
      if (!a || !b || (p === Math.min(i, j) && q === Math.max(i, j))) return false;
      signal?.throwIfAborted();
      const found = await this.#evidence(a.copy, b.copy, reader);
      if (found.moment) {
        moments.push([p, q]);
        return true;
      }
      // Through a smaller picture (a downscale, a crop) to larger ones on both sides, the larger
      // ones must be one picture themselves: a downscale of one tree frame blurs away the leaves
      // that tell it from the next and passes for a copy of both; a crop of one frame lines up on
      // the next. A chain that only goes down (an original, its half, its quarter) is not asked.
      const through = Math.min(area(entries[i]?.copy ?? a.copy), area(entries[j]?.copy ?? b.copy));
      return through < VALLEY_AREA * Math.min(area(a.copy), area(b.copy)) && found.verdict !== 'same';
    };
    // Closest first: of a crop lined up on the subject that moved and the frame it was cut from,
    // the frame matches it closer (0.998 against 0.996 in the eval's moving-camera burst).
    joins.sort((x, y) => (y.found.closeness ?? 0) - (x.found.closeness ?? 0));
    for (const { i, j, found } of joins) {
      if (root(i) === root(j) || (await apart(i, j))) continue;
      parent[root(j)] = root(i);
      for (const file of entries[j]?.files ?? []) evidence.set(file, found);
    }
    const sets = new Map<number, { files: string[]; pictures: (typeof entries)[number][] }>();
    entries.forEach((entry, i) => {
      const set = sets.get(root(i)) ?? { files: [], pictures: [] };
      set.files.push(...entry.files);
      set.pictures.push(entry);
      sets.set(root(i), set);
    });
    // A set stands in similar shots for its original: the picture the keeper rules would keep.
    const nodeOf = new Map<string, number>();
    numbered?.numbers.forEach((node, i) => nodeOf.set(files[i] ?? '', node));
    return [...sets.values()].map(({ files, pictures }) =>
      this.#pictureSet(
        files,
        pictures,
        pictures.flatMap((entry) => nodeOf.get(entry.files[0] ?? '') ?? []),
      ),
    );
  }

  #pictureSet(files: string[], pictures: PictureSet['pictures'], nodes: number[]): PictureSet {
    const [original] = orderByKeeperRule(
      pictures.map((entry) => entry.copy),
      undefined,
      { derivedFrom: this.derivedFrom },
    );
    const first = pictures.find((entry) => entry.copy === original)?.files ?? pictures[0]?.files ?? [];
    return { files, first, pictures, nodes, listed: false };
  }

  /**
   * Joins the sets of different groups along `links` where their largest pictures (the likeliest
   * originals) are one picture: star clustering can put two crops of a photo, which match each
   * other through their middles, in a star apart from the photo, and each star is checked within
   * itself only. One check a link, strongest first; a link between sets already joined costs none.
   */
  async #joinAcross(
    near: readonly CandidateGroup[],
    graphs: PictureSet[][],
    links: CrossLinks,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const found = links(
      near.map((group, g) => ({ grouping: group.pictures?.grouping, sets: (graphs[g] ?? []).map((set) => ({ pictures: set.nodes })) })),
    );
    if (found.length === 0) return;
    const reader = this.#reader();
    // Where each set sits ([group, position]): a join moves both sets' places to the joined one.
    const places = new Map<PictureSet, [number, number][]>();
    graphs.forEach((sets, g) => sets.forEach((set, k) => places.set(set, [[g, k]])));
    for (const [gx, sx, gy, sy] of found) {
      const x = graphs[gx]?.[sx];
      const y = graphs[gy]?.[sy];
      if (!x || !y || x === y) continue;
      const [a, b] = [x.pictures[0], y.pictures[0]];
      if (!a || !b) continue;
      signal?.throwIfAborted();
      if ((await this.#evidence(largest(x.pictures, a).copy, largest(y.pictures, b).copy, reader)).verdict !== 'same') continue;
      const joined = this.#pictureSet([...x.files, ...y.files], [...x.pictures, ...y.pictures], [...x.nodes, ...y.nodes]);
      const moved = [...(places.get(x) ?? []), ...(places.get(y) ?? [])];
      for (const [g, k] of moved) (graphs[g] ?? [])[k] = joined;
      places.delete(x);
      places.delete(y);
      places.set(joined, moved);
    }
    // A group whose two sets joined the same set elsewhere holds it once.
    graphs.forEach((sets, g) => (graphs[g] = [...new Set(sets)]));
  }

  /**
   * What the check says of `copy` against `keeper` (files `split` has seen), in that direction
   * ("resized to 50 %" of the keeper); null when either was not seen or both are one picture.
   */
  async evidenceAgainst(keeper: string, copy: string): Promise<PairEvidence | null> {
    const a = this.#detailsOfFile.get(keeper);
    const b = this.#detailsOfFile.get(copy);
    if (!a || !b) return null;
    if (a.contentHash === b.contentHash || (a.pixelHash !== null && a.pixelHash === b.pixelHash)) return null;
    return this.#evidence(a, b, this.#reader());
  }

  /**
   * A comparison takes 5–20 ms of this thread, and pictures already read resolve as microtasks: a
   * group of 60 would hold the event loop for a second. Every SLICE_MS the loop gets a turn.
   */
  async #pace(): Promise<void> {
    if (performance.now() - this.#since < SLICE_MS) return;
    await setImmediate();
    this.#since = performance.now();
  }

  /** Verdicts found since the last save go to the store (when there is one). */
  #save(): void {
    if (!this.#dirty || !this.#sources.store) return;
    this.#dirty = false;
    this.#sources.store.save(this.#known);
  }

  #reader(): PictureReader {
    return new PictureReader(async (hash) => {
      const picture = await readPicture(this.#sources.thumbnails.pathOf(hash));
      if (picture && this.#known.sharpness.get(hash) !== picture.sharpness) {
        this.#known.sharpness.set(hash, picture.sharpness);
        this.#known.clipped.set(hash, picture.clipped);
        this.#dirty = true;
      }
      return picture;
    });
  }

  #noteCrop(key: string, cropOf: 'a' | 'b' | undefined): void {
    if (!cropOf) return;
    const [a = '', b = ''] = key.split(':');
    this.#derived.add(cropOf === 'b' ? `${b}>${a}` : `${a}>${b}`);
  }

  /** The check of `b` against `a`, kept by the ordered pair: its reason says what `b` is of `a` ("resized to 50 %"). */
  async #evidence(a: CopyDetails, b: CopyDetails, reader: PictureReader): Promise<PairEvidence> {
    const key = pairKey(a, b);
    const known = this.#known.verdicts.get(key);
    if (known) {
      const { cropOf: _crop, ...kept } = known;
      return kept;
    }
    const metadata = byMetadata(a, b);
    if (metadata) return metadata;
    const [pictureA, pictureB] = await Promise.all([reader.get(a.contentHash), reader.get(b.contentHash)]);
    // Not kept: a thumbnail made later gets its check.
    if (!pictureA || !pictureB) return UNCHECKED;
    await this.#pace();
    const found = decide(a, b, pictureA, pictureB);
    this.#compared += 1;
    const cropOf = found.crop ? (found.crop.direction === 'b-in-a' ? 'b' : 'a') : undefined;
    this.#known.verdicts.set(key, { ...found.evidence, ...(cropOf ? { cropOf } : {}) });
    this.#noteCrop(key, cropOf);
    this.#dirty = true;
    return found.evidence;
  }
}

function area(copy: CopyDetails): number {
  return copy.width * copy.height;
}

/** The picture of `pictures` with the most pixels; `first` unless another has more. */
function largest<T extends { readonly copy: CopyDetails }>(pictures: readonly T[], first: T): T {
  return pictures.reduce((best, entry) => (area(entry.copy) > area(best.copy) ? entry : best), first);
}

function pairKey(a: CopyDetails, b: CopyDetails): string {
  return `${a.contentHash}:${b.contentHash}`;
}

/**
 * Same camera, two capture instants: two shots, whatever they look like (a camera writes the time
 * it took the picture; an edit keeps it or drops it, never changes it). Null: the pictures decide.
 */
function byMetadata(a: CopyDetails, b: CopyDetails): PairEvidence | null {
  if (a.camera !== null && a.camera === b.camera && a.takenAt !== null && b.takenAt !== null && a.takenAt !== b.takenAt) {
    return { verdict: 'different', moment: true, reason: `another shot: taken at ${a.takenAt} and ${b.takenAt} by one camera` };
  }
  return null;
}

function decide(
  a: CopyDetails,
  b: CopyDetails,
  pictureA: ContentPicture,
  pictureB: ContentPicture,
): { evidence: PairEvidence; crop?: Alignment } {
  // The larger picture first: the alignment searches windows of the second in the first well, the
  // reverse less so (a 95 % crop compared first against its original lined up at the whole frame only).
  const comparison =
    area(a) >= area(b) ? comparePictures(pictureA.grid(), pictureB.grid()) : reversed(comparePictures(pictureB.grid(), pictureA.grid()));
  const evidence = evidenceOf(comparison, a, b);
  return evidence.verdict === 'same' && comparison.alignment.scale < WHOLE_FRAME_SCALE
    ? { evidence, crop: comparison.alignment }
    : { evidence };
}

function evidenceOf(comparison: PictureComparison, a: CopyDetails, b: CopyDetails): PairEvidence {
  if (comparison.verdict === 'different') {
    return { verdict: 'different', reason: comparison.reason, ...(comparison.moment ? { moment: true as const } : {}) };
  }
  const parts = [comparison.reason];
  const { alignment } = comparison;
  // Whole-frame copies at another size: say how much (a crop's size says little).
  if (alignment.scale >= WHOLE_FRAME_SCALE && alignment.turn % 2 === 0) {
    const side = Math.sqrt((b.width * b.height) / Math.max(1, a.width * a.height));
    if (side < 0.97 || side > 1.03) parts.push(`resized to ${Math.round(side * 100)} %`);
  }
  return { verdict: 'same', reason: parts.join(', '), closeness: Math.round(alignment.correlation * 1e4) / 1e4 };
}

/**
 * The report as the tiers show it: near copies of duplicates say what the check found; similar
 * shots are kind `shots`, each copy says why it is another picture, and the sharpest picture comes
 * first as the suggested best shot.
 */
export async function withEvidence(
  report: DuplicatesReport,
  verified: VerifiedCandidates,
  verifier: NearVerifier,
  shots: boolean,
): Promise<DuplicatesReport> {
  if (!shots) {
    const groups: DuplicateGroup[] = [];
    for (const group of report.groups) {
      if (group.kind !== 'near') {
        groups.push(group);
        continue;
      }
      const copies = [];
      for (const copy of group.copies) {
        // Said against the keeper the review chose, which need not be the centre the check started from.
        const found =
          copy.match === 'near'
            ? ((await verifier.evidenceAgainst(group.files[0] ?? '', copy.path)) ?? verified.evidence.get(copy.path))
            : null;
        copies.push(found?.verdict === 'same' ? { ...copy, reason: found.reason } : copy);
      }
      groups.push({ ...group, copies });
    }
    return { ...report, groups };
  }
  const groups = report.groups.map((group): DuplicateGroup => {
    const { order, exposureMattered } = bestShotOrder(group.copies, (path) => verifier.qualityOf(path));
    const best = exposureMattered ? 'the sharpest of those well exposed' : 'the sharpest';
    const copies = order.map((copy, index) => ({
      ...copy,
      match: index === 0 ? ('keeper' as const) : copy.match === 'keeper' ? ('near' as const) : copy.match,
      reason: index === 0 ? `suggested best shot: ${best}` : (verified.evidence.get(copy.path)?.reason ?? 'another shot of this moment'),
    }));
    const pictures = new Set(copies.map((copy) => verifier.sharpnessOf(copy.path))).size;
    return {
      ...group,
      kind: 'shots',
      files: copies.map((copy) => copy.path),
      copies,
      wasted_bytes: 0,
      reason: `${burstOf(copies) ?? `similar shots: ${pictures} pictures of one moment or layout`}; best shot: ${best} of ${pictures}`,
    };
  });
  return { groups, wastedBytes: 0 };
}

/** How a shot measures for the best-shot suggestion (src/core/media/picture-quality.ts). */
export type ShotQuality = PictureQuality;

/**
 * A shot with this much more of its picture clipped than the best-exposed one of its group is
 * badly exposed: a flash that blew the faces, a frame taken into the sun. 5 % of the pixels is a
 * clearly visible blown sky or black patch; less is within what one scene's frames differ by.
 */
const EXPOSURE_SLACK = 0.05;

/**
 * Shots in the order to suggest them: the sharpest of those well exposed first, then the others
 * sharpest first; and whether exposure passed over a sharper one. Unread shots go last.
 */
export function bestShotOrder<T extends { readonly path: string }>(
  shots: readonly T[],
  qualityOf: (path: string) => ShotQuality | null,
): { order: T[]; exposureMattered: boolean } {
  const measured = shots.map((shot) => ({ shot, quality: qualityOf(shot.path) }));
  const sharpness = (entry: (typeof measured)[number]): number => entry.quality?.sharpness ?? -1;
  const bySharpness = [...measured].sort((x, y) => sharpness(y) - sharpness(x));
  const clippedLeast = Math.min(...measured.map((entry) => entry.quality?.clipped ?? 1));
  const wellExposed = (entry: (typeof measured)[number]): boolean =>
    entry.quality !== null && entry.quality.clipped <= clippedLeast + EXPOSURE_SLACK;
  const best = bySharpness.find(wellExposed) ?? bySharpness[0];
  const order = best ? [best, ...bySharpness.filter((entry) => entry !== best)] : bySharpness;
  return { order: order.map((entry) => entry.shot), exposureMattered: best !== undefined && best !== bySharpness[0] };
}

/** A burst is at most this long, first shot to last (a phone's burst mode, a few shots in a row). */
const BURST_SECONDS = 10;

/** "burst: 5 shots within 2 s" when one camera took every shot within BURST_SECONDS; else null. */
export function burstOf(copies: readonly Pick<DuplicateCopy, 'camera' | 'takenAt'>[]): string | null {
  const camera = copies[0]?.camera ?? null;
  const times: number[] = [];
  for (const copy of copies) {
    if (copy.camera === null || copy.camera !== camera || copy.takenAt === null) return null;
    // EXIF local time with no zone: read as UTC, only differences matter.
    const at = Date.parse(`${copy.takenAt}Z`);
    if (Number.isNaN(at)) return null;
    times.push(at);
  }
  if (times.length < 2) return null;
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  if (span > BURST_SECONDS) return null;
  const within = span < 1 ? `${span.toFixed(1)} s` : `${Math.ceil(span)} s`;
  return `burst: ${times.length} shots within ${within}`;
}

async function readPicture(thumbnail: string): Promise<ContentPicture | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(thumbnail);
  } catch {
    return null;
  }
  try {
    const { data, info } = await sharp(bytes).grayscale().raw().toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
    let grid: LayoutGrid | null = null;
    return {
      grid: () => (grid ??= layoutGridOf(pixels, info.width, info.height)),
      ...pictureQuality(pixels, info.width, info.height),
    };
  } catch {
    return null;
  }
}
