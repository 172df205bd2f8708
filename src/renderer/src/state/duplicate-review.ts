/**
 * The Duplicates review: the groups on screen, the user's keeper and trash choices per group, the
 * groups selected for a bulk clean-up, and the last operation (for Undo). Module state, so the view
 * keeps its filter, choices and scroll position when the user comes back to it.
 *
 * Similar shots (kind `shots`: different pictures of one moment) are reviewed one group at a time:
 * they can never be selected for a bulk clean-up, and are only moved group by group, as chosen.
 */
import { computed, reactive, readonly } from 'vue';
import { isAbsolutePath } from '../../../shared/paths.js';
import type { Result } from '../../../shared/result.js';
import type {
  CleanReport,
  DuplicateGroup,
  DuplicateKindFilter,
  DuplicatesReport,
  KeeperRule,
  OperationSummary,
  UndoReport,
} from '../../../shared/types.js';
import { api } from '../api/index.js';
import { formatBytes, formatCount } from '../format.js';
import { refreshStats } from './library-state.js';
import { nearSensitivity } from './near-settings.js';

/** What the user chose in one group: the copies to keep and the copies to move to the trash. */
export interface GroupChoice {
  readonly keep: readonly string[];
  readonly trash: readonly string[];
}

/** A finished operation the toast offers to undo. */
export interface DoneOperation {
  readonly id: string;
  readonly message: string;
}

interface ReviewState {
  kind: DuplicateKindFilter;
  /** The keeper rule in force. */
  keepRule: KeeperRule;
  /** The folder of the `in-folder` rule: the one in force, or the last one used (offered again). */
  keepFolder: string;
  report: DuplicatesReport | null;
  loading: boolean;
  error: string | null;
  /** Choices the user made, by group key; groups without an entry use the suggestion. */
  choices: Record<string, GroupChoice>;
  /** Group keys ticked for "Move the selected groups' copies to the trash". */
  selected: string[];
  /** The group and copy the keyboard acts on. */
  focusGroup: number;
  focusCopy: number;
  /** How many groups the list renders (more on request). */
  shown: number;
  scrollTop: number;
  lastOperation: DoneOperation | null;
  busy: boolean;
  actionError: string | null;
  history: readonly OperationSummary[];
}

export const PAGE_SIZE = 100;

const state = reactive<ReviewState>({
  kind: 'all',
  keepRule: 'highest-resolution',
  keepFolder: '',
  report: null,
  loading: false,
  error: null,
  choices: {},
  selected: [],
  focusGroup: 0,
  focusCopy: 0,
  shown: PAGE_SIZE,
  scrollTop: 0,
  lastOperation: null,
  busy: false,
  actionError: null,
  history: [],
});

export const review = readonly(state);

/** A group's identity across reloads: its files, in any order. */
export function groupKey(group: DuplicateGroup): string {
  return [...group.files].sort().join('\n');
}

/** Keep this copy (and reference copies, which always stay), move every other. */
function keepingOnly(group: DuplicateGroup, filePath: string | undefined): GroupChoice {
  const keep = group.copies.filter((copy) => copy.path === filePath || copy.protected).map((copy) => copy.path);
  return { keep, trash: group.files.filter((file) => !keep.includes(file)) };
}

export function choiceOf(group: DuplicateGroup): GroupChoice {
  const chosen = state.choices[groupKey(group)];
  if (!chosen) return keepingOnly(group, group.files[0]); // the suggestion: the first copy
  // A folder protected after the choice was made still wins: its copies always stay.
  const kept = new Set([...chosen.keep, ...group.copies.filter((copy) => copy.protected).map((copy) => copy.path)]);
  return { keep: group.files.filter((file) => kept.has(file)), trash: chosen.trash.filter((file) => !kept.has(file)) };
}

/** How many copies would move for these groups, and the bytes they free (hard links aside). */
export function trashPlan(...groups: readonly DuplicateGroup[]): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const group of groups) {
    const { trash } = choiceOf(group);
    count += trash.length;
    bytes += group.copies.filter((copy) => trash.includes(copy.path)).reduce((sum, copy) => sum + copy.size, 0);
  }
  return { count, bytes };
}

