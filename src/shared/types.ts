/**
 * DTOs shared by every door (core, CLI, Electron main, renderer, browser bridge).
 * Pure TypeScript: no `node:` imports, no electron, no DOM.
 */

/**
 * `exact` same bytes, `pixel` same pixels, `near` the same picture edited (verified: resized,
 * re-compressed, cropped, turned, colour-edited, with a small overlay); `shots` different pictures
 * of one moment or layout (burst frames, retakes, pages of one template): reviewed one group at a
 * time, never part of a bulk clean-up.
 */
export type DuplicateKind = 'exact' | 'pixel' | 'near' | 'shots';
/** `all`: every kind of duplicate (exact, pixel, near), never similar shots. */
export type DuplicateKindFilter = DuplicateKind | 'all';

/** How a copy in a duplicate group relates to the group's keeper. */
export type CopyMatch = 'keeper' | 'exact' | 'pixel' | 'near';

/** One file of a duplicate group, with what the review needs to compare it to the others. */
export interface DuplicateCopy {
  readonly path: string;
  readonly size: number;
  /** Upright dimensions (EXIF orientation applied). */
  readonly width: number;
  readonly height: number;
  readonly format: string;
  /** EXIF capture time in the camera's local time (`2024-07-14T10:11:12`), or null. */
  readonly takenAt: string | null;
  readonly camera: string | null;
  /** File modification time, epoch milliseconds. */
  readonly mtimeMs: number;
  /** Same bytes as the keeper (`exact`), same pixels (`pixel`), or a similar picture (`near`). */
  readonly match: CopyMatch;
  /**
   * Similarity to the keeper in [0, 1]: 1 for the keeper and its byte or pixel copies; for `near`,
   * the embedding similarity, never below the threshold in force. Null when the copy is in the group
   * through its perceptual hash (same layout, e.g. rotated) or through another copy, not a score.
   */
  readonly score: number | null;
  /** For a copy that is not the keeper's: an earlier copy of this group with the same bytes, or pixels. */
  readonly copyOf?: { readonly match: 'exact' | 'pixel'; readonly path: string };
  /** Under one of the protected (reference) folders: never moved to the trash. */
  readonly protected: boolean;
  /** Why this copy is in the group, in words: "same bytes", "same picture, cropped", "another shot: …". */
  readonly reason: string;
}

/** One set of files that show the same (or, for `near`, nearly the same) picture. */
export interface DuplicateGroup {
  /** The loosest match in the group: `near` if any copy is only similar, else `pixel`, else `exact`. */
  readonly kind: DuplicateKind;
  /** Absolute paths, the suggested keeper first (by the keeper rule asked for). */
  readonly files: readonly string[];
  /** The same files, in the same order, with their details. */
  readonly copies: readonly DuplicateCopy[];
  /** Total bytes of all files in the group (hard links to one inode count once). */
  readonly bytes: number;
  /** Bytes freed by keeping only the keeper (hard links to one inode count once). */
  readonly wasted_bytes: number;
  /** Why these files are a group, in words; for similar shots, why the first is the suggested best shot. */
  readonly reason: string;
}

export interface DuplicatesReport {
  readonly groups: readonly DuplicateGroup[];
  /** Bytes freed by cleaning every group: each file counted once (a file is in one group only). */
  readonly wastedBytes: number;
}

/**
 * One copy of a group as a page of the review sends it: a `DuplicateCopy` whose `copyOf` names the
 * earlier copy of the same group by its index in `copies`, so that each path is sent once.
 */
export interface ReviewCopy extends Omit<DuplicateCopy, 'copyOf'> {
  readonly copyOf?: { readonly match: 'exact' | 'pixel'; readonly index: number };
}

/** One group of a page of the review (`duplicates:list`): a `DuplicateGroup` without its `files` list. */
export interface ReviewGroup {
  /**
   * Stable id: a hash of the group's sorted paths. The same files have the same id on every page,
   * at every setting and keeper rule, so a view keeps its place and its choices across answers.
   */
  readonly id: string;
  /** Position of the group in the whole list (0-based). */
  readonly index: number;
  readonly kind: DuplicateKind;
  /** The suggested keeper first (by the keeper rule asked for). */
  readonly copies: readonly ReviewCopy[];
  /** Total bytes of the group's files (hard links to one inode count once). */
  readonly bytes: number;
  /** Bytes freed by keeping only the keeper (hard links once, reference copies stay). */
  readonly wastedBytes: number;
  readonly reason: string;
}

/** What the whole reviewed list holds, whichever page is asked for. */
export interface DuplicatesTotals {
  readonly groups: number;
  /** Files in all groups (each file is in one group). */
  readonly copies: number;
  /** Bytes freed by cleaning every group. */
  readonly wastedBytes: number;
  /** Groups of each kind. */
  readonly byKind: Readonly<Record<DuplicateKind, number>>;
}

