/** What the viewer needs of the listing it was opened from: the photos around the open one. */
export interface PhotoSequence {
  /** Where a photo sits in the listing (0-based), null when it is not loaded into it. */
  position(photoPath: string): { readonly index: number; readonly total: number } | null;
  /** The loaded photo `step` places away, null when it is not loaded yet or past an end. */
  loadedNeighbour(photoPath: string, step: 1 | -1): string | null;
  /** The photo `step` places away, loading pages of the listing as needed; null past an end. */
  neighbour(photoPath: string, step: 1 | -1): Promise<string | null>;
}
