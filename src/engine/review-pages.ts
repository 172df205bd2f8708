/**
 * The Duplicates view's pages (`duplicates:list`): the whole reviewed list is computed once per
 * setting and kept until the library changes, and each call answers one page of it. A slider step,
 * a far jump or a keeper change sends a page, never the whole list across both process hops.
 *
 * Only the newest request of a view runs to the end: a request with the `view` of one still running
 * stops that one between its steps (the core's review checks its signal), which answers `superseded`.
 */
import { DoppelError, InvalidArgumentError } from '../core/errors.js';
import { ErrorCodes } from '../shared/errors.js';
import type { ParsedInput } from '../shared/ipc-contract.js';
import { limits } from '../shared/limits.js';
import type {
  DuplicateGroup,
  DuplicateKind,
  DuplicateKindFilter,
  DuplicatesPage,
  DuplicatesReport,
  DuplicatesTotals,
  CleanPlanPage,
  KeeperRule,
  ReviewGroup,
} from '../shared/types.js';
import { groupId, hash53, toReviewGroup } from './review-group.js';
import { planPage } from './review-plan.js';

/** What decides the groups of a list: everything in the input but where the page starts and who asks. */
export interface ReviewQuery {
  readonly kind: DuplicateKindFilter;
  readonly threshold?: number;
  readonly hashDistance?: number;
  readonly keep?: { readonly rule: KeeperRule; readonly folder?: string };
  readonly protectedFolders?: readonly string[];
}

/** The reviewed list of `query` (the core's `duplicates`); stops with the signal's reason when it is aborted. */
export type Reviewer = (query: ReviewQuery, signal: AbortSignal) => Promise<DuplicatesReport>;

export type PageRequest = NonNullable<ParsedInput<'duplicates:list'>>;
export type PlanRequest = ParsedInput<'duplicates:plan'>;
/** The part of a request that decides its groups. */
type QueryRequest = Pick<PageRequest, 'kind' | 'threshold' | 'hashDistance' | 'keep' | 'protectedFolders'>;

/** A newer request of the same view replaced this one: its answer would be thrown away. */
export class SupersededError extends DoppelError {
  override readonly name = 'SupersededError' as const;
  constructor(view: string) {
    super(ErrorCodes.superseded, `Listing duplicates for ${view} stopped: a newer request of that view replaced it`);
  }
}

/**
 * Lists kept at once: the last settings a user went back and forth between. A list's groups are
 * mostly the review's own objects (a slider step reuses the groups it left as they were), so a kept
 * list costs little more than its array.
 */
export const KEPT_LISTS = 6;

interface ReviewedList {
  /** Changes with the groups: the query, and the library version it was reviewed at. */
  readonly id: string;
  readonly groups: readonly DuplicateGroup[];
  readonly totals: DuplicatesTotals;
  /** Group ids, worked out when first needed (a focus asked by id). */
  ids: string[] | null;
}

interface Running {
  readonly done: Promise<ReviewedList>;
  readonly controller: AbortController;
  /** Requests still waiting for it: the review stops when the last one is superseded. */
  waiters: number;
}

export class ReviewPages {
  readonly #review: Reviewer;
  readonly #version: () => number;
  /** Reviewed lists by query and library version, least recently used first. */
  readonly #lists = new Map<string, ReviewedList>();
  readonly #running = new Map<string, Running>();
  /** The running request of each view. */
  readonly #views = new Map<string, AbortController>();

  /**
   * @param review the core's review of a query
   * @param version a number that changes whenever the library or the user's decisions change (the
   *   lists reviewed at another version are dropped)
   */
  constructor(review: Reviewer, version: () => number) {
    this.#review = review;
    this.#version = version;
  }

