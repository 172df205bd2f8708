/**
 * The review's two ways of looking closer than the list: Compare (a dialog over the list, on the
 * group at `compareIndex`) and focus mode (one group in the list's place, on review.focusGroup).
 * Both follow the list as groups leave it (trashed, marked, regrouped): they show the group now in
 * that place, or close when none is left. Stepping moves the keyboard's focus and the list with them.
 */
import { computed, nextTick, ref, watch, type ComputedRef, type Ref } from 'vue';
import type { ReviewGroup } from '../../../../shared/types.js';
import { review, setFocus } from '../../state/duplicate-review.js';
import { showSimilar } from '../../state/navigation.js';
import { followKeyboard, setFocusLevel } from '../../state/review-keyboard.js';
import { groupAt, reviewList } from '../../state/review-list.js';
import type { ReviewListHandle } from './review-list-handle.js';

export function useReviewModes(listView: Ref<ReviewListHandle | null>, count: ComputedRef<number>) {
  const compareIndex = ref<number | null>(null);
  /** Focus mode shows the group in focus (review.focusGroup) in the list's place. */
  const focusMode = ref(false);

  /** The compared group; while the next one's page is on its way, the one shown stays. */
  let lastCompared: ReviewGroup | null = null;
  const compareGroup = computed(() => {
    const _dependencies = reviewList.version;
    if (compareIndex.value === null) return (lastCompared = null);
    return (lastCompared = groupAt(compareIndex.value) ?? lastCompared);
  });
  /** The group the keys act on: the compared one, else the keyboard's. */
  const focusedGroup = computed(() => {
    const _dependencies = reviewList.version;
    return groupAt(compareIndex.value ?? review.focusGroup) ?? null;
  });

  // The compared group left the list: show the one now in its place, or close.
  watch(count, (total) => {
    if (compareIndex.value === null) return;
    compareIndex.value = total === 0 ? null : Math.min(compareIndex.value, total - 1);
  });
  // Focus mode shows the group now at its index (the next one, once one is trashed); none left, the list says so.
  watch(count, (total) => {
    if (total === 0) focusMode.value = false;
    else if (review.focusGroup >= total) setFocus(total - 1, 0);
  });

  function enterFocus(index = review.focusGroup): void {
    compareIndex.value = null;
    setFocus(index, 0);
    focusMode.value = true;
    void nextTick(followKeyboard);
  }

  function leaveFocus(): void {
    focusMode.value = false;
    setFocusLevel('group');
    void nextTick(() => {
      listView.value?.scrollToIndex(review.focusGroup, 'center');
      followKeyboard();
    });
  }

  function openCompare(groupIndex: number, copyIndex = 0): void {
    setFocus(groupIndex, copyIndex);
    compareIndex.value = groupIndex;
  }

  function closeCompare(): void {
    compareIndex.value = null;
  }

  function stepGroup(delta: number): void {
    const next = Math.min(Math.max(0, (compareIndex.value ?? review.focusGroup) + delta), Math.max(0, count.value - 1));
    setFocus(next, 0);
    if (compareIndex.value !== null) compareIndex.value = next;
    listView.value?.scrollToIndex(next, 'auto');
  }

  function openSimilar(photoPath: string): void {
    compareIndex.value = null;
    showSimilar(photoPath);
  }

  return {
    compareIndex,
    compareGroup,
    focusMode,
    focusedGroup,
    enterFocus,
    leaveFocus,
    openCompare,
    closeCompare,
    stepGroup,
    openSimilar,
  };
}
