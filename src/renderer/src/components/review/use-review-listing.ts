/**
 * How the Duplicates view gets its list: a setting changed (at once), the slider moved (once it
 * rests: state/duplicate-review.ts spaces the requests), the library changed (the same list again,
 * where the user is), or the viewer asked for a photo's group (`?photo=`). A new list opens at the
 * group in focus, and the keyboard and the screen stay on it.
 */
import { computed, nextTick, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { queryValue } from '../../router/index.js';
import {
  loadGroups,
  loadHistory,
  refreshGroups,
  rememberScroll,
  review,
  setFocus,
  showGroupOf,
  sliderMoved,
} from '../../state/duplicate-review.js';
import { library } from '../../state/library-state.js';
import { nearSensitivity } from '../../state/near-settings.js';
import { groupAt, loadedGroups, reviewList } from '../../state/review-list.js';
import type { ReviewListHandle } from './review-list-handle.js';

export function useReviewListing(listView: Ref<ReviewListHandle | null>) {
  const count = computed(() => reviewList.totals?.groups ?? 0);
  // What asks for a list; state/duplicate-review.ts spaces the requests (the slider's rest).
  watch([() => review.kind, () => review.keepRule, () => review.keepFolder], () => loadGroups());
  watch(
    () => [nearSensitivity.threshold, nearSensitivity.hashDistance],
    () => sliderMoved(),
  );
  watch(
    () => library.revision,
    () => refreshGroups(),
  );

  /** Opened from the viewer's "Show duplicates" (`?photo=`): that photo's group in focus, or say it has none. */
  const route = useRoute();
  const router = useRouter();
  const askedPhoto = computed(() => queryValue(route.query.photo));
  const askedPhotoMissing = ref(false);
  let awaitingPhoto: string | null = null;
  function showAskedPhoto(photo: string | null): void {
    if (!photo) return;
    awaitingPhoto = photo;
    showGroupOf(photo);
  }
  watch(askedPhoto, showAskedPhoto);

  // A new list opened at the group in focus: the keyboard stays on it, and so does the screen.
  watch(
    () => reviewList.placed,
    (placed) => {
      if (!placed) return;
      const photo = awaitingPhoto;
      // The keyboard may have moved on while the list was on its way: the group it is on now, where the answer holds it.
      const current = photo ? undefined : loadedGroups().find(({ group }) => group.id === review.focusId)?.index;
      const index = current ?? placed.index ?? Math.min(review.focusGroup, Math.max(0, count.value - 1));
      awaitingPhoto = null;
      if (photo) askedPhotoMissing.value = placed.index === null;
      const photoCopy = photo ? (groupAt(index)?.copies.findIndex((copy) => copy.path === photo) ?? 0) : 0;
      setFocus(index, photo ? Math.max(0, photoCopy) : current === undefined && placed.index === null ? 0 : review.focusCopy);
      void nextTick(() => listView.value?.scrollToIndex(index, photo ? 'center' : 'auto'));
    },
  );

  onMounted(() => {
    void loadHistory();
    if (askedPhoto.value) {
      showAskedPhoto(askedPhoto.value);
      return;
    }
    if (reviewList.list === null) {
      loadGroups();
      return;
    }
    // The list is still in memory when the user comes back: put them where they were, then bring it up to date.
    void nextTick(() => listView.value?.scrollTo(review.scrollTop));
    refreshGroups();
  });
  onBeforeUnmount(() => {
    rememberScroll(listView.value?.scrollTop() ?? 0);
  });

  function forgetAskedPhoto(): void {
    askedPhotoMissing.value = false;
    void router.replace({ query: { ...route.query, photo: undefined } });
  }

  return { askedPhoto, askedPhotoMissing, forgetAskedPhoto };
}
