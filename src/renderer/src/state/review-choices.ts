/**
 * What the user chose in the Duplicates review: the copies to keep and to move in each group (by
 * group id; a group without a choice keeps its suggested first copy) and the groups ticked for a
 * bulk clean-up ("Select all" ticks every group of the list, loaded or not, but those unticked).
 * Similar shots are never in a bulk clean-up.
 */
import { computed, reactive, readonly } from 'vue';
import type { ReviewGroup } from '../../../shared/types.js';
import { loadedGroups, reviewList } from './review-list.js';

/** What the user chose in one group: the copies to keep and the copies to move to the trash. */
export interface GroupChoice {
  readonly keep: readonly string[];
  readonly trash: readonly string[];
}

interface ChoicesState {
  /** Choices the user made, by group id; groups without an entry use the suggestion. */
  choices: Record<string, GroupChoice>;
  /** Group ids ticked for a bulk clean-up; with `allSelected`, the ids NOT ticked. */
  selected: Set<string>;
  allSelected: boolean;
}

const state = reactive<ChoicesState>({ choices: {}, selected: new Set(), allSelected: false });
export const reviewChoices = readonly(state);

export const filesOf = (group: ReviewGroup): string[] => group.copies.map((copy) => copy.path);

/** Keep this copy (and reference copies, which always stay), move every other. */
function keepingOnly(group: ReviewGroup, filePath: string | undefined): GroupChoice {
  const keep = group.copies.filter((copy) => copy.path === filePath || copy.protected).map((copy) => copy.path);
  return { keep, trash: filesOf(group).filter((file) => !keep.includes(file)) };
}

export function choiceOf(group: ReviewGroup): GroupChoice {
  const chosen = state.choices[group.id];
  if (!chosen) return keepingOnly(group, group.copies[0]?.path); // the suggestion: the first copy
  // A folder protected after the choice was made still wins: its copies always stay.
  const kept = new Set([...chosen.keep, ...group.copies.filter((copy) => copy.protected).map((copy) => copy.path)]);
  return { keep: filesOf(group).filter((file) => kept.has(file)), trash: chosen.trash.filter((file) => !kept.has(file)) };
}

/** How many copies would move for these groups, and the bytes they free (hard links aside). */
export function trashPlan(...groups: readonly ReviewGroup[]): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const group of groups) {
    const trash = new Set(choiceOf(group).trash);
    count += trash.size;
    bytes += group.copies.reduce((sum, copy) => sum + (trash.has(copy.path) ? copy.size : 0), 0);
  }
  return { count, bytes };
}

/** One click: keep this copy only (reference copies stay too), move the others. */
export function keepOnly(group: ReviewGroup, filePath: string): void {
  state.choices[group.id] = keepingOnly(group, filePath);
}

/** Toggles one copy between "keep" and "move to trash"; the last kept copy cannot be toggled away. */
export function toggleCopy(group: ReviewGroup, filePath: string): void {
  const choice = choiceOf(group);
  const copy = group.copies.find((candidate) => candidate.path === filePath);
  if (!copy || copy.protected) return;
  if (choice.keep.includes(filePath)) {
    if (choice.keep.length === 1) return; // never the last copy
    state.choices[group.id] = { keep: choice.keep.filter((file) => file !== filePath), trash: [...choice.trash, filePath] };
  } else {
    state.choices[group.id] = { keep: [...choice.keep, filePath], trash: choice.trash.filter((file) => file !== filePath) };
  }
}

/** Duplicates can be cleaned up many groups at once; similar shots are other pictures, chosen group by group. */
export function inBulk(group: ReviewGroup): boolean {
  return group.kind !== 'shots';
}

export function isSelected(group: ReviewGroup): boolean {
  return inBulk(group) && state.selected.has(group.id) !== state.allSelected;
}

export function toggleSelected(group: ReviewGroup): void {
  if (!inBulk(group)) return;
  if (state.selected.has(group.id)) state.selected.delete(group.id);
  else state.selected.add(group.id);
}

/** Ticks (or unticks) every group of the list a bulk clean-up may take, loaded or not. */
export function setSelectedAll(selected: boolean): void {
  state.allSelected = selected;
  state.selected = new Set();
}

/** Groups of the list a bulk clean-up may take: every group but similar shots. */
export const bulkCount = computed(() => {
  const totals = reviewList.totals;
  return totals ? totals.groups - totals.byKind.shots : 0;
});

/** How many groups are ticked, loaded or not. */
export const selectedCount = computed(() => (state.allSelected ? bulkCount.value - state.selected.size : state.selected.size));

/** The ticked groups among those loaded (all of them once `loadEveryGroup` ran). */
export function selectedGroups(): ReviewGroup[] {
  return loadedGroups()
    .map(({ group }) => group)
    .filter(isSelected);
}

/** A new keeper rule: the suggestions the choices started from are gone. */
export function clearChoices(): void {
  state.choices = {};
}

/** These groups were acted on: their choices are spent. */
export function forgetChoices(groups: readonly ReviewGroup[]): void {
  for (const group of groups) Reflect.deleteProperty(state.choices, group.id);
}
