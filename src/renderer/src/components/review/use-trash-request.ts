/**
 * The way to the trash from the review: which groups a request moves (similar shots only one group
 * at a time, only groups with copies marked), the confirmation waiting (TrashConfirm), "Select all"
 * fetching every group first, and the page's focus given back when the confirmation closes.
 */
import { ref, type Ref } from 'vue';
import type { ReviewGroup } from '../../../../shared/types.js';
import { review, trashGroups } from '../../state/duplicate-review.js';
import { inBulk, reviewChoices, selectedGroups, trashPlan } from '../../state/review-choices.js';
import { followKeyboard } from '../../state/review-keyboard.js';
import { loadEveryGroup } from '../../state/review-list.js';

export function useTrashRequest(locked: Ref<boolean>) {
  const pendingTrash = ref<readonly ReviewGroup[] | null>(null);
  const gatheringAll = ref(false);

  function requestTrash(list: readonly ReviewGroup[]): void {
    if (locked.value || review.busy) return;
    // Similar shots are only ever moved one group at a time, the group the user is looking at.
    const asked = list.length > 1 ? list.filter(inBulk) : list;
    const withCopies = asked.filter((group) => trashPlan(group).count > 0);
    if (withCopies.length > 0) pendingTrash.value = withCopies;
  }

  /** The ticked groups: every one of them is fetched first when "Select all" ticked groups not loaded yet. */
  async function trashSelected(): Promise<void> {
    if (reviewChoices.allSelected) {
      gatheringAll.value = true;
      const complete = await loadEveryGroup().finally(() => (gatheringAll.value = false));
      if (!complete) return;
    }
    requestTrash(selectedGroups());
  }

  async function confirmTrash(): Promise<void> {
    const list = pendingTrash.value;
    if (!list) return;
    await trashGroups(list);
    closeTrash();
  }

  /** The confirmation took the page's focus: it goes back to the keyboard's place (the next group, after a trash). */
  function closeTrash(): void {
    pendingTrash.value = null;
    followKeyboard();
  }

  return { pendingTrash, gatheringAll, requestTrash, trashSelected, confirmTrash, closeTrash };
}
