/**
 * The bulk assistant's pages (`duplicates:plan`): the clean-up by rule of a whole reviewed list,
 * page by page, decided by the core's `planGroup` from the list `ReviewPages` keeps (no disk access),
 * so a preview over 100k groups costs a pass over the list once, then a slice per page.
 */
import { planGroup, planTotals } from '../core/cleanup/clean-plan.js';
import type { CleanPlanPage, CleanPlanTotals, DuplicateGroup } from '../shared/types.js';

/** Totals of each list's plan, with and without `perFolder`: a list's groups never change once reviewed. */
const totalsOf = new WeakMap<readonly DuplicateGroup[], Map<boolean, CleanPlanTotals>>();

export interface PlanSlice {
  readonly offset: number;
  readonly limit: number;
  readonly perFolder: boolean;
}

/** The plan's page of `groups` (the reviewed list `list`) from `slice.offset`. */
export function planPage(list: string, groups: readonly DuplicateGroup[], slice: PlanSlice): CleanPlanPage {
  const kept = totalsOf.get(groups) ?? new Map<boolean, CleanPlanTotals>();
  totalsOf.set(groups, kept);
  let totals = kept.get(slice.perFolder);
  if (!totals) {
    totals = planTotals(groups, { perFolder: slice.perFolder });
    kept.set(slice.perFolder, totals);
  }
  const offset = Math.min(slice.offset, groups.length);
  const end = Math.min(groups.length, offset + slice.limit);
  const page = groups.slice(offset, end).map((group, at) => planGroup(group, offset + at, { perFolder: slice.perFolder }));
  return { list, offset, groups: page, totals, next: end < groups.length ? end : null };
}
