/**
 * The photo viewer over a short list of paths (Similar's results, Find's matches): the open photo
 * lives in the address (`?open=…`), so Back closes the viewer and a reload keeps it; ←/→ step
 * through the list in the order shown; closing puts focus back on the tile of the last photo seen.
 */
import { computed, nextTick, watch, type ComputedRef } from 'vue';
import { useRoute, useRouter, type LocationQueryRaw } from 'vue-router';
import { queryValue } from '../../router/index.js';
import type { PhotoSequence } from './photo-sequence.js';

const OPEN_PARAM = 'open';

export interface ListViewer {
  /** The photo the viewer shows, or null when it is closed. */
  readonly openPhoto: ComputedRef<string | null>;
  readonly sequence: PhotoSequence;
  /** Changes with the list (the sequence itself is not reactive). */
  readonly sequenceVersion: ComputedRef<number>;
  open(photoPath: string): void;
  step(photoPath: string): void;
  close(): void;
}

/**
 * @param paths the list in the order the view shows it (read again on every step)
 * @param tileOf the tile to focus when the viewer closes on a photo, if the view shows one
 */
export function useListViewer(paths: () => readonly string[], tileOf: (photoPath: string) => HTMLElement | null): ListViewer {
  const route = useRoute();
  const router = useRouter();
  const openPhoto = computed(() => queryValue(route.query[OPEN_PARAM]));
  let version = 0;
  // Recomputed only when what `paths` reads changes: each new list is a new version.
  const sequenceVersion = computed(() => {
    paths();
    return (version += 1);
  });
  /** The viewer was opened by a push from this view: closing goes Back instead of adding an entry. */
  let pushed = false;
  let closing = false;

  function queryWith(photoPath: string | null): LocationQueryRaw {
    const kept = Object.entries(route.query).filter(([key]) => key !== OPEN_PARAM);
    return Object.fromEntries(photoPath === null ? kept : [...kept, [OPEN_PARAM, photoPath]]);
  }

  const neighbour = (photoPath: string, step: 1 | -1): string | null => {
    const list = paths();
    const index = list.indexOf(photoPath);
    return index < 0 ? null : (list[index + step] ?? null);
  };
  const sequence: PhotoSequence = {
    position(photoPath) {
      const list = paths();
      const index = list.indexOf(photoPath);
      return index < 0 ? null : { index, total: list.length };
    },
    loadedNeighbour: neighbour,
    neighbour: (photoPath, step) => Promise.resolve(neighbour(photoPath, step)),
  };

  watch(openPhoto, (now, before) => {
    if (now !== null || before === null) return;
    pushed = false;
    closing = false;
    void nextTick(() => tileOf(before)?.focus());
  });

  return {
    openPhoto,
    sequence,
    sequenceVersion,
    open(photoPath) {
      pushed = true;
      void router.push({ query: queryWith(photoPath) });
    },
    step(photoPath) {
      void router.replace({ query: queryWith(photoPath) });
    },
    close() {
      if (closing) return;
      closing = true;
      if (pushed) router.back();
      else void router.replace({ query: queryWith(null) });
    },
  };
}
