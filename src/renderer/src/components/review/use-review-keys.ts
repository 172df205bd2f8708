/**
 * The keys of the review (listed for the user in review-key-map.ts, shown by the Keys dialog), in the
 * list, in Compare and in focus mode. Typing in a field, an open confirmation, and Alt chords are
 * left alone; single-key shortcuts (letters, digits, Space, ?) act only while Settings leave them on.
 * A key that moves the keyboard's place moves the page's focus with it (use-roving-focus.ts).
 */
import { onBeforeUnmount, onMounted, type Ref } from 'vue';
import type { ReviewGroup } from '../../../../shared/types.js';
import { markNotDuplicates, review, setFocus } from '../../state/duplicate-review.js';
import { keepOnly, toggleCopy } from '../../state/review-choices.js';
import { followKeyboard, reviewKeyboard, setFocusLevel } from '../../state/review-keyboard.js';
import { singleKeyShortcuts } from '../../state/shortcut-settings.js';

export type ReviewMode = 'list' | 'compare' | 'focus';

export interface ReviewKeyActions {
  /** The group the keys act on (the compared one while Compare is open), if its page came. */
  readonly focused: Ref<ReviewGroup | null>;
  /** Keys are off (a confirmation or the Keys dialog is open). */
  readonly blocked: Ref<boolean>;
  readonly mode: Ref<ReviewMode>;
  /** Groups in the list. */
  readonly count: Ref<number>;
  stepGroup(delta: number): void;
  requestTrash(group: ReviewGroup): void;
  openCompare(): void;
  enterFocus(): void;
  leaveFocus(): void;
  toggleZoom(): void;
  showKeys(): void;
  undoLast(): void;
}

export function useReviewKeys(actions: ReviewKeyActions): void {
  const copyCount = (): number => actions.focused.value?.copies.length ?? 1;
  function toCopy(index: number): void {
    setFocus(review.focusGroup, Math.min(Math.max(0, index), copyCount() - 1));
    setFocusLevel('copy');
    followKeyboard();
  }
  function toGroup(delta: number): void {
    actions.stepGroup(delta);
    setFocusLevel('group');
    followKeyboard();
  }

  /** What a key does in every mode: the copy in focus and its group. */
  function actOnGroup(key: string): boolean {
    const group = actions.focused.value;
    const copy = group?.copies[review.focusCopy];
    switch (key) {
      case 'k':
      case 'K':
        if (group && copy) keepOnly(group, copy.path);
        return Boolean(copy);
      case 't':
      case 'T':
        if (group && copy) toggleCopy(group, copy.path);
        return Boolean(copy);
      case 'Delete':
      case 'Backspace':
        if (group) actions.requestTrash(group);
        return Boolean(group);
      case 'n':
      case 'N':
        if (group && !review.busy) void markNotDuplicates(group);
        return Boolean(group);
      case '?':
        actions.showKeys();
        return true;
      default:
        return false;
    }
  }

  /** The list (and Compare over it): ↑ ↓ groups, ← → copies, the group itself left of its first copy. */
  function actInList(event: KeyboardEvent, target: HTMLElement | null): boolean {
    const comparing = actions.mode.value === 'compare';
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        toGroup(event.key === 'ArrowDown' ? 1 : -1);
        return true;
      case 'Home':
      case 'End':
        if (comparing) return false;
        toGroup(event.key === 'Home' ? -review.focusGroup : actions.count.value);
        return true;
      case 'ArrowRight':
        toCopy(review.focusCopy + 1);
        return true;
      case 'ArrowLeft':
        if (reviewKeyboard.level === 'copy' && review.focusCopy === 0 && !comparing) {
          setFocusLevel('group');
          followKeyboard();
        } else toCopy(review.focusCopy - 1);
        return true;
      case 'Enter':
        if (comparing || !actions.focused.value || target?.closest('button, a, input')) return false;
        actions.openCompare();
        return true;
      case 'f':
      case 'F':
        if (comparing || actions.count.value === 0) return false;
        actions.enterFocus();
        return true;
      default:
        return actOnGroup(event.key);
    }
  }

  /** Focus mode: ← → Space groups, ↑ ↓ and 1–9 copies, Enter trashes the others, Z zooms, Esc leaves. */
  function actInFocus(event: KeyboardEvent, target: HTMLElement | null): boolean {
    const onControl = Boolean(target?.closest('button, a, input'));
    switch (event.key) {
      case 'ArrowRight':
      case 'ArrowLeft':
        actions.stepGroup(event.key === 'ArrowRight' ? 1 : -1);
        followKeyboard();
        return true;
      case ' ':
        if (onControl) return false;
        actions.stepGroup(1);
        followKeyboard();
        return true;
      case 'Home':
      case 'End':
        actions.stepGroup(event.key === 'Home' ? -review.focusGroup : actions.count.value);
        followKeyboard();
        return true;
      case 'ArrowDown':
      case 'ArrowUp':
        toCopy(review.focusCopy + (event.key === 'ArrowDown' ? 1 : -1));
        return true;
      case 'Enter':
        if (onControl) return false;
        return actOnGroup('Delete');
      case 'z':
      case 'Z':
        actions.toggleZoom();
        return true;
      case 'Escape':
        actions.leaveFocus();
        return true;
      default:
        if (/^[1-9]$/.test(event.key)) {
          toCopy(Number(event.key) - 1);
          return true;
        }
        return actOnGroup(event.key);
    }
  }

  function onKey(event: KeyboardEvent): void {
    if (actions.blocked.value || event.defaultPrevented || event.altKey) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest('input:not([type="checkbox"]), select, textarea')) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z') {
      event.preventDefault();
      actions.undoLast();
      return;
    }
    if (event.ctrlKey || event.metaKey) return;
    // A character key (a letter, a digit, Space, ?) is a single-key shortcut: Settings can turn them off.
    if (event.key.length === 1 && !singleKeyShortcuts.value) return;
    const acted = actions.mode.value === 'focus' ? actInFocus(event, target) : actInList(event, target);
    if (acted) event.preventDefault();
  }

  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
