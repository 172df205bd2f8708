/**
 * The Duplicates review: the settings of the list (kind, keeper rule), the group in focus and the
 * operations (clean-up, "not duplicates", undo, history). Module state, so the view keeps its filter
 * and place when the user comes back to it. The list itself comes a page at a time
 * (state/review-list.ts); the user's choices per group and the selection are in state/review-choices.ts.
 *
 * Similar shots (kind `shots`: different pictures of one moment) are reviewed one group at a time:
 * they can never be selected for a bulk clean-up, and are only moved group by group, as chosen.
 *
 * After an action the list changes at once from what the operation did (the groups and copies it
 * touched leave, or come back on undo), then the engine's new list replaces it in the background.
 */
import { reactive, readonly } from 'vue';
import { isAbsolutePath } from '../../../shared/paths.js';
import type { ChannelInput } from '../../../shared/ipc-contract.js';
import type { Result } from '../../../shared/result.js';
import type { CleanReport, DuplicateKindFilter, KeeperRule, OperationSummary, ReviewGroup, UndoReport } from '../../../shared/types.js';
import { api } from '../api/index.js';
import { formatBytes, formatCount } from '../format.js';
import { refreshStats } from './library-state.js';
import { nearSensitivity } from './near-settings.js';
import { choiceOf, clearChoices, filesOf, forgetChoices, inBulk, setSelectedAll } from './review-choices.js';
import { dropCopies, groupAt, loadedGroups, requestList, restoreGroups, type ListQuery } from './review-list.js';

type PlacedGroup = ReturnType<typeof loadedGroups>[number];

/** A finished operation the toast offers to undo, with the groups it took out of the list. */
export interface DoneOperation {
  readonly id: string;
  readonly message: string;
}

interface ReviewState {
  kind: DuplicateKindFilter;
  keepRule: KeeperRule;
  /** The folder of the `in-folder` rule: the one in force, or the last one used (offered again). */
  keepFolder: string;
  /** The group (index in the list, and id) and copy the keyboard acts on. */
  focusGroup: number;
  focusId: string | null;
  focusCopy: number;
  scrollTop: number;
  lastOperation: DoneOperation | null;
  busy: boolean;
  actionError: string | null;
  history: readonly OperationSummary[];
}

const state = reactive<ReviewState>({
  kind: 'all',
  keepRule: 'highest-resolution',
  keepFolder: '',
  focusGroup: 0,
  focusId: null,
  focusCopy: 0,
  scrollTop: 0,
  lastOperation: null,
  busy: false,
  actionError: null,
  history: [],
});

export const review = readonly(state);

/** The groups each operation of this session took out of the list: undoing it puts them back at once. */
const takenOut = new Map<string, PlacedGroup[]>();

export function setKind(kind: DuplicateKindFilter): void {
  state.kind = kind;
}

export function setKeepRule(rule: Exclude<KeeperRule, 'in-folder'>): void {
  state.keepRule = rule;
  clearChoices(); // a new rule replaces the suggestions the choices started from
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
  clearChoices();
  return null;
}

/** Puts the keyboard on a group of the list (and a copy of it). */
export function setFocus(group: number, copy: number): void {
  state.focusGroup = Math.max(0, group);
  state.focusCopy = Math.max(0, copy);
  state.focusId = groupAt(state.focusGroup)?.id ?? null;
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
export const usesNearSettings = (): boolean => state.kind === 'near' || state.kind === 'all' || state.kind === 'shots';

function listQuery(): ListQuery {
  return {
    kind: state.kind,
    keep: state.keepRule === 'in-folder' ? { rule: state.keepRule, folder: state.keepFolder } : { rule: state.keepRule },
    ...(usesNearSettings() ? { threshold: nearSensitivity.threshold, hashDistance: nearSensitivity.hashDistance } : {}),
  };
}

/** Where a new list opens: at the group in focus (or the one now holding its first copy). */
function focusPlace() {
  const focused = groupAt(state.focusGroup);
  const path = focused?.id === state.focusId ? focused.copies[0]?.path : undefined;
  return state.focusId ? { focus: { group: state.focusId, ...(path ? { path } : {}) } } : { offset: state.focusGroup };
}

/**
 * The similarity slider is dragged a step at a time and each step is a new list: it is asked for
 * once the slider rests this long. The one place requests are spaced out (the engine then runs
 * only the newest request of the view, stopping the one it replaces).
 */
const SLIDER_REST_MS = 250;

/** Asks for the list of the current settings (a setting changed). */
export function loadGroups(): void {
  requestList(listQuery(), focusPlace());
}

/** The similarity slider moved: the list of the new setting, once the slider rests. */
export function sliderMoved(): void {
  if (usesNearSettings()) requestList(listQuery(), focusPlace(), SLIDER_REST_MS);
}

/** The list opened at the group of this photo (the viewer's "Show duplicates"). */
export function showGroupOf(photoPath: string): void {
  requestList(listQuery(), { focus: { path: photoPath } });
}

/**
 * The engine's list again, where the user is (after an action, or after the library changed), of
 * the settings in force: a setting changed meanwhile is not undone by a refresh of the list shown.
 */
export function refreshGroups(): void {
  requestList(listQuery(), focusPlace(), 0, { quiet: true });
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
    // The list changed at once; the engine's own list (and the library's counts) follow in the background.
    refreshGroups();
    void loadHistory();
    void refreshStats();
  }
}

