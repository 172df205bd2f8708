/**
 * The keys of the review (listed in the bulk bar and the compare view's header): ↑ ↓ groups,
 * ← → copies, K keep this copy only, T keep/trash this copy, Del trash the others, N not
 * duplicates, Enter compare, Ctrl+Z undo. Typing in a field, an open confirmation, and Alt chords
 * are left alone.
 */
import { onBeforeUnmount, onMounted, type Ref } from 'vue';
import type { ReviewGroup } from '../../../../shared/types.js';
import { markNotDuplicates, review, setFocus } from '../../state/duplicate-review.js';
import { keepOnly, toggleCopy } from '../../state/review-choices.js';

export interface ReviewKeyActions {
  /** The group the keys act on (the compared one while Compare is open), if its page came. */
  readonly focused: Ref<ReviewGroup | null>;
  /** Keys are off (a confirmation is open). */
  readonly blocked: Ref<boolean>;
  /** Compare is open. */
  readonly comparing: Ref<boolean>;
  stepGroup(delta: number): void;
  requestTrash(group: ReviewGroup): void;
  openCompare(): void;
  undoLast(): void;
}

export function useReviewKeys(actions: ReviewKeyActions): void {
  function act(event: KeyboardEvent, target: HTMLElement | null): boolean {
    const group = actions.focused.value;
    const copy = group?.copies[review.focusCopy];
    switch (event.key) {
      case 'ArrowDown':
        actions.stepGroup(1);
        return true;
      case 'ArrowUp':
        actions.stepGroup(-1);
        return true;
      case 'ArrowRight':
        setFocus(review.focusGroup, Math.min(review.focusCopy + 1, (group?.copies.length ?? 1) - 1));
        return true;
      case 'ArrowLeft':
        setFocus(review.focusGroup, review.focusCopy - 1);
        return true;
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
      case 'Enter':
        if (actions.comparing.value || !group || target?.closest('button, a')) return false;
        actions.openCompare();
        return true;
      default:
        return false;
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
    if (act(event, target)) event.preventDefault();
  }

  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
