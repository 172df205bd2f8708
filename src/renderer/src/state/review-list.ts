/**
 * The Duplicates view's list, a page at a time (`duplicates:list`): the groups the engine sent, by
 * their index in the whole list (a sparse array: a list of 50,000 groups holds only the pages
 * scrolled to), the list's totals, and the one place where requests are spaced out: a slider
 * dragged step by step asks once it rests, and only the newest request runs in the engine (`view`).
 *
 * The groups are not reactive (a list can hold 100k copies): `version` is bumped when they change.
 */
import { markRaw, reactive, readonly } from 'vue';
import { ErrorCodes } from '../../../shared/errors.js';
import type { ChannelInput } from '../../../shared/ipc-contract.js';
import { limits } from '../../../shared/limits.js';
import type { DuplicatesPage, DuplicatesTotals, ReviewGroup } from '../../../shared/types.js';
import { api } from '../api/index.js';

/** What decides the groups of a list (the rest of a request says which page). */
export type ListQuery = Omit<NonNullable<ChannelInput<'duplicates:list'>>, 'view' | 'cursor' | 'offset' | 'focus' | 'limit'>;

/** Where a new list opens: at the group in focus (by id, else the group holding a path), or at an index. */
export type ListPlace = { readonly focus: { readonly group?: string; readonly path?: string } } | { readonly offset: number };

/** Groups per page: a screen shows a few, scrolling asks for the next page well before it is needed. */
export const PAGE_GROUPS = 50;
/** Groups per page when every group is wanted (a bulk clean-up of the whole list). */
const BULK_PAGE_GROUPS = limits.duplicatePageSize.max;
/** The engine runs only the newest request of this view: the older one stops and answers `superseded`. */
const VIEW = 'duplicates';

interface ListState {
  /** The engine's id of the list shown, null before the first answer. */
  list: string | null;
  /** The query of the list shown (JSON), to tell a page of it from a page of another. */
  query: string | null;
  totals: DuplicatesTotals | null;
  /** A new list is on its way (a setting changed); the one shown stays until it comes. */
  loading: boolean;
  error: string | null;
  /** Bumped whenever the groups change. */
  version: number;
  /** Set by an answer that opened at a place: the index it found (null when no group holds it). */
  placed: { readonly index: number | null; readonly serial: number } | null;
}

const state = reactive<ListState>({ list: null, query: null, totals: null, loading: false, error: null, version: 0, placed: null });
export const reviewList = readonly(state);

let slots: (ReviewGroup | undefined)[] = markRaw([]);
/** Page starts asked for, of the list shown. */
const pending = new Set<number>();
let query: ListQuery | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
/** Bumped by each list request, so that an older answer is dropped. */
let serial = 0;
/** Bumped by each change made here (groups dropped or put back): a page asked before it is placed wrong. */
let edits = 0;

/** The group at `index` of the list shown, if its page came. */
export function groupAt(index: number): ReviewGroup | undefined {
  return slots[index];
}

export function groupCount(): number {
  return slots.length;
}

/** The groups of the list that came so far, with their index. */
export function loadedGroups(): { readonly index: number; readonly group: ReviewGroup }[] {
  const loaded: { index: number; group: ReviewGroup }[] = [];
  slots.forEach((group, index) => {
    if (group) loaded.push({ index, group });
  });
  return loaded;
}

/**
 * Asks for the list of `next` in `delayMs` (the newest call wins: a slider dragged a step at a time
 * asks once, when it rests), opening at `place`; `quiet`: the list shown again, in the background.
 */
export function requestList(next: ListQuery, place: ListPlace, delayMs = 0, options: { readonly quiet?: boolean } = {}): void {
  clearTimeout(timer);
  const asked = ++serial;
  // A refresh of the list shown (after an action) does not dim it: nothing the user asked for is on its way.
  if (!options.quiet || state.query !== JSON.stringify(next)) state.loading = true;
  timer = setTimeout(() => void loadList(next, place, asked), delayMs);
}

async function loadList(next: ListQuery, place: ListPlace, asked: number): Promise<void> {
  const result = await api.duplicates.list({ ...next, view: VIEW, limit: PAGE_GROUPS, ...place });
  if (asked !== serial) return;
  // A newer request of this view replaced this one in the engine: its answer is the one to wait for.
  if (!result.ok && result.error.code === ErrorCodes.superseded) return;
  state.loading = false;
  if (!result.ok) {
    state.error = result.error.message;
    return;
  }
  state.error = null;
  install(next, result.value, 'focus' in place);
}

function install(next: ListQuery, page: DuplicatesPage, placed: boolean): void {
  query = next;
  state.query = JSON.stringify(next);
  state.list = page.list;
  state.totals = page.totals;
  slots = markRaw(Array.from<ReviewGroup | undefined>({ length: page.totals.groups }));
  pending.clear();
  place(page);
  if (placed) state.placed = { index: page.focusIndex ?? null, serial };
}

