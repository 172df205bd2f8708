/**
 * How tall a group card is before it is drawn (the virtualized list places groups by it, then
 * measures them), and how many copies a card shows at most: a group of hundreds of copies (a long
 * burst) would otherwise put thousands of elements in the page; Compare shows them all.
 */
import type { ReviewGroup } from '../../../../shared/types.js';

/** Copies a card shows before "Show all N" (a burst is rarely longer). */
export const COPIES_SHOWN = 60;

/** The card's grid: tiles at least this wide (styles of DuplicateGroupCard), this far apart. */
const TILE_MIN_WIDTH = 160;
const TILE_GAP = 14;
/** A tile is square, with about this much text and buttons under it. */
const CAPTION_HEIGHT = 150;
/** The card's header, padding and border, and the gap after it. */
const CARD_CHROME = 92;
/** The side padding of the list and of the card. */
const SIDES = 2 * 40 + 2 * 17;

export function estimateGroupHeight(group: ReviewGroup | undefined, listWidth: number): number {
  const copies = Math.min(group?.copies.length ?? 2, COPIES_SHOWN);
  const width = Math.max(TILE_MIN_WIDTH, listWidth - SIDES);
  const columns = Math.max(1, Math.floor((width + TILE_GAP) / (TILE_MIN_WIDTH + TILE_GAP)));
  const tile = (width - TILE_GAP * (columns - 1)) / columns;
  const rows = Math.ceil(copies / columns);
  return CARD_CHROME + rows * (tile + CAPTION_HEIGHT) + (rows - 1) * TILE_GAP;
}