/** One click: keep this copy only (reference copies stay too), move the others. */
export function keepOnly(group: DuplicateGroup, filePath: string): void {
  state.choices[groupKey(group)] = keepingOnly(group, filePath);
}

/** Toggles one copy between "keep" and "move to trash"; the last kept copy cannot be toggled away. */
export function toggleCopy(group: DuplicateGroup, filePath: string): void {
  const choice = choiceOf(group);
  const copy = group.copies.find((candidate) => candidate.path === filePath);
  if (!copy || copy.protected) return;
  if (choice.keep.includes(filePath)) {
    if (choice.keep.length === 1) return; // never the last copy
    state.choices[groupKey(group)] = { keep: choice.keep.filter((file) => file !== filePath), trash: [...choice.trash, filePath] };
  } else {
    state.choices[groupKey(group)] = { keep: [...choice.keep, filePath], trash: choice.trash.filter((file) => file !== filePath) };
  }
}

/** Duplicates can be cleaned up many groups at once; similar shots are other pictures, chosen group by group. */
export function inBulk(group: DuplicateGroup): boolean {
  return group.kind !== 'shots';
}

export function isSelected(group: DuplicateGroup): boolean {
  return inBulk(group) && state.selected.includes(groupKey(group));
}

export function toggleSelected(group: DuplicateGroup): void {
  if (!inBulk(group)) return;
  const key = groupKey(group);
  state.selected = state.selected.includes(key) ? state.selected.filter((other) => other !== key) : [...state.selected, key];
}

export function setSelectedAll(groups: readonly DuplicateGroup[], selected: boolean): void {
  state.selected = selected ? groups.filter(inBulk).map(groupKey) : [];
}

/** The groups ticked for a bulk clean-up: never similar shots. */
export const selectedGroups = computed(() => {
  const keys = new Set(state.selected);
  return (state.report?.groups ?? []).filter((group) => inBulk(group) && keys.has(groupKey(group)));
});

/** The groups of the list a bulk clean-up may take: every group but similar shots. */
export const bulkGroups = computed(() => (state.report?.groups ?? []).filter(inBulk));

export function setKind(kind: DuplicateKindFilter): void {
  state.kind = kind;
}

export function setKeepRule(rule: Exclude<KeeperRule, 'in-folder'>): void {
  state.keepRule = rule;
  state.choices = {}; // a new rule replaces the suggestions the choices started from
}

/**
 * Keeps the copies under `typed` first in every group (the `in-folder` rule). Answers why the path
 * cannot be used instead, and then the rule in force stays.
 * @example setKeepFolder('Backup') // 'Not a full path: …', and the rule in force stays
 */
export function setKeepFolder(typed: string): string | null {
  const folder = typed.trim().replace(/(?<=.)[\\/]+$/, '');
  if (!folder) return 'Pick a folder, or type its full path';
  if (!isAbsolutePath(folder)) return 'Not a full path: start it with / (or C:\\)';
  if (state.keepRule === 'in-folder' && state.keepFolder === folder) return null;
  state.keepRule = 'in-folder';
  state.keepFolder = folder;
  state.choices = {};
  return null;
}

export function setFocus(group: number, copy: number): void {
  state.focusGroup = Math.max(0, group);
  state.focusCopy = Math.max(0, copy);
}

export function showMore(): void {
  state.shown += PAGE_SIZE;
}

export function rememberScroll(top: number): void {
  state.scrollTop = top;
}

export function dismissOperation(): void {
  state.lastOperation = null;
}

export function dismissActionError(): void {
  state.actionError = null;
}

/** Near duplicates and similar shots both come from the near candidates: the similarity slider applies. */
const usesNearSettings = (): boolean => state.kind === 'near' || state.kind === 'all' || state.kind === 'shots';

function listQuery() {
  return {
    kind: state.kind,
    keep: state.keepRule === 'in-folder' ? { rule: state.keepRule, folder: state.keepFolder } : { rule: state.keepRule },
    ...(usesNearSettings() ? { threshold: nearSensitivity.threshold, hashDistance: nearSensitivity.hashDistance } : {}),
  };
}

/** Bumped by each request, so that a slow answer to an older setting is dropped. */
let requestNumber = 0;