  /** One page of the list `request` asks for; a newer request of its `view` makes it fail with `superseded`. */
  async page(request: PageRequest = { limit: limits.duplicatePageSize.default }): Promise<DuplicatesPage> {
    const { view } = request;
    const controller = new AbortController();
    if (view !== undefined) {
      this.#views.get(view)?.abort(new SupersededError(view));
      this.#views.set(view, controller);
    }
    try {
      const list = await this.#list(queryOf(request), controller.signal);
      controller.signal.throwIfAborted();
      return pageOf(list, request);
    } finally {
      if (view !== undefined && this.#views.get(view) === controller) this.#views.delete(view);
    }
  }

  /**
   * A page of the clean-up by rule of the whole list `request` names (see `duplicates:plan`). Not
   * tied to a view: the assistant's preview runs beside the list the view shows, and shares it.
   */
  async plan(request: PlanRequest): Promise<CleanPlanPage> {
    const list = await this.#list(queryOf(request), new AbortController().signal);
    return planPage(list.id, list.groups, request);
  }

  /**
   * Refuses a clean-up confirmed on a plan of another list than the one `request` names now (the
   * library or the decisions changed since the preview): what moves must be what the preview showed.
   */
  assertCurrentList(listIdAsked: string, request: QueryRequest): void {
    const now = listId(`${this.#version()}\n${JSON.stringify(queryOf(request))}`);
    if (now !== listIdAsked) {
      throw new InvalidArgumentError(
        'Moving the copies of the preview stopped: the library or its decisions changed since the preview was made (preview again)',
      );
    }
  }

  /** The reviewed list of `query` at the library's current version: kept, shared with a request running it, or reviewed now. */
  async #list(query: ReviewQuery, signal: AbortSignal): Promise<ReviewedList> {
    const version = this.#version();
    const key = `${version}\n${JSON.stringify(query)}`;
    const kept = this.#lists.get(key);
    if (kept) {
      this.#lists.delete(key); // most recently used last
      this.#lists.set(key, kept);
      return kept;
    }
    // Lists of an older version describe a library that is gone.
    for (const [other] of this.#lists) if (!other.startsWith(`${version}\n`)) this.#lists.delete(other);
    let running = this.#running.get(key);
    if (!running) {
      const controller = new AbortController();
      const done = this.#review(query, controller.signal).then((report) => toList(key, report));
      running = { done, controller, waiters: 0 };
      this.#running.set(key, running);
      const settled = running;
      done.then(
        (list) => {
          if (this.#running.get(key) === settled) this.#running.delete(key);
          this.#lists.set(key, list);
          while (this.#lists.size > KEPT_LISTS) this.#lists.delete(this.#lists.keys().next().value ?? key);
        },
        () => {
          if (this.#running.get(key) === settled) this.#running.delete(key);
        },
      );
    }
    return this.#wait(running, signal);
  }

  /** Waits for a running review, or for `signal` (then the review stops too, when nobody else waits). */
  async #wait(running: Running, signal: AbortSignal): Promise<ReviewedList> {
    signal.throwIfAborted();
    running.waiters += 1;
    let onAbort: () => void = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        running.waiters -= 1;
        if (running.waiters === 0) running.controller.abort(signal.reason);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([running.done, aborted]);
    } finally {
      if (!signal.aborted) {
        running.waiters -= 1;
        signal.removeEventListener('abort', onAbort);
      }
    }
  }
}

/** The part of a request that decides its groups, with the core's defaults filled in so equal lists share one key. */
function queryOf(request: QueryRequest): ReviewQuery {
  const kind = request.kind ?? 'all';
  // Byte and pixel copies do not depend on the near-duplicate settings.
  const near = kind === 'all' || kind === 'near' || kind === 'shots';
  return {
    kind,
    ...(near
      ? {
          threshold: request.threshold ?? limits.nearThreshold.default,
          hashDistance: request.hashDistance ?? limits.nearHashDistance.default,
        }
      : {}),
    ...(request.keep
      ? { keep: request.keep.folder ? { rule: request.keep.rule, folder: request.keep.folder } : { rule: request.keep.rule } }
      : {}),
    ...(request.protectedFolders && request.protectedFolders.length > 0 ? { protectedFolders: [...request.protectedFolders].sort() } : {}),
  };
}

function toList(key: string, report: DuplicatesReport): ReviewedList {
  const byKind: Record<DuplicateKind, number> = { exact: 0, pixel: 0, near: 0, shots: 0 };
  let copies = 0;
  for (const group of report.groups) {
    byKind[group.kind] += 1;
    copies += group.copies.length;
  }
  return {
    id: listId(key),
    groups: report.groups,
    totals: { groups: report.groups.length, copies, wastedBytes: report.wastedBytes, byKind },
    ids: null,
  };
}

/** Where the page starts: after the cursor, at the group in focus, at the offset asked, or at the top. */
function pageOf(list: ReviewedList, request: PageRequest): DuplicatesPage {
  const total = list.groups.length;
  const limit = request.limit;
  const lastPage = Math.max(0, total - limit);
  let focusIndex: number | null | undefined;
  let offset = 0;
  const after = request.cursor === undefined ? null : cursorOffset(request.cursor);
  if (after !== null) offset = after;
  else if (request.focus) {
    focusIndex = findFocus(list, request.focus);
    offset = focusIndex ?? Math.min(request.offset ?? 0, lastPage);
  } else if (request.offset !== undefined) offset = Math.min(request.offset, lastPage);
  offset = Math.min(offset, total);
  const end = Math.min(total, offset + limit);
  const groups: ReviewGroup[] = [];
  for (let index = offset; index < end; index++) {
    const group = list.groups[index];
    if (group) groups.push(toReviewGroup(group, index, idOf(list, index, group)));
  }
  return {
    list: list.id,
    offset,
    groups,
    totals: list.totals,
    next: end < total ? `${list.id}:${end}` : null,
    ...(focusIndex !== undefined ? { focusIndex } : {}),
  };
}

/** The offset a cursor continues at (whatever list it was cut from: a changed list is told by `list`). */
function cursorOffset(cursor: string): number | null {
  const offset = Number(cursor.slice(cursor.lastIndexOf(':') + 1));
  return Number.isSafeInteger(offset) && offset >= 0 ? offset : null;
}

function idOf(list: ReviewedList, index: number, group: DuplicateGroup): string {
  return list.ids?.[index] ?? groupId(group);
}

/**
 * The index of the group now holding the focused path (the same group when its files did not
 * change, else the one its copy went to), else of the group with the focused id; null when none.
 * The path is looked up first: it costs a scan of the copies, where ids must be worked out for
 * every group of the list.
 */
function findFocus(list: ReviewedList, focus: NonNullable<PageRequest['focus']>): number | null {
  const { path, group } = focus;
  if (path !== undefined) {
    const index = list.groups.findIndex((each) => each.files.includes(path));
    if (index >= 0) return index;
  }
  if (group !== undefined) {
    list.ids ??= list.groups.map(groupId);
    const index = list.ids.indexOf(group);
    if (index >= 0) return index;
  }
  return null;
}

/** A short id of a list key (the version and the query). */
function listId(key: string): string {
  return `l${hash53(key).toString(36)}`;
}
