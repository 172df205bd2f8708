/**
 * The IPC contract: the single source of truth for every call the UI can make, whichever door it
 * comes through (Electron IPC via preload, or HTTP via the browser-mode bridge).
 *
 * Each channel maps to a zod input schema (validated once, by the engine's dispatcher, whichever
 * door the call came through: Electron main only checks the caller is the app's page) and an
 * output type. The renderer's `window.api` type is derived from
 * this map in `api.ts`; nothing restates it.
 */
import { z } from 'zod';
import type { Channel } from './channels.js';
import {
  KEEPER_RULES,
  PHOTO_SHOWS,
  PHOTO_SORTS,
  type AboutInfo,
  type CleanPlanPage,
  type CleanReport,
  type DuplicatesPage,
  type FindReport,
  type IndexProgress,
  type IndexReport,
  type FolderListing,
  type LibraryRoot,
  type LibraryStats,
  type NearPairsProgress,
  type NotDuplicatePair,
  type OperationSummary,
  type PhotoDetails,
  type PhotoPage,
  type SimilarReport,
  type Timeline,
  type UndoReport,
} from './types.js';
import { ErrorCodes, type AppError } from './errors.js';
import { limitViolation, limits, type LimitName } from './limits.js';
import { err, ok, type Result } from './result.js';
import { isAbsolutePath } from './paths.js';

/** Phantom carrier of an output type: exists only for the type checker. */
export interface Returns<T> {
  readonly __returns?: T;
}

function returns<T>(): Returns<T> {
  return {};
}

interface ChannelSpec {
  readonly input: z.ZodType;
  readonly output: Returns<unknown>;
}

/** POSIX (`/photos`), Windows drive (`C:\photos`) or UNC (`\\nas\photos`); no `node:path` here. */

/** A number held to one of the shared limits, with the same message every door gives. */
function limited(name: LimitName) {
  return z.number().superRefine((value, context) => {
    const violation = limitViolation(name, value);
    if (violation) context.addIssue({ code: 'custom', message: violation });
  });
}

const absolutePath = z
  .string()
  .min(limits.pathLength.min, 'path is empty')
  .max(limits.pathLength.max, 'path is too long')
  .refine(isAbsolutePath, { message: 'must be an absolute path' });

const noInput = z.undefined();

/** Which copy of each group to keep; `in-folder` names its folder. */
const keeperChoice = z
  .object({ rule: z.enum(KEEPER_RULES), folder: absolutePath.optional() })
  .strict()
  .refine((keep) => keep.rule !== 'in-folder' || keep.folder !== undefined, { message: 'the in-folder rule needs a folder' });

/** What the Library view lists (see `PhotoQuery`). */
const photoQuery = z.object({
  sort: z.enum(PHOTO_SORTS).default('taken'),
  order: z.enum(['asc', 'desc']).optional(),
  folder: absolutePath.optional(),
  show: z.enum(PHOTO_SHOWS).default('all'),
});

