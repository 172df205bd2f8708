/**
 * DTOs shared by every door (core, CLI, Electron main, renderer, browser bridge).
 * Pure TypeScript: no `node:` imports, no electron, no DOM.
 */

export type DuplicateKind = 'exact' | 'pixel' | 'near';
export type DuplicateKindFilter = DuplicateKind | 'all';

/** One set of files that show the same (or, for `near`, nearly the same) picture. */
export interface DuplicateGroup {
  readonly kind: DuplicateKind;
  /** Absolute paths; the first one is the suggested file to keep. */
  readonly files: readonly string[];
  /** Total bytes of all files in the group. */
  readonly bytes: number;
  /** Bytes freed by keeping only one file (hard links to one inode count once). */
  readonly wasted_bytes: number;
  /** `near` groups: similarity in [0, 1] of each file to the group's representative (files[0] → 1). */
  readonly scores?: readonly number[];
}

export interface DuplicatesReport {
  readonly groups: readonly DuplicateGroup[];
}

export interface ScoredPath {
  readonly path: string;
  /** Similarity in [0, 1], 1 = identical picture. */
  readonly score: number;
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

export type IndexPhase = 'scan' | 'index' | 'pixel' | 'vectors' | 'done';

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

export interface IndexReport {
  /** Image files seen on disk under the roots. */
  readonly scanned: number;
  /** Files whose bytes were (re)read this run (new or changed). */
  readonly indexed: number;
  /** Files skipped because path, size and mtime were unchanged. */
  readonly unchanged: number;
  /** Files that were in the library but are gone from disk. */
  readonly removed: number;
  /** New paths whose content was already known (moved, renamed or copied files): not decoded again. */
  readonly moved: number;
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
}

/** One indexed photo, as listed in the Library view. */
export interface PhotoSummary {
  readonly path: string;
  readonly size: number;
  readonly format: string;
  /** Upright dimensions (EXIF orientation applied). */
  readonly width: number;
  readonly height: number;
  /** EXIF capture time in the camera's local time (`2024-07-14T10:11:12`), or null. */
  readonly takenAt: string | null;
  readonly camera: string | null;
}

export interface PhotoPage {
  /** All readable photos in the library. */
  readonly total: number;
  /** Newest capture first (photos without a capture time last), then by path. */
  readonly photos: readonly PhotoSummary[];
}
