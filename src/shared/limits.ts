/**
 * Every limit a user (or a script) can set, written once. The contract's schemas, the CLI's
 * argument checks, the UI's sliders and the core's own checks all derive from these, so a value one
 * door accepts is never refused (or answered with a RangeError) by another.
 *
 * Pure constants: every door may import them (the renderer may not import src/core).
 */

export interface Limit {
  readonly min: number;
  readonly max: number;
  /** The smallest meaningful change: 1 for counts; sliders move by it. */
  readonly step: number;
  /** Whole numbers only. */
  readonly integer: boolean;
  /** What the user gets when they set nothing. */
  readonly default: number;
  /** How errors name the value ("hash distance", "page size"). */
  readonly label: string;
}

export const limits = {
  /**
   * Minimum cosine similarity of embeddings for two photos to be near-duplicate candidates (the
   * picture check decides each). The default is chosen by `npm run eval` (see
   * src/core/duplicates/thresholds.ts). Below 0.70 the candidates are mostly other pictures, each
   * costing a check (and 0.70 is where similar shots are looked for); above 0.99 only re-encodes
   * are left, which pixel and exact groups already cover.
   */
  nearThreshold: { min: 0.7, max: 0.99, step: 0.01, integer: false, default: 0.72, label: 'similarity threshold' },
  /**
   * Maximum perceptual-hash distance (bits of 64) for two photos to be near duplicates. The eval's
   * best was 10; beyond it chance matches between unrelated photos grow fast, and the Hamming index
   * (src/core/duplicates/hamming-index.ts) probes up to 11 bits only.
   */
  nearHashDistance: { min: 0, max: 10, step: 1, integer: true, default: 4, label: 'hash distance' },
  /** Similar photos returned per query image. */
  similarResults: { min: 1, max: 500, step: 1, integer: true, default: 10, label: 'result count' },
  /** Query images in one similar-photos call. */
  similarQueries: { min: 1, max: 64, step: 1, integer: true, default: 1, label: 'number of query images' },
  /** Photos in one page of the library listing: bounded so one call never serialises a whole library. */
  photoPageSize: { min: 1, max: 500, step: 1, integer: true, default: 100, label: 'page size' },
  /**
   * Groups in one page of the duplicate review: a view asks for what it shows (a screen holds a few
   * groups), and a group can hold hundreds of copies, so a page stays well under a megabyte.
   */
  duplicatePageSize: { min: 1, max: 200, step: 1, integer: true, default: 50, label: 'page size' },
  /**
   * Groups in one page of a bulk clean-up plan (`duplicates:plan`): the preview shows the first page,
   * an export reads every page; a planned copy is ~200 bytes, so a page stays a few hundred KB.
   */
  planPageSize: { min: 1, max: 1000, step: 1, integer: true, default: 100, label: 'page size' },
  /** Folders in one index request. */
  indexRoots: { min: 1, max: 256, step: 1, integer: true, default: 1, label: 'number of folders' },
  /** Copies named in one group of a clean-up or a "not duplicates" mark (a burst rarely has 100). */
  groupCopies: { min: 1, max: 10_000, step: 1, integer: true, default: 1, label: 'number of copies in a group' },
  /** Groups in one clean-up the review sends ("clean the selected groups"). */
  cleanGroups: { min: 1, max: 100_000, step: 1, integer: true, default: 1, label: 'number of groups' },
  /** Exclusion patterns of one library folder. */
  excludePatterns: { min: 0, max: 100, step: 1, integer: true, default: 0, label: 'number of exclusion patterns' },
  /** Characters in a path the UI sends (PATH_MAX on Linux). */
  pathLength: { min: 1, max: 4096, step: 1, integer: true, default: 1, label: 'path length' },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof limits;

/**
 * Largest photo file Doppel reads, in MB (10^6 bytes, as sizes are shown everywhere): a photo is
 * read whole into memory, so a junk multi-gigabyte file with a photo's name must not take the
 * process down. 1000 MB is above any camera's RAW (medium-format ones stay under 400 MB) and leaves
 * room for big panorama TIFFs; 4000 MB is about what one Node buffer holds (2^32 bytes). Not in
 * `limits`, whose values travel through the IPC contract: this one is chosen when a library is
 * opened (`--max-file-mb`).
 */
export const photoFileMegabytes: Limit = {
  min: 1,
  max: 4000,
  step: 1,
  integer: true,
  default: 1000,
  label: 'largest photo file size in MB',
};

/**
 * Why `value` is not allowed for `name`, or null when it is.
 * @example limitViolation('nearHashDistance', 12) // → 'hash distance must be a whole number from 0 to 10 (got 12)'
 */
export function limitViolation(name: LimitName, value: number): string | null {
  const limit: Limit = limits[name];
  const inRange = Number.isFinite(value) && value >= limit.min && value <= limit.max;
  if (inRange && (!limit.integer || Number.isInteger(value))) return null;
  return `${limit.label} must be ${limit.integer ? 'a whole number' : 'a number'} from ${limit.min} to ${limit.max} (got ${value})`;
}