export const contract = {
  /** Counts and roots of the library. */
  'library:stats': { input: noInput, output: returns<LibraryStats>() },
  /** One page of one section of the library listing (see `PhotoQuery`, `Timeline`); pages by keyset, never by offset. */
  'library:photos': {
    input: photoQuery
      .extend({
        /** The section to list (a key from `library:timeline`); the whole listing when left out. */
        section: z.string().min(1).max(limits.pathLength.max).optional(),
        /** `next` of the previous page. */
        after: z
          .string()
          .min(1)
          .max(limits.pathLength.max * 2)
          .optional(),
        limit: limited('photoPageSize').default(limits.photoPageSize.default),
      })
      .strict(),
    output: returns<PhotoPage>(),
  },
  /** The sections of a listing with their counts, in order: what a view needs to size and scrub a timeline. */
  'library:timeline': { input: photoQuery.strict().optional(), output: returns<Timeline>() },
  /** The viewer's details of one library file; fails with invalid_input when the library does not have it. */
  'library:photo': { input: z.object({ path: absolutePath }).strict(), output: returns<PhotoDetails>() },
  /** The library's folders with their counts, exclusions and protection. */
  'library:roots': { input: noInput, output: returns<readonly LibraryRoot[]>() },
  /**
   * Takes a folder out of the library: its photos leave the listing, duplicate groups and similar
   * results; files on disk and decisions are untouched. Refused while an index job runs
   * (`job_running`); a folder that is not a library root is `invalid_input`.
   */
  'library:removeRoot': { input: z.object({ path: absolutePath }).strict(), output: returns<{ readonly removed: number }>() },
  /**
   * Replaces a folder's exclusion patterns (picomatch globs relative to it); they apply from its next
   * index, which drops the files they now match (answers the folder). A pattern that can never match
   * (unbalanced brackets) or an absolute one is `invalid_input`, naming it.
   */
  'library:setExcludes': {
    input: z
      .object({
        path: absolutePath,
        excludes: z.array(z.string().trim().min(1, 'a pattern is empty').max(limits.pathLength.max)).max(limits.excludePatterns.max),
      })
      .strict(),
    output: returns<LibraryRoot>(),
  },
  /**
   * Lists the sub-folders of a folder (home when left out): browser mode's folder picker. A missing
   * folder or a file is `invalid_input`.
   */
  'folders:list': {
    input: z.object({ path: absolutePath.optional() }).strict().optional(),
    output: returns<FolderListing>(),
  },
  /** Versions, model and execution provider (and why), live-update state: the About page. */
  'app:about': { input: noInput, output: returns<AboutInfo>() },
  /**
   * Starts (re)indexing the given folders, adding new ones to the library's roots; answers with the
   * job id at once. A folder that does not exist (or is a file) is refused at once, `invalid_input`
   * naming it, and no job starts.
   */
  'library:index': {
    input: z
      .object({ roots: z.array(absolutePath).min(limits.indexRoots.min, 'give at least one folder').max(limits.indexRoots.max) })
      .strict(),
    output: returns<{ readonly jobId: string }>(),
  },
  /** Current and recent jobs, so a reloaded UI can pick up a running index. */
  'jobs:list': { input: noInput, output: returns<readonly JobSnapshot[]>() },
  /**
   * Asks a job to stop between photos, or the near-duplicate comparison (the id of its `nearPairs`
   * events) to stop; `cancelled` is false when it had already finished.
   */
  'jobs:cancel': {
    input: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    output: returns<{ readonly cancelled: boolean }>(),
  },
  /**
   * One page of the reviewed duplicate groups, biggest savings first (see `DuplicatesPage`): the
   * first page, the page after `cursor`, the page at `offset` (a far jump), or the page that starts
   * with the group in `focus`. With `view`, a newer request of the same view stops this one between
   * steps: it answers `superseded` (nothing to show), and only the newest runs to the end.
   */
  'duplicates:list': {
    input: z
      .object({
        kind: z.enum(['exact', 'pixel', 'near', 'shots', 'all']).optional(),
        /** Minimum embedding similarity for `near` groups. */
        threshold: limited('nearThreshold').optional(),
        /** Maximum perceptual-hash Hamming distance (bits of the 64-bit hash). */
        hashDistance: limited('nearHashDistance').optional(),
        /** Keeper rule that orders each group: the first file is the one `clean` keeps. */
        keep: keeperChoice.optional(),
        protectedFolders: z.array(absolutePath).max(limits.indexRoots.max).optional(),
        /** Who asks (a name the client chooses): a newer request with the same `view` supersedes this one. */
        view: z.string().min(1).max(64).optional(),
        /** `next` of the previous page. */
        cursor: z.string().min(1).max(200).optional(),
        /** The page starting at this group index (a jump); past the end, the last page. */
        offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
        /** The page starting at the group now holding `path` (the focused one, or where its copy went), else at group `id`. */
        focus: z
          .object({ group: z.string().min(1).max(64).optional(), path: absolutePath.optional() })
          .strict()
          .optional(),
        limit: limited('duplicatePageSize').default(limits.duplicatePageSize.default),
      })
      .strict()
      .optional(),
    output: returns<DuplicatesPage>(),
  },
  'similar:query': {
    input: z
      .object({
        paths: z.array(absolutePath).min(limits.similarQueries.min).max(limits.similarQueries.max),
        limit: limited('similarResults').optional(),
      })
      .strict(),
    output: returns<readonly SimilarReport[]>(),
  },
  /** "Is this photo already in my library?" for any file on disk. */
  'find:query': { input: z.object({ path: absolutePath }).strict(), output: returns<FindReport>() },
  /**
   * The bulk assistant's preview: what a clean-up by rule (`duplicates:clean` with the same input and
   * no selection) keeps and moves over the WHOLE reviewed list, decided from the list alone (nothing
   * on disk is read): totals, and the groups from `offset` with each copy's decision. Similar shots
   * are never planned (kind `shots` is refused; `all` leaves them out).
   */
  'duplicates:plan': {
    input: z
      .object({
        kind: z.enum(['exact', 'pixel', 'near', 'all']).default('all'),
        threshold: limited('nearThreshold').optional(),
        hashDistance: limited('nearHashDistance').optional(),
        keep: keeperChoice.optional(),
        /** Keep one copy in each folder that holds copies of a group (the keeper rule picks which there). */
        perFolder: z.boolean().default(false),
        protectedFolders: z.array(absolutePath).max(limits.indexRoots.max).optional(),
        offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
        limit: limited('planPageSize').default(limits.planPageSize.default),
      })
      .strict(),
    output: returns<CleanPlanPage>(),
  },
  /** Moves every copy but the one to keep of each group to the trash (journaled, undoable); `dryRun` only lists. */
  'duplicates:clean': {
    input: z
      .object({
        kind: z.enum(['exact', 'pixel', 'near', 'shots', 'all']).default('exact'),
        threshold: limited('nearThreshold').optional(),
        hashDistance: limited('nearHashDistance').optional(),
        keep: keeperChoice.optional(),
        /**
         * The review's own choices, group by group: copies to keep and copies to move. Each is
         * checked against the groups of `kind` (a copy no longer in its keeper's group stays).
         */
        selection: z
          .array(
            z
              .object({
                keep: z.array(absolutePath).min(limits.groupCopies.min, 'keep at least one copy of each group').max(limits.groupCopies.max),
                trash: z.array(absolutePath).max(limits.groupCopies.max),
              })
              .strict()
              .refine((choice) => !choice.trash.some((file) => choice.keep.includes(file)), {
                message: 'a copy cannot be both kept and trashed',
              }),
          )
          .min(limits.cleanGroups.min)
          .max(limits.cleanGroups.max)
          .optional(),
        dryRun: z.boolean().default(false),
        protectedFolders: z.array(absolutePath).max(limits.indexRoots.max).optional(),
        /** Without a selection: keep one copy in each folder that holds copies of a group (see `duplicates:plan`). */
        perFolder: z.boolean().default(false),
        /**
         * The `list` of the `duplicates:plan` page the user confirmed: refused (`invalid_input`) when
         * the reviewed list is no longer that one, so exactly what the preview showed moves.
         */
        list: z.string().min(1).max(64).optional(),
      })
      .strict(),
    output: returns<CleanReport>(),
  },
  /**
   * Files that must never share a duplicate group again (kept by content); answers the operation id.
   * With `against`, only each of `paths` against each of `against` (one copy taken out of a group).
   */
  'duplicates:markNotDuplicates': {
    input: z
      .object({
        paths: z.array(absolutePath).min(limits.groupCopies.min).max(limits.groupCopies.max),
        against: z.array(absolutePath).min(limits.groupCopies.min).max(limits.groupCopies.max).optional(),
      })
      .strict()
      .refine((input) => input.against !== undefined || input.paths.length >= 2, { message: 'name at least two files' }),
    output: returns<{ readonly operation: string }>(),
  },
  /** Every "not duplicates" decision, newest first. */
  'duplicates:notDuplicates': { input: noInput, output: returns<readonly NotDuplicatePair[]>() },
  /** Forgets every "not duplicates" decision. */
  'duplicates:clearNotDuplicates': { input: noInput, output: returns<{ readonly cleared: number }>() },
  /** Reference folders saved with the library: never cleaned, their copies kept first. */
  'library:protectedFolders': { input: noInput, output: returns<readonly string[]>() },
  'library:setProtectedFolders': {
    input: z.object({ folders: z.array(absolutePath).max(limits.indexRoots.max) }).strict(),
    output: returns<readonly string[]>(),
  },
  /** Reverses an operation (default: the last one not undone). */
  'operations:undo': {
    input: z
      .object({ operation: z.string().min(1).max(64).optional() })
      .strict()
      .optional(),
    output: returns<UndoReport>(),
  },
  /** Past operations, newest first. */
  'operations:history': { input: noInput, output: returns<readonly OperationSummary[]>() },
} as const satisfies Record<Channel, ChannelSpec>;