/**
 * One page of the reviewed duplicate groups (`duplicates:list`), biggest savings first. The engine
 * keeps the whole list per setting until the library changes, so further pages and jumps are cheap.
 */
export interface DuplicatesPage {
  /**
   * The list this page was cut from: a new value means the groups changed (another setting, or the
   * library or the decisions changed), and pages of the old list are stale.
   */
  readonly list: string;
  /** Index of the page's first group in the list. */
  readonly offset: number;
  readonly groups: readonly ReviewGroup[];
  readonly totals: DuplicatesTotals;
  /** Cursor of the next page (give it as `cursor`); null after the last group. */
  readonly next: string | null;
  /** With `focus`: the index of the group asked for (the one holding its path, else by id), null when none. */
  readonly focusIndex?: number | null;
}

export interface ScoredPath {
  readonly path: string;
  /** Similarity in [0, 1], 1 = identical picture. */
  readonly score: number;
  /** In similar results, a copy of the query photo: the same bytes or the same pixels (listed first). */
  readonly match?: 'exact' | 'pixel';
}

/** Answer to "is this photo already in my library?" */
export interface FindReport {
  readonly exact: readonly string[];
  readonly pixel: readonly string[];
  readonly near: readonly ScoredPath[];
}

export interface SimilarReport {
  readonly query: string;
  readonly results: readonly ScoredPath[];
  /** Set when this query could not be answered (unreadable or undecodable file); results is then empty. */
  readonly error?: string;
}

export interface IndexError {
  readonly path: string;
  readonly reason: string;
}

export type IndexPhase = 'scan' | 'index' | 'thumbnails' | 'pixel' | 'vectors' | 'done';

export interface IndexProgress {
  readonly phase: IndexPhase;
  readonly done: number;
  readonly total: number;
  /** Files per second in the current phase. */
  readonly rate: number;
  /** Seconds left in the current phase, null while unknown. */
  readonly etaSeconds: number | null;
  readonly currentPath?: string;
}

/**
 * The near-duplicate comparison: candidate pairs searched once at the loosest slider setting (every
 * photo the first time, only the new ones after the library changed), off the engine's event loop.
 * Listing near duplicates waits for it; `jobs:cancel` with its `id` stops it.
 */
export interface NearPairsProgress {
  readonly id: string;
  readonly state: 'running' | 'done' | 'failed' | 'cancelled';
  /** `full`: every photo is compared; `update`: only those added since the last comparison; null before it is known. */
  readonly mode: 'full' | 'update' | null;
  /** Steps done of `total` (a photo's hash search and its vector search are one step each). */
  readonly done: number;
  readonly total: number;
}

export interface IndexReport {
  /** Image files seen on disk under the roots. */
  readonly scanned: number;
  /** Files whose bytes were (re)read this run (new or changed). */
  readonly indexed: number;
  /** Files skipped because path, size and mtime were unchanged. */
  readonly unchanged: number;
  /** Files that were in the library but are gone from disk. */
  readonly removed: number;
  /** New paths whose bytes left a path this run found gone (moved or renamed files): not decoded again. */
  readonly moved: number;
  /** New paths with bytes the library already had at a path still there (copies): not decoded again. */
  readonly copies: number;
  /** Files that were decoded this run. */
  readonly decoded: number;
  readonly errors: readonly IndexError[];
  readonly cancelled: boolean;
  readonly seconds: number;
}

export interface LibraryStats {
  readonly libraryDir: string;
  readonly roots: readonly string[];
  readonly files: number;
  readonly errors: number;
  readonly bytes: number;
  /** Embedding model in use, null when similarity search is unavailable (see `modelError`). */
  readonly model: string | null;
  /** Where inference runs: 'cpu', 'cuda', 'dml', 'coreml'. */
  readonly executionProvider: string | null;
  /** Why similarity search is unavailable, when it is. */
  readonly modelError: string | null;
  readonly vectors: number;
  /** Set when this session found the library database damaged and rebuilt it: what happened, what to do. */
  readonly notice: string | null;
}

/** One library file, as listed in the Library view (readable photos and, on request, unreadable files). */
export interface PhotoSummary {
  readonly path: string;
  readonly size: number;
  /** Empty for a file that could not be read. */
  readonly format: string;
  /** Upright dimensions (EXIF orientation applied); 0 for a file that could not be read. */
  readonly width: number;
  readonly height: number;
  /**
   * EXIF capture time in the camera's local time (`2024-07-14T10:11:12`), else the moment the file
   * name carries (`IMG_20240714_101112.jpg`), or null.
   */
  readonly takenAt: string | null;
  readonly camera: string | null;
  /** File modification time, epoch milliseconds. */
  readonly mtimeMs: number;
  /** When the library first saw this path, epoch milliseconds. */
  readonly addedAt: number;
  /** Why the file could not be read; null for a readable photo. */
  readonly error: string | null;
}