/** Takes the groups an operation touched out of the list, remembering them for its undo. */
function takeOut(operation: string | null, groups: readonly ReviewGroup[], gone: ReadonlySet<string>): void {
  const before = loadedGroups().filter(({ group }) => groups.some((touched) => touched.id === group.id));
  for (const group of groups) {
    const copies = new Set(filesOf(group).filter((file) => gone.has(file)));
    if (copies.size > 0) dropCopies(group.id, copies);
  }
  if (operation) takenOut.set(operation, before);
}

/**
 * Moves the chosen copies of these groups to the trash (journaled; undoable). Similar shots only
 * ever go one group at a time: a group of them among others is left out.
 */
export function trashGroups(groups: readonly ReviewGroup[]): Promise<CleanReport | null> {
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
      forgetChoices(asked);
      setSelectedAll(false);
      takeOut(report.operation, asked, new Set(report.trashed.map((copy) => copy.path)));
      return cleanedOperation(report);
    },
  );
}

/**
 * Moves what the bulk assistant's preview showed (state/bulk-plan.ts): a clean-up by rule of every
 * group, refused by the engine when its list changed since the preview. The engine's new list then
 * replaces the one shown; its undo brings the copies back the same way.
 */
export function cleanByRule(input: ChannelInput<'duplicates:clean'>): Promise<CleanReport | null> {
  return act(
    () => api.duplicates.clean(input),
    (report) => {
      clearChoices();
      return cleanedOperation(report);
    },
  );
}

/** The toast of a clean-up, or null (and the reason in the error line) when nothing moved. */
function cleanedOperation(report: CleanReport): DoneOperation | null {
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
}

/** Marks the whole group, or one copy against the rest, as not duplicates (for similar shots: keep them all). */
export function markNotDuplicates(group: ReviewGroup, onlyCopy?: string): Promise<{ operation: string } | null> {
  const files = filesOf(group);
  const input = onlyCopy ? { paths: [onlyCopy], against: files.filter((file) => file !== onlyCopy) } : { paths: files };
  return act(
    () => api.duplicates.markNotDuplicates(input),
    ({ operation }) => {
      takeOut(operation, [group], new Set(onlyCopy ? [onlyCopy] : files));
      return {
        id: operation,
        message:
          group.kind === 'shots'
            ? onlyCopy
              ? 'Took one photo out of these similar shots.'
              : `Kept all ${formatCount(files.length, 'shot')}: this group is not shown again.`
            : onlyCopy
              ? 'Marked one photo as not a duplicate of the others.'
              : `Marked ${formatCount(files.length, 'photo')} as not duplicates.`,
      };
    },
  );
}

/** Undoes an operation (default: the last one); the groups it took out come back at once. */
export function undoOperation(operation?: string): Promise<UndoReport | null> {
  return act(
    () => api.operations.undo(operation ? { operation } : undefined),
    (report) => {
      state.lastOperation = null;
      const groups = takenOut.get(report.operation);
      takenOut.delete(report.operation);
      // A copy that could not be put back stays out of its group.
      const failed = new Set(report.failed.map((file) => file.path));
      const restored = (groups ?? [])
        .map(({ index, group }) => ({ index, group: withoutCopies(group, failed) }))
        .filter(({ group }) => group.copies.length >= 2);
      restoreGroups(restored);
      // The keyboard goes to what came back (focus mode shows it again), not the group that took its place.
      const first = restored.reduce<PlacedGroup | null>(
        (earliest, placed) => (earliest && earliest.index <= placed.index ? earliest : placed),
        null,
      );
      if (first) setFocus(first.index, 0);
      if (report.failed.length > 0) state.actionError = report.failed.map((file) => `${file.path}: ${file.reason}`).join('\n');
      return null;
    },
  );
}

/** The group without these copies (`copyOf` dropped: it names copies by index). */
function withoutCopies(group: ReviewGroup, paths: ReadonlySet<string>): ReviewGroup {
  if (!group.copies.some((copy) => paths.has(copy.path))) return group;
  return { ...group, copies: group.copies.filter((copy) => !paths.has(copy.path)).map(({ copyOf: _copyOf, ...copy }) => copy) };
}