export type Contract = typeof contract;

/** What a caller passes (before zod defaults/transforms). */
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;

/** What the handler receives after validation. */
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>;

export type ChannelOutput<C extends Channel> = Contract[C]['output'] extends Returns<infer T> ? T : never;

/**
 * Validates `input` against the channel's schema.
 * @example parseChannelInput('find:query', { path: 'a.jpg' }) // → { ok: false, error: { code: 'invalid_input', … } }
 */
export function parseChannelInput<C extends Channel>(channel: C, input: unknown): Result<ParsedInput<C>> {
  // A channel name from a plain-JS caller may be anything: check before indexing.
  if (!Object.hasOwn(contract, channel)) return err(ErrorCodes.unknownChannel, `Unknown channel "${channel}"`);
  const spec: ChannelSpec = contract[channel];
  const parsed = spec.input.safeParse(input);
  if (parsed.success) return ok(parsed.data as ParsedInput<C>);
  const details = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
  return err(ErrorCodes.invalidInput, `Invalid input for ${channel}: ${details}`);
}

// ---- Jobs and events ----------------------------------------------------------------------------

interface JobBase {
  readonly id: string;
  readonly kind: 'index';
  /** `user`: asked for; `watch`: started by live updates after photos changed under the roots. */
  readonly reason: 'user' | 'watch';
  readonly roots: readonly string[];
  /** Epoch milliseconds. */
  readonly startedAt: number;
}

/** A job's whole state; events carry it whole so a listener never has to merge partial updates. */
export type JobSnapshot =
  | (JobBase & { readonly state: 'running'; readonly progress: IndexProgress | null })
  | (JobBase & { readonly state: 'done'; readonly report: IndexReport })
  | (JobBase & { readonly state: 'failed'; readonly error: AppError });

/** Pushed from the engine to every UI: over `webContents.send` in Electron, over SSE in browser mode. */
export type AppEvent =
  /** A job changed. `running` updates are throttled to a few per second; the final one always comes. */
  | { readonly type: 'job'; readonly job: JobSnapshot }
  /** The near-duplicate comparison that `duplicates:list` waits for; throttled like jobs, the final one always comes. */
  | { readonly type: 'nearPairs'; readonly progress: NearPairsProgress }
  /** The engine process died and was started again; pending calls failed with `engine_crashed`. */
  | { readonly type: 'engine'; readonly status: 'restarted' | 'unavailable'; readonly message: string };
