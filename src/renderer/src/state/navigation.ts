/** Which view shows, and the photo the Similar view is about. No router: four views need none. */
import { ref } from 'vue';

export type ViewName = 'library' | 'duplicates' | 'similar' | 'settings';

export const currentView = ref<ViewName>('library');

/** Absolute path of the photo whose look-alikes the Similar view shows. */
export const similarPhoto = ref<string | null>(null);

export function showView(view: ViewName): void {
  currentView.value = view;
}

/** Opens the Similar view for one photo (a click on any photo tile). */
export function showSimilar(photoPath: string): void {
  similarPhoto.value = photoPath;
  currentView.value = 'similar';
}
