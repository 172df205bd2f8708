/**
 * The rows the timeline draws this frame: the virtualizer's items joined with the layout and the
 * loaded photos. The only per-frame work of the grid, a few dozen small objects; no DOM, no Vue.
 */
import type { PhotoSummary, TimelineSection } from '../../../shared/types.js';
import { sectionHeading } from '../timeline-format.js';
import type { TimelineLayout } from './timeline-layout.js';

/** What the grid needs of a virtualizer item. */
export interface PlacedRow {
  readonly index: number;
  readonly start: number;
}

export interface RenderedTile {
  /** Global index in the listing. */
  readonly index: number;
  readonly column: number;
  /** Undefined until its page has loaded: drawn as a placeholder. */
  readonly photo: PhotoSummary | undefined;
  /** Its thumbnail failed to load (the file is gone since it was indexed). */
  readonly broken: boolean;
}

export type RenderedRow =
  | { readonly kind: 'header'; readonly rowIndex: number; readonly start: number; readonly text: string }
  | { readonly kind: 'tiles'; readonly rowIndex: number; readonly start: number; readonly tiles: readonly RenderedTile[] };

export interface RowSource {
  readonly layout: TimelineLayout;
  readonly sections: readonly TimelineSection[];
  photo(section: number, index: number): PhotoSummary | undefined;
  isBroken(photoPath: string): boolean;
}

export function renderRows(placed: readonly PlacedRow[], source: RowSource): RenderedRow[] {
  const { rows, sectionStarts } = source.layout;
  return placed.map((item): RenderedRow => {
    const row = rows[item.index];
    if (!row || row.kind === 'header') {
      const section = source.sections[row?.section ?? 0];
      return { kind: 'header', rowIndex: item.index, start: item.start, text: section ? sectionHeading(section) : '' };
    }
    const start = sectionStarts[row.section] ?? 0;
    const tiles: RenderedTile[] = [];
    for (let column = 0; column < row.count; column++) {
      const photo = source.photo(row.section, row.first + column);
      tiles.push({ index: start + row.first + column, column, photo, broken: photo !== undefined && source.isBroken(photo.path) });
    }
    return { kind: 'tiles', rowIndex: item.index, start: item.start, tiles };
  });
}

/** The first photo at or below a scroll offset (the place to hold when the columns change). */
export function topPhotoOf(
  placed: readonly (PlacedRow & { readonly end: number })[],
  layout: TimelineLayout,
  scrollTop: number,
): number | null {
  const top = placed.find((item) => item.end > scrollTop);
  const row = top ? layout.rows[top.index] : undefined;
  if (!row) return null;
  return (layout.sectionStarts[row.section] ?? 0) + (row.kind === 'tiles' ? row.first : 0);
}

/** The DOM id of a tile, so that focus can find it after a scroll. */
export function tileElementId(globalIndex: number): string {
  return `timeline-tile-${globalIndex}`;
}
