/**
 * The Library view's listing: the timeline (sections and counts) of the current query and the
 * pages loaded so far. The last listing outlives the view, so coming back to the Library (Back from
 * Similar, say) shows the same photos at the same scroll position without asking the engine again.
 */
import { markRaw, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue';
import type { PhotoQuery, Timeline } from '../../../shared/types.js';
import { api } from '../api/index.js';
import { TimelinePages } from './timeline-pages.js';

export interface TimelineListing {
  readonly queryKey: string;
  readonly revision: number;
  readonly timeline: Timeline;
  readonly pages: TimelinePages;
}

/** Where the view was in a listing when it was left. */
export interface TimelinePlace {
  readonly queryKey: string;
  readonly scrollTop: number;
}

let kept: TimelineListing | null = null;
let keptPlace: TimelinePlace | null = null;
/**
 * The mounted view's "a page arrived" handler. Pages outlive the view that asked for them (the
 * kept listing), so they report here rather than to the view that created them.
 */
let pageArrived: ((pages: TimelinePages) => void) | null = null;

export function queryKeyOf(query: PhotoQuery): string {
  return JSON.stringify([query.sort ?? 'taken', query.order ?? '', query.folder ?? '', query.show ?? 'all']);
}

/** Remembers the scroll position of a listing for the next visit of the view. */
export function keepPlace(place: TimelinePlace): void {
  keptPlace = place;
}

/** The scroll position the view had in this listing, if it was left there. */
export function keptScrollTop(queryKey: string): number | null {
  return keptPlace?.queryKey === queryKey ? keptPlace.scrollTop : null;
}

/**
 * Follows a query and the library's revision. A new query starts a new listing; a new revision
 * (an index job finished) reloads the same query, and `warm` can fill what is on screen into the
 * new pages before they replace the old, so the grid does not flash placeholders.
 */
export function useTimelineListing(
  query: Ref<PhotoQuery>,
  revision: Ref<number>,
  warm: (pages: TimelinePages) => Promise<void>,
): {
  readonly listing: Ref<TimelineListing | null>;
  /** Bumped whenever a page arrives: the grid's one reactive dependency on photo data. */
  readonly version: Ref<number>;
  readonly error: Ref<string | null>;
  readonly loading: Ref<boolean>;
  reload(): Promise<void>;
} {
  const listing = shallowRef<TimelineListing | null>(null);
  const version = ref(0);
  const error = ref<string | null>(null);
  const loading = ref(false);
  /** Bumped by each load, so that an older answer arriving late is dropped. */
  let generation = 0;

  const onPage = (pages: TimelinePages): void => {
    if (listing.value?.pages === pages) version.value += 1;
  };
  pageArrived = onPage;
  onScopeDispose(() => {
    if (pageArrived === onPage) pageArrived = null;
  });

  function adopt(next: TimelineListing): void {
    if (listing.value !== next) listing.value?.pages.close();
    listing.value = next;
    kept = next;
    version.value += 1;
  }

  async function load(keepOldUntilWarm: boolean): Promise<void> {
    const asked = ++generation;
    const currentQuery = query.value;
    const queryKey = queryKeyOf(currentQuery);
    const currentRevision = revision.value;
    loading.value = true;
    const result = await api.library.timeline({ ...currentQuery });
    if (asked !== generation) return;
    if (!result.ok) {
      loading.value = false;
      error.value = `Cannot list the library: ${result.error.message}`;
      return;
    }
    error.value = null;
    const pages = markRaw(
      new TimelinePages(
        result.value.sections,
        (section, after, limit) => api.library.photos({ ...currentQuery, section, limit, ...(after === null ? {} : { after }) }),
        () => pageArrived?.(pages),
      ),
    );
    const next: TimelineListing = markRaw({ queryKey, revision: currentRevision, timeline: result.value, pages });
    if (keepOldUntilWarm) {
      await warm(pages);
      if (asked !== generation) return;
    }
    loading.value = false;
    adopt(next);
  }

  watch(
    () => queryKeyOf(query.value),
    (queryKey) => {
      if (kept?.queryKey === queryKey && kept.revision === revision.value) {
        generation += 1;
        adopt(kept);
        return;
      }
      void load(false);
    },
    { immediate: true },
  );
  watch(revision, () => void load(listing.value !== null));

  return { listing, version, error, loading, reload: () => load(listing.value !== null) };
}