/** How the Library view orders photos; each sort has its own sections (see `TimelineSection`). */
export const PHOTO_SORTS = ['taken', 'added', 'name', 'size', 'folder'] as const;
export type PhotoSort = (typeof PHOTO_SORTS)[number];

/** Which photos the Library view lists: all readable photos, those with copies, or unreadable files. */
export const PHOTO_SHOWS = ['all', 'duplicates', 'unreadable'] as const;
export type PhotoShow = (typeof PHOTO_SHOWS)[number];

/**
 * One query of the library listing. `order` defaults to newest / largest first for `taken`,
 * `added` and `size`, and to A→Z for `name` and `folder`.
 */
export interface PhotoQuery {
  readonly sort?: PhotoSort;
  readonly order?: 'asc' | 'desc';
  /** Only photos at or below this folder (a root or any folder inside one). */
  readonly folder?: string;
  readonly show?: PhotoShow;
}

/**
 * One section of the listing. Keys by sort: `taken` and `added` → month `2024-07` (`taken` uses the
 * EXIF capture time, else a date in the file name, else the file's modification time in local
 * time), `name` → first letter `A` (`#` for digits and symbols), `size` → a size band (`>20MB`,
 * `5-20MB`, `1-5MB`, `<1MB`), `folder` → the folder's absolute path.
 */
export interface TimelineSection {
  readonly key: string;
  /** In words: `July 2024`, `A`, `Over 20 MB`, `/home/me/Pictures/2024`. */
  readonly label: string;
  readonly count: number;
}

/** Every section of a query, in listing order, so a view can size a 100k-photo scroll at once. */
export interface Timeline {
  readonly total: number;
  readonly sections: readonly TimelineSection[];
}

/** One page of photos of a section (keyset pagination: `next` continues where this page ended). */
export interface PhotoPage {
  readonly photos: readonly PhotoSummary[];
  /** Opaque cursor for the next page of the same section and query; null after its last photo. */
  readonly next: string | null;
}

/** What the viewer shows about one library file. */
export interface PhotoDetails extends PhotoSummary {
  /** The library root the file is under. */
  readonly root: string;
  /** Other library files with the same bytes. */
  readonly exactCopies: readonly string[];
  /** Other library files with the same pixels (different bytes). */
  readonly pixelCopies: readonly string[];
  /** True when `takenAt` was read from the file name (`IMG_20240501_101112.jpg`): the photo has no EXIF date. */
  readonly takenAtFromName?: boolean;
}

/** One folder the library indexes. */
export interface LibraryRoot {
  readonly path: string;
  /** Glob patterns relative to the folder (`**\/.thumbnails/**`, `*.png`); matching files are left out. */
  readonly excludes: readonly string[];
  /** Under a protected reference folder: its copies are kept first and never moved to the trash. */
  readonly protected: boolean;
  readonly files: number;
  readonly bytes: number;
  readonly errors: number;
  /** Epoch milliseconds. */
  readonly addedAt: number;
  /** The folder is gone from disk (an unplugged drive): its photos stay listed until removed. */
  readonly missing: boolean;
}

/** One level of the folder browser (browser mode's stand-in for a native folder picker). */
export interface FolderListing {
  readonly path: string;
  /** Null at the top of the file system. */
  readonly parent: string | null;
  readonly home: string;
  /** Sub-folders, by name; hidden ones (dot names) left out. */
  readonly folders: readonly { readonly name: string; readonly path: string }[];
  /** Sub-folders that could not be listed (permissions) are not named; this says how many were skipped. */
  readonly unreadable: number;
}

/** The About page: what runs, and why similarity runs where it does. */
export interface AboutInfo {
  readonly version: string;
  readonly platform: string;
  readonly arch: string;
  /** Runtime and library versions: node, electron (null in browser mode), sqlite, libvips, sharp, onnxruntime, faiss. */
  readonly versions: Readonly<Record<string, string | null>>;
  readonly libraryDir: string;
  readonly model: string | null;
  readonly executionProvider: string | null;
  /** Each execution provider tried, in order, with the outcome (`cuda: not available (…)`, `cpu: used`). */
  readonly providerNotes: readonly string[];
  readonly modelError: string | null;
  /** What is wrong with the library folder: read-only, or decisions that cannot be saved to decisions.json. */
  readonly libraryProblems: readonly string[];
  /** Live updates: folders watched for new, changed and deleted photos. */
  readonly watcher: {
    readonly state: 'off' | 'watching' | 'failed';
    /** Library folders watched now. */
    readonly folders: number;
    readonly message: string | null;
    /** Each library folder's live updates (none while off or failed). */
    readonly roots: readonly WatchedFolder[];
  };
}

