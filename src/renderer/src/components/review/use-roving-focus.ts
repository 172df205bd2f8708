/**
 * Roving focus for the review: the one element whose `data-focus-key` is the keyboard's place
 * holds the page's real focus (and the only tabindex="0"), so a screen reader announces it. Focus
 * follows when the keyboard moves (`followKeyboard`), when that element's group comes in a page not
 * here yet, and when the focused element left the page (its group was trashed or marked): the
 * group now in its place takes it, instead of focus falling back to the page's body.
 */
import { nextTick, onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import { reviewKeyboard } from '../../state/review-keyboard.js';
import { reviewList } from '../../state/review-list.js';

export function useRovingFocus(container: Ref<HTMLElement | null>, focusKey: () => string): void {
  /** Focus is owed to the keyboard's place (asked for, not done yet: its element is not drawn). */
  let owed = false;
  /** The last focus in the page was inside the container. */
  let inside = false;

  function apply(): void {
    const target = container.value?.querySelector<HTMLElement>(`[data-focus-key="${focusKey()}"]`);
    if (!target) return;
    owed = false;
    if (document.activeElement !== target) target.focus();
  }
  const lost = (): boolean => inside && (document.activeElement === null || document.activeElement === document.body);

  watch(
    () => reviewKeyboard.moves,
    () => {
      owed = true;
      void nextTick(apply);
    },
  );
  watch([focusKey, () => reviewList.version], () => {
    if (owed || lost()) {
      owed = true;
      void nextTick(apply);
    }
  });

  function onFocusIn(event: FocusEvent): void {
    inside = event.target instanceof Node && (container.value?.contains(event.target) ?? false);
  }
  onMounted(() => document.addEventListener('focusin', onFocusIn));
  onBeforeUnmount(() => document.removeEventListener('focusin', onFocusIn));
}
