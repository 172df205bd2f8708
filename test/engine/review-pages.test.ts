import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../src/shared/errors.js';
import { limits } from '../../src/shared/limits.js';
import { parseChannelInput } from '../../src/shared/ipc-contract.js';
import type { DuplicateGroup, DuplicatesReport } from '../../src/shared/types.js';
import { groupId } from '../../src/engine/review-group.js';
import { ReviewPages, type PageRequest, type ReviewQuery } from '../../src/engine/review-pages.js';

/** A reviewed group of `files` byte copies of `size` bytes each, the first kept. */
function group(files: readonly string[], size = 100, kind: DuplicateGroup['kind'] = 'exact'): DuplicateGroup {
  return {
    kind,
    files,
    copies: files.map((path, index) => ({
      path,
      size,
      width: 10,
      height: 10,
      format: 'jpeg',
      takenAt: null,
      camera: null,
      mtimeMs: 0,
      match: index === 0 ? 'keeper' : 'exact',
      score: 1,
      ...(index === 2 ? { copyOf: { match: 'exact' as const, path: files[1] ?? '' } } : {}),
      protected: false,
      reason: index === 0 ? 'the copy to keep' : 'same bytes',
    })),
    bytes: size,
    wasted_bytes: size * (files.length - 1),
    reason: 'same bytes',
  };
}

/** A list of `count` groups, biggest savings first: group i holds /p/i-a.jpg and /p/i-b.jpg. */
function report(count: number): DuplicatesReport {
  const groups = Array.from({ length: count }, (_, i) => group([`/p/${i}-a.jpg`, `/p/${i}-b.jpg`], 1000 - i));
  return { groups, wastedBytes: groups.reduce((sum, each) => sum + each.wasted_bytes, 0) };
}

/** Parses a request as the engine's dispatcher does (defaults filled in). */
function request(input: Record<string, unknown> = {}): PageRequest {
  const parsed = parseChannelInput('duplicates:list', input);
  if (!parsed.ok || !parsed.value) throw new Error(parsed.ok ? 'no input' : parsed.error.message);
  return parsed.value;
}

