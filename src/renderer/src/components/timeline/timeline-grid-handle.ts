/** What the Library view may ask of its timeline grid (the grid's `defineExpose`). */
export interface TimelineGridHandle {
  /** Scrolls to a loaded photo's tile and focuses it (the viewer closed on it). */
  focusPhoto(photoPath: string): void;
  scrollTop(): number;
  scrollTo(top: number): void;
  /** Global indexes of the first and last photo rendered. */
  renderedRange(): readonly [number, number];
}
