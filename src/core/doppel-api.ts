/**
 * What the {@link Doppel} facade's callers pass and get back, and the list of every kind of write
 * it makes to a library (each goes through its one mutation path, `#mutate`).
 */
import type { AboutInfo, NearPairsProgress } from '../shared/types';
import type { CleanOptions } from './cleanup/clean.service';
import type { KeeperChoice } from './cleanup/keeper-rules';
import type { DuplicatesOptions } from './duplicates/duplicates.service';
import type { ThumbnailRepairReport } from './indexing/thumbnail-repair.service';
import type { LibraryChange } from './library-caches';
import type { ModelOptions } from './library-services';
import type { DatabaseCheckRun } from './store/database-check';
import type { LibraryRepair } from './store/library-repair';
import type { LibraryWrite } from './store/writer-lock';
import type { TrashBin } from './trash/trash-bin';

export interface OpenOptions extends ModelOptions {
  /** Library folder (database, thumbnails, vector index); default: the per-user data folder. */
  readonly libraryDir?: string;
  /** One line per notable event (skipped files, fallbacks); silent by default. */
  readonly log?: (line: string) => void;
  /** Where clean-up sends files; default: this machine's trash (the desktop app passes Electron's). */
  readonly trashBin?: TrashBin;
  /** Photo files larger than this are refused unread, with a "too large" error (default 1000 MB). */
  readonly maxFileBytes?: number;
  /** How hard to check the database on open: `quick` (default, every open) or `full` (`doppel check`). */
  readonly check?: 'quick' | 'full';
  /**
   * The background database check (see `DatabaseCheck`): how it runs (default: SQLite's quick check
   * in a worker thread), how long opening waits for it (0.5 s), and how long a write waits (120 s).
   * For tests that need a slow or failing check without a big database.
   */
  readonly databaseCheck?: { readonly run?: DatabaseCheckRun; readonly openWaitMs?: number; readonly writeWaitMs?: number };
  /** Progress of the near-duplicate comparison (a worker thread) that listing near duplicates waits for. */
  readonly onNearPairsProgress?: (progress: NearPairsProgress) => void;
}

/** What the About page learns from the library (the engine adds versions and live-update state). */
export type LibraryAbout = Pick<
  AboutInfo,
  'libraryDir' | 'model' | 'executionProvider' | 'providerNotes' | 'modelError' | 'libraryProblems'
> & {
  /** SQLite's own version, as the linked library reports it. */
  readonly sqlite: string;
};

/** What `doppel check` found and did. */
export interface CheckReport {
  readonly libraryDir: string;
  /** `ok`, or `repaired` when the database was damaged and rebuilt (see `repair`). */
  readonly database: 'ok' | 'repaired';
  readonly repair: LibraryRepair | null;
  /** True when the library could only be read: nothing was repaired or rebuilt. */
  readonly readOnly: boolean;
  /** Why the decisions backup (decisions.json) cannot be saved, or null when it can. */
  readonly decisionsProblem: string | null;
  readonly thumbnails: ThumbnailRepairReport;
}

/** Which groups `duplicates` lists, and how it orders them for review. */
export interface ReviewedDuplicatesOptions extends DuplicatesOptions {
  /** Keeper rule that orders each group (default: highest resolution). */
  readonly keep?: KeeperChoice;
  /** Reference folders on top of the library's saved ones: their copies are kept first. */
  readonly protectedFolders?: readonly string[];
}

/**
 * Every write holds the library's writer lock (see {@link LibraryWriter}). With `onWaitForWriter` a
 * second writer waits for the first (told once why); without it, it fails at once with "library busy".
 */
export interface WriterOptions {
  readonly onWaitForWriter?: (message: string) => void;
}

/** Which copies `markNotDuplicates` marks: all against all, or `filePaths` against `against` only. */
export interface NotDuplicatesOptions extends WriterOptions {
  readonly against?: readonly string[];
}

/** What `clean` acts on (the groups `duplicates` lists with the same options) and how. */
export interface DoppelCleanOptions extends ReviewedDuplicatesOptions, CleanOptions, WriterOptions {}

export interface SimilarOptions {
  readonly limit?: number;
}

/** A write to the library: what the writer lock says it is doing, what a refusal names, what it changes. */
export interface Write extends LibraryWrite {
  readonly refusal: string;
  readonly changes: LibraryChange;
}

/** Every kind of write Doppel makes to a library; each goes through `#mutate`. */
export const WRITES = {
  index: { doing: 'indexing', refusal: 'index folders', changes: 'files' },
  clean: { doing: 'cleaning up', refusal: 'clean up', changes: 'files' },
  undo: { doing: 'undoing a clean-up', refusal: 'undo', changes: 'files' },
  removeRoot: { doing: 'removing a folder', refusal: 'remove a folder', changes: 'folders' },
  excludes: { doing: 'saving exclusions', refusal: 'change what a folder excludes', changes: 'decisions', joins: true },
  reference: { doing: 'saving reference folders', refusal: 'save reference folders', changes: 'decisions', joins: true },
  notDuplicates: { doing: 'saving a decision', refusal: 'save "not duplicates" marks', changes: 'decisions', joins: true },
  pixelHashes: { doing: 'saving pixel hashes', refusal: 'save pixel hashes', changes: 'files', joins: true },
  thumbnails: { doing: 'checking the library', refusal: 'rebuild thumbnails', changes: 'nothing' },
  settle: { doing: 'opening the library', refusal: 'settle an interrupted clean-up', changes: 'files' },
} as const satisfies Record<string, Write>;