function place(page: DuplicatesPage): void {
  page.groups.forEach((group, i) => {
    if (page.offset + i < slots.length) slots[page.offset + i] = group;
  });
  state.version += 1;
}

/** Asks for the pages of groups [start, end] not here yet. */
export function ensureGroups(start: number, end: number): void {
  const last = Math.min(end, slots.length - 1);
  for (let first = Math.floor(Math.max(0, start) / PAGE_GROUPS) * PAGE_GROUPS; first <= last; first += PAGE_GROUPS) {
    if (pending.has(first)) continue;
    const missing = slots.slice(first, first + PAGE_GROUPS).some((group) => !group);
    if (missing) void loadPage(first, PAGE_GROUPS);
  }
}

/** True once every group of the list is here; asks for the ones missing (a clean-up of the whole list). */
export async function loadEveryGroup(): Promise<boolean> {
  const list = state.list;
  for (let first = 0; first < slots.length && state.list === list; first += BULK_PAGE_GROUPS) {
    if (slots.slice(first, first + BULK_PAGE_GROUPS).some((group) => !group)) await loadPage(first, BULK_PAGE_GROUPS);
  }
  return state.list === list && slots.every(Boolean);
}

async function loadPage(offset: number, limit: number): Promise<void> {
  const asked = query;
  const edit = edits;
  if (!asked) return;
  pending.add(offset);
  const result = await api.duplicates.list({ ...asked, offset, limit });
  pending.delete(offset);
  // Another list is shown now, or groups moved since it was asked for (the new list is on its way).
  if (asked !== query || edit !== edits) return;
  if (!result.ok) {
    state.error = result.error.message;
    return;
  }
  // The library changed in the engine since this list came: show the new one where the user is.
  if (result.value.list !== state.list) install(asked, result.value, false);
  else place(result.value);
}

/** Takes groups out at once (cleaned up, marked not duplicates), before the engine's new list comes. */
export function dropGroups(ids: ReadonlySet<string>): { readonly index: number; readonly group: ReviewGroup }[] {
  const dropped = loadedGroups().filter(({ group }) => ids.has(group.id));
  if (dropped.length === 0) return dropped;
  slots = markRaw(slots.filter((group) => !group || !ids.has(group.id)));
  edits += 1;
  if (state.totals)
    state.totals = withoutGroups(
      state.totals,
      dropped.map(({ group }) => group),
      -1,
    );
  pending.clear();
  state.version += 1;
  return dropped;
}

/** Takes copies out of a group at once; a group left with one copy goes. */
export function dropCopies(id: string, paths: ReadonlySet<string>): void {
  const index = slots.findIndex((group) => group?.id === id);
  const group = slots[index];
  if (!group) return;
  const copies = group.copies.filter((copy) => !paths.has(copy.path));
  if (copies.length < 2) {
    dropGroups(new Set([id]));
    return;
  }
  // `copyOf` names copies by index: an index past a removed copy would name the wrong one.
  const kept = copies.map(({ copyOf: _copyOf, ...copy }) => copy);
  const removed = group.copies.filter((copy) => paths.has(copy.path));
  slots[index] = {
    ...group,
    copies: kept,
    wastedBytes: Math.max(0, group.wastedBytes - removed.reduce((sum, copy) => sum + copy.size, 0)),
  };
  if (state.totals) state.totals = { ...state.totals, copies: state.totals.copies - removed.length };
  state.version += 1;
}

/** Puts groups back where they were (an undone action), before the engine's new list comes. */
export function restoreGroups(groups: readonly { readonly index: number; readonly group: ReviewGroup }[]): void {
  const present = new Set(loadedGroups().map(({ group }) => group.id));
  const missing = groups.filter(({ group }) => !present.has(group.id)).sort((a, b) => a.index - b.index);
  if (missing.length === 0) return;
  const next = [...slots];
  for (const { index, group } of missing) next.splice(Math.min(index, next.length), 0, group);
  slots = markRaw(next);
  edits += 1;
  if (state.totals)
    state.totals = withoutGroups(
      state.totals,
      missing.map(({ group }) => group),
      1,
    );
  pending.clear();
  state.version += 1;
}

function withoutGroups(totals: DuplicatesTotals, groups: readonly ReviewGroup[], sign: 1 | -1): DuplicatesTotals {
  const byKind = { ...totals.byKind };
  for (const group of groups) byKind[group.kind] += sign;
  const sum = (value: (group: ReviewGroup) => number): number => groups.reduce((total, group) => total + value(group), 0);
  return {
    groups: totals.groups + sign * groups.length,
    copies: totals.copies + sign * sum((group) => group.copies.length),
    wastedBytes: Math.max(0, totals.wastedBytes + sign * sum((group) => group.wastedBytes)),
    byKind,
  };
}
