/**
 * One zoom for every copy of a group, at the same spot, so details can be compared side by side:
 * Compare and focus mode each hold one and hand it to their ZoomPreview frames.
 */
import { computed, ref, type ComputedRef, type Ref } from 'vue';

/** How far a click zooms in. */
const ZOOM = 3;

export interface SyncedZoom {
  readonly zoomed: Ref<boolean>;
  /** The transform of every preview's image, at the shared spot. */
  readonly imageStyle: ComputedRef<{ transformOrigin: string; transform: string }>;
  /** Zooms in at the clicked spot of a frame, or out. */
  toggleAt(event: MouseEvent): void;
  /** Follows the pointer over a frame while zoomed. */
  follow(event: MouseEvent): void;
  /** The keyboard's zoom: in at the centre, or out. */
  toggle(): void;
  reset(): void;
}

export function useSyncedZoom(): SyncedZoom {
  const zoomed = ref(false);
  const origin = ref('50% 50%');
  function place(event: MouseEvent): void {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const x = Math.min(100, Math.max(0, ((event.clientX - box.left) / box.width) * 100));
    const y = Math.min(100, Math.max(0, ((event.clientY - box.top) / box.height) * 100));
    origin.value = `${x.toFixed(1)}% ${y.toFixed(1)}%`;
  }
  return {
    zoomed,
    imageStyle: computed(() => ({ transformOrigin: origin.value, transform: zoomed.value ? `scale(${ZOOM})` : 'none' })),
    toggleAt(event) {
      place(event);
      zoomed.value = !zoomed.value;
    },
    follow(event) {
      if (zoomed.value) place(event);
    },
    toggle() {
      origin.value = '50% 50%';
      zoomed.value = !zoomed.value;
    },
    reset() {
      zoomed.value = false;
      origin.value = '50% 50%';
    },
  };
}
