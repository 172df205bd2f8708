/**
 * The marks of the timeline scrubber: where each section starts along the track, which of them get
 * a label (years for date sorts, section names otherwise) and which only a dot, thinned so that
 * labels never overlap and a library of 1 000 folders does not put 1 000 dots in the page.
 */
import type { PhotoSort, TimelineSection } from '../../../shared/types.js';
import { isDateSort, scrubberLabel, yearOfSection } from '../timeline-format.js';

export interface ScrubberMark {
  readonly section: number;
  /** Position along the track, 0 (top) to 1. */
  readonly fraction: number;
  /** Written next to the track; null for a plain dot. */
  readonly label: string | null;
}

/** Track pixels between two labels, between two dots, and kept free of dots around a label's text. */
const LABEL_SPACING = 18;
const DOT_SPACING = 4;
const LABEL_CLEARANCE = 9;

/**
 * @param offsets top of each section in the scroll (see `sectionOffsets`)
 * @param totalSize height of the whole scroll
 * @param trackHeight height of the scrubber track in pixels
 */
export function scrubberMarks(
  sections: readonly TimelineSection[],
  offsets: readonly number[],
  totalSize: number,
  trackHeight: number,
  sort: PhotoSort,
): ScrubberMark[] {
  if (totalSize <= 0 || trackHeight <= 0) return [];
  const byYear = isDateSort(sort);
  const marks: ScrubberMark[] = [];
  let lastLabelAt = -Infinity;
  let lastDotAt = -Infinity;
  let previousYear: number | null = null;
  sections.forEach((section, index) => {
    const fraction = Math.min(1, (offsets[index] ?? 0) / totalSize);
    const y = fraction * trackHeight;
    const year = byYear ? yearOfSection(section.key) : null;
    const wantsLabel = byYear ? index === 0 || year !== previousYear : true;
    previousYear = year;
    if (wantsLabel && y - lastLabelAt >= LABEL_SPACING) {
      // Dots just above the label would run into its text.
      while (
        marks.length > 0 &&
        marks[marks.length - 1]?.label === null &&
        y - (marks[marks.length - 1]?.fraction ?? 0) * trackHeight < LABEL_CLEARANCE
      ) {
        marks.pop();
      }
      marks.push({ section: index, fraction, label: year === null ? scrubberLabel(section, sort) : String(year) });
      lastLabelAt = y;
      lastDotAt = y;
    } else if (y - lastDotAt >= DOT_SPACING && y - lastLabelAt >= LABEL_CLEARANCE) {
      marks.push({ section: index, fraction, label: null });
      lastDotAt = y;
    }
  });
  return marks;
}
