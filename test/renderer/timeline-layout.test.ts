/**
 * The Library timeline's pure pieces: sections and columns become rows, photos are found by global
 * index, keyboard focus moves like a grid, and pages of a section are fetched in keyset order.
 */
import { describe, expect, it } from 'vitest';
import {
  buildLayout,
  firstPhotoOfRow,
  locatePhoto,
  moveFocus,
  rowOfPhoto,
  sectionAtOffset,
  sectionOffsets,
} from '../../src/renderer/src/state/timeline-layout.js';
import { TimelinePages, type FetchSectionPage } from '../../src/renderer/src/state/timeline-pages.js';
import { scrubberMarks } from '../../src/renderer/src/state/timeline-scrubber.js';
import { err, ok } from '../../src/shared/result.js';
import type { PhotoSummary, TimelineSection } from '../../src/shared/types.js';

function section(key: string, count: number): TimelineSection {
  return { key, label: key, count };
}

function photo(name: string): PhotoSummary {
  return {
    path: `/photos/${name}`,
    size: 1,
    format: 'jpeg',
    width: 1,
    height: 1,
    takenAt: null,
    camera: null,
    mtimeMs: 0,
    addedAt: 0,
    error: null,
  };
}

/** A fake `library:photos` over in-memory sections: cursors are the next index, as strings. */
function fakeListing(counts: Readonly<Record<string, number>>): { fetch: FetchSectionPage; calls: string[] } {
  const calls: string[] = [];
  const fetch: FetchSectionPage = (key, after, limit) => {
    calls.push(`${key}:${after ?? 'start'}:${limit}`);
    const count = counts[key] ?? 0;
    const from = after === null ? 0 : Number(after);
    const to = Math.min(count, from + limit);
    const photos = Array.from({ length: to - from }, (_, offset) => photo(`${key}-${from + offset}`));
    return Promise.resolve(ok({ photos, next: to < count ? String(to) : null }));
  };
  return { fetch, calls };
}

describe('timeline layout', () => {
  const layout = buildLayout([section('2024-07', 5), section('2024-06', 2), section('2024-05', 7)], 3);

  it('should put a header before each section and fill rows of tiles up to the column count', () => {
    expect(layout.rows).toEqual([
      { kind: 'header', section: 0 },
      { kind: 'tiles', section: 0, first: 0, count: 3 },
      { kind: 'tiles', section: 0, first: 3, count: 2 },
      { kind: 'header', section: 1 },
      { kind: 'tiles', section: 1, first: 0, count: 2 },
      { kind: 'header', section: 2 },
      { kind: 'tiles', section: 2, first: 0, count: 3 },
      { kind: 'tiles', section: 2, first: 3, count: 3 },
      { kind: 'tiles', section: 2, first: 6, count: 1 },
    ]);
    expect(layout.total).toBe(14);
    expect(layout.headerRows).toEqual([0, 3, 5]);
  });

  it('should size 100,000 photos into rows without loading any of them', () => {
    const big = buildLayout(
      Array.from({ length: 100 }, (_, index) => section(`s${index}`, 1000)),
      7,
    );
    expect(big.total).toBe(100_000);
    expect(big.rows).toHaveLength(100 * (1 + Math.ceil(1000 / 7)));
  });

  it('should find the section, row and first photo of a global index', () => {
    expect(locatePhoto(layout, 6)).toEqual({ section: 1, index: 1 });
    expect(locatePhoto(layout, 7)).toEqual({ section: 2, index: 0 });
    expect(rowOfPhoto(layout, 4)).toBe(2);
    expect(rowOfPhoto(layout, 13)).toBe(8);
    expect(firstPhotoOfRow(layout, 7)).toBe(10);
    expect(firstPhotoOfRow(layout, 3)).toBe(5);
  });

  it('should skip empty sections when locating a photo', () => {
    const withEmpty = buildLayout([section('a', 2), section('b', 0), section('c', 2)], 4);
    expect(locatePhoto(withEmpty, 2)).toEqual({ section: 2, index: 0 });
  });

  it('should place section headers by header and row heights, and find the section at an offset', () => {
    const offsets = sectionOffsets(layout, 50, 100);
    expect(offsets).toEqual([0, 50 + 200, 100 + 300]);
    expect(sectionAtOffset(offsets, 0)).toBe(0);
    expect(sectionAtOffset(offsets, 249)).toBe(0);
    expect(sectionAtOffset(offsets, 250)).toBe(1);
    expect(sectionAtOffset(offsets, 10_000)).toBe(2);
  });

  it('should rebuild with fewer columns when the grid narrows', () => {
    expect(buildLayout([section('a', 5)], 2).rows.filter((row) => row.kind === 'tiles')).toHaveLength(3);
    expect(buildLayout([section('a', 5)], 0).columns).toBe(1);
  });
});