/**
 * One library folder's live updates: watched (`message` names a sub-folder that could not be, such
 * as a symlink loop), missing (removed, or its drive unplugged: watched and indexed again when it
 * comes back), or its watch failed and why.
 */
export interface WatchedFolder {
  readonly path: string;
  readonly state: 'watching' | 'missing' | 'error';
  readonly message: string | null;
}

/**
 * How the copy to keep is chosen in each group. The default, `highest-resolution`, breaks ties by
 * the largest file, then the oldest capture, then the shortest path (src/core/cleanup/keeper-rules.ts
 * says why); every other rule falls back to that order on ties.
 */
export const KEEPER_RULES = ['highest-resolution', 'largest', 'smallest', 'oldest', 'newest', 'shortest-path', 'in-folder'] as const;
export type KeeperRule = (typeof KEEPER_RULES)[number];

/** What the bulk assistant decides for one copy: it stays, or it goes to the trash. */
export type CleanDecision = 'keep' | 'trash';

/** One copy of a planned bulk clean-up (`duplicates:plan`), with what the clean-up will do with it. */
export interface PlannedCopy {
  readonly path: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
  /** EXIF capture time (`2024-07-14T10:11:12`), else the file's modification time (ISO, UTC). */
  readonly date: string;
  readonly match: CopyMatch;
  /** Why it is in its group, in words (the review's `reason`). */
  readonly reason: string;
  readonly protected: boolean;
  readonly decision: CleanDecision;
}

/** One group of a planned bulk clean-up: a reviewed group with each copy's decision. */
export interface PlannedGroup {
  /** The review's stable group id (a hash of the sorted paths, as on `duplicates:list` pages). */
  readonly id: string;
  readonly index: number;
  readonly kind: DuplicateKind;
  readonly reason: string;
  readonly copies: readonly PlannedCopy[];
}

/** What a planned bulk clean-up does over the WHOLE list, whichever page is asked for. */
export interface CleanPlanTotals {
  readonly groups: number;
  /** Groups in which at least one copy moves. */
  readonly groupsTouched: number;
  readonly keep: number;
  readonly trash: number;
  /** Bytes of the copies that move. */
  readonly trashBytes: number;
  /** Copies that stay because they are in a reference (protected) folder. */
  readonly protectedKept: number;
}

/** A page of a planned bulk clean-up (`duplicates:plan`): nothing moves until `duplicates:clean` is called with `list`. */
export interface CleanPlanPage {
  /** The reviewed list the plan is made of: `duplicates:clean` with it refuses when the list changed since. */
  readonly list: string;
  readonly offset: number;
  readonly groups: readonly PlannedGroup[];
  readonly totals: CleanPlanTotals;
  /** Offset of the next page, or null at the end. */
  readonly next: number | null;
}

/** One copy moved to the trash (or, in a dry run, that would be). */
export interface TrashedCopy {
  readonly path: string;
  /** The copy kept in its place. */
  readonly keeper: string;
  readonly bytes: number;
}

export interface SkippedCopy {
  readonly path: string;
  /** Why it was left where it is, in words (`changed since it was indexed`, `in a protected folder`). */
  readonly reason: string;
}

/** Answer of `clean`: what moved to the trash, what was left and why. */
export interface CleanReport {
  /** Operation id for `undo`; null for a dry run or when nothing moved. */
  readonly operation: string | null;
  readonly dryRun: boolean;
  readonly trashed: readonly TrashedCopy[];
  readonly skipped: readonly SkippedCopy[];
  /** Bytes freed: each trashed file counted once. */
  readonly freedBytes: number;
}

/** A file undo put back; `note` says why it is not listed again until the folder is indexed (its bytes changed in the trash). */
export interface RestoredFile {
  readonly path: string;
  readonly note?: string;
}

export interface UndoReport {
  readonly operation: string;
  readonly restored: readonly RestoredFile[];
  readonly failed: readonly SkippedCopy[];
}

/** One past operation, newest first in `history`. */
export interface OperationSummary {
  readonly operation: string;
  readonly kind: 'trash' | 'not-duplicates';
  readonly state: 'running' | 'done' | 'undone';
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly undoneAt: number | null;
  /** Files moved to the trash (trash) or contents marked (not-duplicates). */
  readonly files: number;
  readonly skipped: number;
  readonly freedBytes: number;
}

/** Two photos the user said are not duplicates (kept by content; each named by one of its files). */
export interface NotDuplicatePair {
  /** A library file with the first content, or null when none has it any more. */
  readonly a: string | null;
  readonly b: string | null;
  /** Epoch milliseconds. */
  readonly decidedAt: number;
  /** The operation that made the decision (undo it to forget it). */
  readonly operation: string | null;
}
