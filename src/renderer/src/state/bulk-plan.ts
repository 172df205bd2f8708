/**
 * The bulk assistant (components/review/BulkAssistant.vue): a rule for every group, its preview as
 * the engine plans it over the WHOLE list (`duplicates:plan`, never only the pages the view has
 * loaded), the one confirmation that moves exactly that plan, and its export as CSV or JSON.
 *
 * Similar shots are never part of it: on the shots tab the plan is of every kind of duplicate.
 */
import { reactive, readonly } from 'vue';
import { isAbsolutePath } from '../../../shared/paths.js';
import { limits } from '../../../shared/limits.js';
import { planCsv, planJson } from '../../../shared/plan-export.js';
import type { CleanPlanPage, CleanReport, DuplicateKindFilter, KeeperRule, PlannedGroup } from '../../../shared/types.js';
import { api } from '../api/index.js';
import { cleanByRule, review, usesNearSettings } from './duplicate-review.js';
import { nearSensitivity } from './near-settings.js';

/** Groups the preview shows at first; "Show more" adds as many again. */
const PREVIEW_GROUPS = 30;

interface BulkPlanState {
  rule: KeeperRule;
  folder: string;
  perFolder: boolean;
  /** The plan's first page (totals of the whole list) and the groups shown so far. */
  plan: CleanPlanPage | null;
  shown: PlannedGroup[];
  loading: boolean;
  error: string | null;
}

const state = reactive<BulkPlanState>({
  rule: 'highest-resolution',
  folder: '',
  perFolder: false,
  plan: null,
  shown: [],
  loading: false,
  error: null,
});

export const bulkPlan = readonly(state);

/** A newer preview replaces an older one still on its way. */
let asked = 0;

export function setBulkRule(rule: KeeperRule, folder: string, perFolder: boolean): void {
  state.rule = rule;
  state.folder = folder.trim().replace(/(?<=.)[\\/]+$/, '');
  state.perFolder = perFolder;
}

/** The plan's query: the review's kind (every duplicate kind on the shots tab) and near settings, the assistant's rule. */
function planQuery() {
  const kind: Exclude<DuplicateKindFilter, 'shots'> = review.kind === 'shots' ? 'all' : review.kind;
  return {
    kind,
    keep: state.rule === 'in-folder' ? { rule: state.rule, folder: state.folder } : { rule: state.rule },
    perFolder: state.perFolder,
    ...(usesNearSettings() ? { threshold: nearSensitivity.threshold, hashDistance: nearSensitivity.hashDistance } : {}),
  };
}

/** Why the rule cannot be planned yet (a folder rule without a full path), or null. */
export function ruleProblem(): string | null {
  if (state.rule !== 'in-folder') return null;
  if (!state.folder) return 'Pick a folder, or type its full path';
  return isAbsolutePath(state.folder) ? null : 'Not a full path: start it with / (or C:\\)';
}

/** Plans the rule in force over every group: totals and the first groups. */
export async function previewPlan(): Promise<void> {
  const call = ++asked;
  state.error = ruleProblem();
  if (state.error) {
    state.plan = null;
    state.shown = [];
    return;
  }
  state.loading = true;
  try {
    const result = await api.duplicates.plan({ ...planQuery(), offset: 0, limit: PREVIEW_GROUPS });
    if (call !== asked) return;
    if (!result.ok) {
      state.error = result.error.message;
      state.plan = null;
      state.shown = [];
      return;
    }
    state.plan = result.value;
    state.shown = [...result.value.groups];
  } finally {
    if (call === asked) state.loading = false;
  }
}

/** Adds the next groups of the same plan to the preview; a plan whose list changed starts again. */
export async function showMore(): Promise<void> {
  const plan = state.plan;
  if (!plan || state.shown.length >= plan.totals.groups) return;
  const result = await api.duplicates.plan({ ...planQuery(), offset: state.shown.length, limit: PREVIEW_GROUPS });
  if (!result.ok) state.error = result.error.message;
  else if (result.value.list !== plan.list) await previewPlan();
  else state.shown = [...state.shown, ...result.value.groups];
}

/**
 * Every group of the plan previewed, page by page (an export is of the whole list). Refuses, and
 * previews again, when the list changed half way: a file must hold one list, not two.
 */
export async function exportPlan(format: 'csv' | 'json'): Promise<string | null> {
  const plan = state.plan;
  if (!plan) return null;
  const groups: PlannedGroup[] = [];
  for (let offset: number | null = 0; offset !== null;) {
    const result = await api.duplicates.plan({ ...planQuery(), offset, limit: limits.planPageSize.max });
    if (!result.ok) {
      state.error = result.error.message;
      return null;
    }
    if (result.value.list !== plan.list) {
      state.error = 'The list changed while it was exported: here is the new preview, export again';
      await previewPlan();
      return null;
    }
    groups.push(...result.value.groups);
    offset = result.value.next;
  }
  return format === 'csv' ? planCsv(groups) : planJson(groups, plan.totals);
}

/** Moves exactly the previewed plan (the engine refuses when its list changed since; then it is previewed again). */
export async function confirmPlan(): Promise<CleanReport | null> {
  const plan = state.plan;
  if (!plan) return null;
  const report = await cleanByRule({ ...planQuery(), list: plan.list });
  if (!report) await previewPlan();
  return report;
}