describe('keyboard focus in the timeline', () => {
  const layout = buildLayout([section('2024-07', 5), section('2024-06', 2), section('2024-05', 7)], 3);

  it('should walk the listing order with left and right, across sections', () => {
    expect(moveFocus(layout, 4, 'right', 3)).toBe(5);
    expect(moveFocus(layout, 5, 'left', 3)).toBe(4);
    expect(moveFocus(layout, 0, 'left', 3)).toBe(0);
    expect(moveFocus(layout, 13, 'right', 3)).toBe(13);
  });

  it('should keep the column going down over a header, to the last tile of a shorter row', () => {
    expect(moveFocus(layout, 1, 'down', 3)).toBe(4);
    expect(moveFocus(layout, 4, 'down', 3)).toBe(6);
    expect(moveFocus(layout, 6, 'down', 3)).toBe(8);
  });

  it('should go up into the previous section keeping the column', () => {
    expect(moveFocus(layout, 9, 'up', 3)).toBe(6);
    expect(moveFocus(layout, 5, 'up', 3)).toBe(3);
    expect(moveFocus(layout, 2, 'up', 3)).toBe(2);
  });

  it('should jump to the ends with Home and End, and move by pages of rows', () => {
    expect(moveFocus(layout, 6, 'home', 3)).toBe(0);
    expect(moveFocus(layout, 6, 'end', 3)).toBe(13);
    expect(moveFocus(layout, 0, 'pageDown', 3)).toBe(5);
    expect(moveFocus(layout, 13, 'pageUp', 3)).toBe(5);
  });
});

describe('timeline pages', () => {
  it('should fetch the pages of a section in keyset order up to the photo asked for', async () => {
    const listing = fakeListing({ a: 450 });
    const pages = new TimelinePages([section('a', 450)], listing.fetch, () => {});
    await pages.loadThrough(0, 300);
    expect(listing.calls).toEqual(['a:start:450']);
    expect(pages.loadedCount(0)).toBe(450);
    expect(pages.photo(0, 300)?.path).toBe('/photos/a-300');
    expect(pages.isComplete(0)).toBe(true);
  });

  it('should fill what is on screen with small pages, one after another', async () => {
    const listing = fakeListing({ a: 1000 });
    const pages = new TimelinePages([section('a', 1000)], listing.fetch, () => {});
    await pages.loadThrough(0, 10);
    await pages.loadThrough(0, 250);
    expect(listing.calls).toEqual(['a:start:200', 'a:200:200']);
    expect(pages.isComplete(0)).toBe(false);
  });

  it('should ask once when two rows of the same section want the same page', async () => {
    const listing = fakeListing({ a: 100 });
    const pages = new TimelinePages([section('a', 100)], listing.fetch, () => {});
    await Promise.all([pages.loadThrough(0, 5), pages.loadThrough(0, 50)]);
    expect(listing.calls).toEqual(['a:start:100']);
  });

  it('should know the global index of every loaded photo, and load the photos around one', async () => {
    const listing = fakeListing({ a: 3, b: 4 });
    const pages = new TimelinePages([section('a', 3), section('b', 4)], listing.fetch, () => {});
    expect((await pages.loadPhotoAt(4))?.path).toBe('/photos/b-1');
    expect(pages.indexOf('/photos/b-1')).toBe(4);
    expect(pages.indexOf('/photos/a-0')).toBeUndefined();
    await pages.loadRange(0, 6);
    expect(pages.photoAt(2)?.path).toBe('/photos/a-2');
    expect(await pages.loadPhotoAt(7)).toBeUndefined();
  });

  it('should keep a failure until asked to retry, without fetching in a loop', async () => {
    let failing = true;
    const calls: string[] = [];
    const pages = new TimelinePages(
      [section('a', 2)],
      (key) => {
        calls.push(key);
        return Promise.resolve(failing ? err('library_unavailable', 'closed') : ok({ photos: [photo('x'), photo('y')], next: null }));
      },
      () => {},
    );
    await pages.loadThrough(0, 1);
    await pages.loadThrough(0, 1);
    expect(pages.firstError()).toBe('Cannot load the photos of a: closed');
    expect(calls).toHaveLength(1);
    failing = false;
    pages.retry();
    await pages.loadThrough(0, 1);
    expect(pages.loadedCount(0)).toBe(2);
  });

  it('should drop pages that arrive after the listing was replaced', async () => {
    const listing = fakeListing({ a: 10 });
    let changes = 0;
    const pages = new TimelinePages([section('a', 10)], listing.fetch, () => (changes += 1));
    const loading = pages.loadThrough(0, 5);
    pages.close();
    await loading;
    expect(pages.loadedCount(0)).toBe(0);
    expect(changes).toBe(0);
  });
});

describe('scrubber marks', () => {
  it('should label each year once for date sorts and put dots for the other months', () => {
    const sections = [section('2025-02', 10), section('2025-01', 10), section('2024-12', 10), section('2024-11', 10)];
    const marks = scrubberMarks(sections, [0, 250, 500, 750], 1000, 800, 'taken');
    expect(marks.map((mark) => mark.label)).toEqual(['2025', null, '2024', null]);
  });

  it('should leave out labels that would overlap on a short track', () => {
    const sections = Array.from({ length: 26 }, (_, index) => section(String.fromCharCode(65 + index), 1));
    const marks = scrubberMarks(
      sections,
      sections.map((_, index) => index * 10),
      260,
      100,
      'name',
    );
    const labelled = marks.filter((mark) => mark.label !== null);
    expect(labelled.length).toBeLessThanOrEqual(Math.ceil(100 / 18));
    expect(labelled[0]?.label).toBe('A');
  });
});