describe('duplicates:list pages', () => {
  it('should answer the list a page at a time, every group once, with the totals of the whole list', async () => {
    const pages = new ReviewPages(
      () => Promise.resolve(report(120)),
      () => 1,
    );
    const seen: string[] = [];
    let page = await pages.page(request({ limit: 50 }));
    expect(page.totals).toEqual({
      groups: 120,
      copies: 240,
      wastedBytes: report(120).wastedBytes,
      byKind: { exact: 120, pixel: 0, near: 0, shots: 0 },
    });
    for (;;) {
      seen.push(...page.groups.map((each) => each.copies[0]?.path ?? ''));
      expect(page.groups.map((each) => each.index)).toEqual(page.groups.map((_, i) => page.offset + i));
      if (!page.next) break;
      page = await pages.page(request({ limit: 50, cursor: page.next }));
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `/p/${i}-a.jpg`));
  });

  it('should jump to a group index, and past the end to the last page', async () => {
    const pages = new ReviewPages(
      () => Promise.resolve(report(120)),
      () => 1,
    );
    const jump = await pages.page(request({ offset: 70, limit: 20 }));
    expect([jump.offset, jump.groups.length, jump.groups[0]?.index]).toEqual([70, 20, 70]);
    const past = await pages.page(request({ offset: 5000, limit: 20 }));
    expect([past.offset, past.groups.length, past.next]).toEqual([100, 20, null]);
  });

  it('should send each path once: no files list, a byte copy naming the earlier copy by index', async () => {
    const pages = new ReviewPages(
      () => Promise.resolve({ groups: [group(['/p/a.jpg', '/p/b.jpg', '/p/c.jpg'])], wastedBytes: 200 }),
      () => 1,
    );
    const [only] = (await pages.page(request())).groups;
    expect(only).not.toHaveProperty('files');
    expect(only?.copies[2]?.copyOf).toEqual({ match: 'exact', index: 1 });
    expect(only?.wastedBytes).toBe(200);
  });

  it('should give a group the same id whatever the order of its files, the setting or the page', async () => {
    expect(groupId({ files: ['/p/b.jpg', '/p/a.jpg'] })).toBe(groupId({ files: ['/p/a.jpg', '/p/b.jpg'] }));
    expect(groupId({ files: ['/p/a.jpg', '/p/c.jpg'] })).not.toBe(groupId({ files: ['/p/a.jpg', '/p/b.jpg'] }));
    const reversed = (query: ReviewQuery): Promise<DuplicatesReport> => {
      const list = report(10);
      return Promise.resolve(query.keep?.rule === 'smallest' ? { ...list, groups: [...list.groups].reverse() } : list);
    };
    const pages = new ReviewPages(reversed, () => 1);
    const byId = (page: Awaited<ReturnType<ReviewPages['page']>>) => new Map(page.groups.map((each) => [each.copies[0]?.path, each.id]));
    const first = byId(await pages.page(request()));
    const other = byId(await pages.page(request({ keep: { rule: 'smallest' } })));
    expect(other).toEqual(first);
  });

  it('should open at the group now holding the focused path, else at the focused id, and say when none holds it', async () => {
    const pages = new ReviewPages(
      () => Promise.resolve(report(120)),
      () => 1,
    );
    const target = groupId({ files: ['/p/83-a.jpg', '/p/83-b.jpg'] });
    const byId = await pages.page(request({ focus: { group: target }, limit: 10 }));
    expect([byId.focusIndex, byId.offset, byId.groups[0]?.id]).toEqual([83, 83, target]);
    const byPath = await pages.page(request({ focus: { group: 'gone', path: '/p/7-b.jpg' } }));
    expect([byPath.focusIndex, byPath.offset]).toEqual([7, 7]);
    const missing = await pages.page(request({ focus: { path: '/p/nowhere.jpg' } }));
    expect([missing.focusIndex, missing.offset]).toEqual([null, 0]);
  });

  it('should review each setting once until the library changes, then anew under another list id', async () => {
    let version = 1;
    const asked: ReviewQuery[] = [];
    const pages = new ReviewPages(
      (query) => {
        asked.push(query);
        return Promise.resolve(report(60));
      },
      () => version,
    );
    const threshold = limits.nearThreshold.default;
    const first = await pages.page(request({ kind: 'all', threshold }));
    await pages.page(request({ kind: 'all', threshold, offset: 50 }));
    await pages.page(request({ kind: 'all' })); // the default threshold: the same list
    expect(asked).toHaveLength(1);
    await pages.page(request({ kind: 'all', threshold: 0.9 }));
    await pages.page(request({ kind: 'all', threshold })); // still kept
    expect(asked).toHaveLength(2);
    version = 2;
    const after = await pages.page(request({ kind: 'all', threshold }));
    expect(asked).toHaveLength(3);
    expect(after.list).not.toBe(first.list);
  });
});

describe('superseded requests', () => {
  /** A reviewer that runs until told to finish, and records whether its signal stopped it. */
  function controllable() {
    const runs: { query: ReviewQuery; signal: AbortSignal; finish: () => void }[] = [];
    const review = (query: ReviewQuery, signal: AbortSignal): Promise<DuplicatesReport> =>
      new Promise((resolve, reject) => {
        runs.push({ query, signal, finish: () => resolve(report(3)) });
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
    return { runs, pages: new ReviewPages(review, () => 1) };
  }

  it('should stop the older request of a view and answer it superseded, running only the newest', async () => {
    const { runs, pages } = controllable();
    const older = pages.page(request({ view: 'duplicates', threshold: 0.8 }));
    const newer = pages.page(request({ view: 'duplicates', threshold: 0.9 }));
    await expect(older).rejects.toSatisfy((error: unknown) => hasErrorCode(error, 'superseded'));
    expect(runs.map((run) => run.signal.aborted)).toEqual([true, false]);
    runs[1]?.finish();
    expect((await newer).totals.groups).toBe(3);
  });

  it('should leave requests of other views, and a review another request still waits for, running', async () => {
    const { runs, pages } = controllable();
    const pageTwo = pages.page(request({ threshold: 0.8, offset: 1, limit: 1 })); // no view: never superseded
    const first = pages.page(request({ view: 'duplicates', threshold: 0.8 }));
    const otherView = pages.page(request({ view: 'settings-preview', threshold: 0.7 }));
    const newer = pages.page(request({ view: 'duplicates', threshold: 0.9 }));
    await expect(first).rejects.toSatisfy((error: unknown) => hasErrorCode(error, 'superseded'));
    expect(runs.map((run) => [run.query.threshold, run.signal.aborted])).toEqual([
      [0.8, false],
      [0.7, false],
      [0.9, false],
    ]);
    for (const run of runs) run.finish();
    expect((await pageTwo).offset).toBe(1);
    await Promise.all([otherView, newer]);
  });
});
