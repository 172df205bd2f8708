/** Moves between views through the router, so every move is a history entry (Back returns). */
import { computed } from 'vue';
import { queryValue, router, type ViewName } from '../router/index.js';

export type { ViewName };

/** Absolute path of the photo whose look-alikes the Similar view shows (from its address). */
export const similarPhoto = computed(() =>
  router.currentRoute.value.name === 'similar' ? queryValue(router.currentRoute.value.query.photo) : null,
);

export function showView(view: ViewName): void {
  void router.push({ name: view });
}

/** Opens the Similar view for one photo. */
export function showSimilar(photoPath: string): void {
  void router.push({ name: 'similar', query: { photo: photoPath } });
}

/** Opens the Duplicates view on the group of one photo. */
export function showDuplicatesOf(photoPath: string): void {
  void router.push({ name: 'duplicates', query: { photo: photoPath } });
}
