/**
 * Row layout of the Library timeline: sections (with their photo counts) and a column count become
 * one flat list of rows, a section header then rows of tiles, so the virtualizer can size a scroll
 * of 100 000 photos before a single page is loaded. Photos are addressed by their global index in
 * listing order (sections in order, each section's photos in order). Pure: no DOM, no Vue.
 */

/** What the layout needs of a `TimelineSection`. */
export interface LayoutSection {
  readonly count: number;
}

export type TimelineRow =
  | { readonly kind: 'header'; readonly section: number }
  /** Tiles `first` to `first + count - 1` of a section (indexes within the section). */
  | { readonly kind: 'tiles'; readonly section: number; readonly first: number; readonly count: number };

export interface TimelineLayout {
  readonly columns: number;
  readonly rows: readonly TimelineRow[];
  /** Row index of each section's header. */
  readonly headerRows: readonly number[];
  /** Global index of each section's first photo; `total` after the last. */
  readonly sectionStarts: readonly number[];
  readonly total: number;
}

/** Where a photo sits in a section. */
export interface PhotoPosition {
  readonly section: number;
  /** Index within the section. */
  readonly index: number;
}

/**
 * @example buildLayout([{ count: 5 }, { count: 2 }], 3).rows
 * // → header 0, tiles 0–2, tiles 3–4, header 1, tiles 0–1
 */
export function buildLayout(sections: readonly LayoutSection[], columns: number): TimelineLayout {
  const perRow = Math.max(1, Math.floor(columns));
  const rows: TimelineRow[] = [];
  const headerRows: number[] = [];
  const sectionStarts: number[] = [];
  let total = 0;
  sections.forEach((section, sectionIndex) => {
    headerRows.push(rows.length);
    sectionStarts.push(total);
    rows.push({ kind: 'header', section: sectionIndex });
    for (let first = 0; first < section.count; first += perRow) {
      rows.push({ kind: 'tiles', section: sectionIndex, first, count: Math.min(perRow, section.count - first) });
    }
    total += section.count;
  });
  sectionStarts.push(total);
  return { columns: perRow, rows, headerRows, sectionStarts, total };
}

/**
 * The section and in-section index of a global photo index (clamped into the listing), given each
 * section's first global index followed by the total (`TimelineLayout.sectionStarts`).
 */
export function positionOf(sectionStarts: readonly number[], globalIndex: number): PhotoPosition {
  const total = sectionStarts[sectionStarts.length - 1] ?? 0;
  const target = Math.min(Math.max(0, globalIndex), Math.max(0, total - 1));
  // The last section starting at or before the target: empty sections share their start with the next.
  let low = 0;
  let high = Math.max(0, sectionStarts.length - 2);
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((sectionStarts[middle] ?? 0) <= target) low = middle;
    else high = middle - 1;
  }
  return { section: low, index: target - (sectionStarts[low] ?? 0) };
}

export function locatePhoto(layout: TimelineLayout, globalIndex: number): PhotoPosition {
  return positionOf(layout.sectionStarts, globalIndex);
}

export function globalIndexOf(layout: TimelineLayout, position: PhotoPosition): number {
  return (layout.sectionStarts[position.section] ?? 0) + position.index;
}

/** The row that holds a photo. */
export function rowOfPhoto(layout: TimelineLayout, globalIndex: number): number {
  const { section, index } = locatePhoto(layout, globalIndex);
  return (layout.headerRows[section] ?? 0) + 1 + Math.floor(index / layout.columns);
}

/** Global index of the first photo of a row, or of the first photo after it for a header row. */
export function firstPhotoOfRow(layout: TimelineLayout, rowIndex: number): number {
  const row = layout.rows[Math.min(Math.max(0, rowIndex), layout.rows.length - 1)];
  if (!row) return 0;
  const start = layout.sectionStarts[row.section] ?? 0;
  return Math.min(start + (row.kind === 'tiles' ? row.first : 0), Math.max(0, layout.total - 1));
}

/**
 * Top offset of every section header, for a scroll whose headers are `headerHeight` tall and tile
 * rows `rowHeight` tall (gaps included), after `paddingTop`.
 */
export function sectionOffsets(layout: TimelineLayout, headerHeight: number, rowHeight: number, paddingTop = 0): number[] {
  return layout.headerRows.map((row, section) => paddingTop + section * headerHeight + (row - section) * rowHeight);
}

export type FocusMove = 'left' | 'right' | 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

/** The nearest tile row from `rowIndex` going in `step` (±1), `rowIndex` included (so headers are stepped over); null past the end. */
function tileRowFrom(layout: TimelineLayout, rowIndex: number, step: 1 | -1): number | null {
  for (let row = rowIndex; row >= 0 && row < layout.rows.length; row += step) {
    if (layout.rows[row]?.kind === 'tiles') return row;
  }
  return null;
}

/** The photo of a tile row in the given column, or its last photo when the row is shorter. */
function photoInRow(layout: TimelineLayout, rowIndex: number, column: number): number {
  const row = layout.rows[rowIndex];
  if (row?.kind !== 'tiles') return firstPhotoOfRow(layout, rowIndex);
  return (layout.sectionStarts[row.section] ?? 0) + row.first + Math.min(column, row.count - 1);
}

/**
 * Where keyboard focus goes from a photo: left/right walk the listing order, up/down keep the
 * column across section headers (to the last tile of a shorter row), page moves `pageRows` rows.
 * @example moveFocus(buildLayout([{ count: 5 }, { count: 2 }], 3), 4, 'down', 5) // → 6 (second section, last tile)
 */
export function moveFocus(layout: TimelineLayout, globalIndex: number, move: FocusMove, pageRows: number): number {
  if (layout.total === 0) return 0;
  const last = layout.total - 1;
  const current = Math.min(Math.max(0, globalIndex), last);
  const column = locatePhoto(layout, current).index % layout.columns;
  const rowIndex = rowOfPhoto(layout, current);
  const verticalTo = (distance: number): number => {
    const step = distance < 0 ? -1 : 1;
    const target = Math.min(Math.max(0, rowIndex + distance), layout.rows.length - 1);
    const row = tileRowFrom(layout, target, step) ?? tileRowFrom(layout, target, step === 1 ? -1 : 1);
    return row === null ? current : photoInRow(layout, row, column);
  };
  switch (move) {
    case 'left':
      return Math.max(0, current - 1);
    case 'right':
      return Math.min(last, current + 1);
    case 'up':
      return verticalTo(-1);
    case 'down':
      return verticalTo(1);
    case 'pageUp':
      return verticalTo(-Math.max(1, pageRows));
    case 'pageDown':
      return verticalTo(Math.max(1, pageRows));
    case 'home':
      return 0;
    case 'end':
      return last;
    default:
      return move satisfies never;
  }
}

/** The section showing at a scroll offset: the last one whose header starts at or above it. */
export function sectionAtOffset(offsets: readonly number[], offset: number): number {
  let low = 0;
  let high = offsets.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((offsets[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return Math.max(0, low);
}
