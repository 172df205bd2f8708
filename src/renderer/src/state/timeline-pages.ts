/**
 * The loaded photos of one timeline listing, section by section. `library:photos` pages by keyset
 * (each page's `next` continues the section), so a section is only ever filled from its start, one
 * page after another; a tile far into a section waits for the pages before it. Plain data, no Vue:
 * the view re-renders on `onChange` instead of watching 100 000 objects.
 */
import type { PhotoPage, PhotoSummary, TimelineSection } from '../../../shared/types.js';
import type { Result } from '../../../shared/result.js';
import { positionOf } from './timeline-layout.js';

/** Fetches one page of a section; `after` is the previous page's `next` (null for the first page). */
export type FetchSectionPage = (section: string, after: string | null, limit: number) => Promise<Result<PhotoPage>>;

/** Pages of 200 while filling what is on screen; 500 (the contract's maximum) to catch up far into a section. */
export const PAGE_SIZE = { near: 200, far: 500 } as const;

interface SectionState {
  readonly key: string;
  readonly label: string;
  readonly count: number;
  readonly photos: PhotoSummary[];
  /** Cursor of the next page; null once the section is complete. */
  next: string | null;
  started: boolean;
  loading: Promise<void> | null;
  error: string | null;
}

export class TimelinePages {
  readonly #sections: SectionState[];
  /** Global index of each section's first photo, then the total. */
  readonly #starts: number[];
  readonly #fetch: FetchSectionPage;
  readonly #onChange: () => void;
  readonly #indexByPath = new Map<string, number>();
  #closed = false;

  constructor(sections: readonly TimelineSection[], fetchPage: FetchSectionPage, onChange: () => void) {
    let start = 0;
    this.#starts = [];
    this.#sections = sections.map((section) => {
      this.#starts.push(start);
      start += section.count;
      return {
        key: section.key,
        label: section.label,
        count: section.count,
        photos: [],
        next: null,
        started: false,
        loading: null,
        error: null,
      };
    });
    this.#starts.push(start);
    this.#fetch = fetchPage;
    this.#onChange = onChange;
  }

  /** A loaded photo by section and index within it. */
  photo(section: number, index: number): PhotoSummary | undefined {
    return this.#sections[section]?.photos[index];
  }

  get total(): number {
    return this.#starts[this.#starts.length - 1] ?? 0;
  }

  /** A loaded photo by global index. */
  photoAt(globalIndex: number): PhotoSummary | undefined {
    const { section, index } = positionOf(this.#starts, globalIndex);
    return this.photo(section, index);
  }

  /** A photo by global index, loading the pages before it first; undefined outside the listing or when loading fails. */
  async loadPhotoAt(globalIndex: number): Promise<PhotoSummary | undefined> {
    if (globalIndex < 0 || globalIndex >= this.total) return undefined;
    const { section, index } = positionOf(this.#starts, globalIndex);
    await this.loadThrough(section, index);
    return this.photo(section, index);
  }

  /** Global index of a loaded photo. */
  indexOf(photoPath: string): number | undefined {
    return this.#indexByPath.get(photoPath);
  }

  loadedCount(section: number): number {
    return this.#sections[section]?.photos.length ?? 0;
  }

  isComplete(section: number): boolean {
    const state = this.#sections[section];
    return state === undefined || (state.started && state.next === null);
  }

  /** The first failure among the sections, as `Cannot load …` text. */
  firstError(): string | null {
    return this.#sections.find((state) => state.error !== null)?.error ?? null;
  }

  /** Loads pages of a section in order until photo `index` of it is loaded (or the section ends). */
  async loadThrough(section: number, index: number): Promise<void> {
    const state = this.#sections[section];
    if (!state) return;
    while (!this.#closed && state.photos.length <= index && !(state.started && state.next === null) && state.error === null) {
      if (state.loading) {
        await state.loading;
        continue;
      }
      const loading = this.#loadPage(section, state, index);
      state.loading = loading;
      try {
        await loading;
      } finally {
        state.loading = null;
      }
    }
  }

  /** Loads every photo from global index `first` to `last`, each section's pages in order, the sections side by side. */
  async loadRange(first: number, last: number): Promise<void> {
    if (this.total === 0 || last < first) return;
    const from = positionOf(this.#starts, first);
    const to = positionOf(this.#starts, last);
    const loads: Promise<void>[] = [];
    for (let section = from.section; section <= to.section; section++) {
      const end = section === to.section ? to.index : (this.#sections[section]?.count ?? 0) - 1;
      if (end >= 0) loads.push(this.loadThrough(section, end));
    }
    await Promise.all(loads);
  }

  /** Clears failures so that the next `loadThrough` tries again. */
  retry(): void {
    for (const state of this.#sections) state.error = null;
    this.#onChange();
  }

  /** Stops filling: pages that arrive after this are dropped (the listing was replaced). */
  close(): void {
    this.#closed = true;
  }

  async #loadPage(section: number, state: SectionState, index: number): Promise<void> {
    const missing = index + 1 - state.photos.length;
    const limit = Math.max(1, Math.min(missing > PAGE_SIZE.near ? PAGE_SIZE.far : PAGE_SIZE.near, state.count - state.photos.length));
    const result = await this.#fetch(state.key, state.started ? state.next : null, limit);
    if (this.#closed) return;
    if (!result.ok) {
      state.error = `Cannot load the photos of ${state.label}: ${result.error.message}`;
      this.#onChange();
      return;
    }
    const start = (this.#starts[section] ?? 0) + state.photos.length;
    result.value.photos.forEach((photo, offset) => this.#indexByPath.set(photo.path, start + offset));
    state.photos.push(...result.value.photos);
    state.started = true;
    // An empty page with a cursor would loop forever; treat it as the end of the section.
    state.next = result.value.photos.length > 0 ? result.value.next : null;
    this.#onChange();
  }
}