export async function loadGroups(): Promise<void> {
  const asked = ++requestNumber;
  state.loading = true;
  const result = await api.duplicates.list(listQuery());
  if (asked !== requestNumber) return;
  state.loading = false;
  if (!result.ok) {
    state.error = result.error.message;
    return;
  }
  state.error = null;
  state.report = result.value;
  // Choices and selections of groups that no longer exist are dropped; the others stay.
  const keys = new Set(result.value.groups.map(groupKey));
  state.choices = Object.fromEntries(Object.entries(state.choices).filter(([key]) => keys.has(key)));
  state.selected = state.selected.filter((key) => keys.has(key));
  state.focusGroup = Math.min(state.focusGroup, Math.max(0, result.value.groups.length - 1));
}

export async function loadHistory(): Promise<void> {
  const result = await api.operations.history();
  if (result.ok) state.history = result.value;
}

async function act<T>(call: () => Promise<Result<T>>, done: (value: T) => DoneOperation | null): Promise<T | null> {
  state.busy = true;
  state.actionError = null;
  try {
    const result = await call();
    if (!result.ok) {
      state.actionError = result.error.message;
      return null;
    }
    const operation = done(result.value);
    if (operation) state.lastOperation = operation;
    return result.value;
  } finally {
    state.busy = false;
    // Trashed and restored files leave and rejoin the library: its counts change too.
    await Promise.all([loadGroups(), loadHistory(), refreshStats()]);
  }
}

/**
 * Moves the chosen copies of these groups to the trash (journaled; undoable). Similar shots only
 * ever go one group at a time: a group of them among others is left out.
 */
export function trashGroups(groups: readonly DuplicateGroup[]): Promise<CleanReport | null> {
  const asked = groups.length > 1 ? groups.filter(inBulk) : groups;
  const selection = asked.map(choiceOf).filter((choice) => choice.trash.length > 0 && choice.keep.length > 0);
  if (selection.length === 0) return Promise.resolve(null);
  return act(
    () =>
      api.duplicates.clean({
        ...listQuery(),
        selection: selection.map((choice) => ({ keep: [...choice.keep], trash: [...choice.trash] })),
      }),
    (report) => {
      for (const group of asked) Reflect.deleteProperty(state.choices, groupKey(group));
      state.selected = [];
      if (!report.operation) {
        const [first] = report.skipped;
        if (first)
          state.actionError = `Nothing was moved: ${formatCount(report.skipped.length, 'copy', 'copies')} left in place (${first.reason}).`;
        return null;
      }
      const left = report.skipped.length > 0 ? `; ${report.skipped.length} left in place` : '';
      return {
        id: report.operation,
        message: `Moved ${formatCount(report.trashed.length, 'copy', 'copies')} to the trash (${formatBytes(report.freedBytes)} freed)${left}.`,
      };
    },
  );
}

/** Marks the whole group, or one copy against the rest, as not duplicates (for similar shots: keep them all). */
export function markNotDuplicates(group: DuplicateGroup, onlyCopy?: string): Promise<{ operation: string } | null> {
  const input = onlyCopy ? { paths: [onlyCopy], against: group.files.filter((file) => file !== onlyCopy) } : { paths: [...group.files] };
  return act(
    () => api.duplicates.markNotDuplicates(input),
    ({ operation }) => ({
      id: operation,
      message:
        group.kind === 'shots'
          ? onlyCopy
            ? 'Took one photo out of these similar shots.'
            : `Kept all ${formatCount(group.files.length, 'shot')}: this group is not shown again.`
          : onlyCopy
            ? 'Marked one photo as not a duplicate of the others.'
            : `Marked ${formatCount(group.files.length, 'photo')} as not duplicates.`,
    }),
  );
}

/** Undoes an operation (default: the last one). */
export function undoOperation(operation?: string): Promise<UndoReport | null> {
  return act(
    () => api.operations.undo(operation ? { operation } : undefined),
    (report) => {
      state.lastOperation = null;
      if (report.failed.length > 0) state.actionError = report.failed.map((file) => `${file.path}: ${file.reason}`).join('\n');
      return null;
    },
  );
}
