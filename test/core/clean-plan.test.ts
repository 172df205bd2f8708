import { describe, expect, it } from 'vitest';
import { keptCopies, planGroup, planTotals } from '../../src/core/cleanup/clean-plan';
import { groupId } from '../../src/shared/group-id';
import type { DuplicateCopy, DuplicateGroup } from '../../src/shared/types';

function copy(path: string, over: Partial<DuplicateCopy> = {}): DuplicateCopy {
  return {
    path,
    size: 1000,
    width: 40,
    height: 30,
    format: 'jpeg',
    takenAt: null,
    camera: null,
    mtimeMs: Date.parse('2024-07-14T10:11:12Z'),
    match: 'exact',
    score: 1,
    protected: false,
    reason: 'same bytes',
    ...over,
  };
}

function group(copies: readonly DuplicateCopy[], kind: DuplicateGroup['kind'] = 'exact'): DuplicateGroup {
  return { kind, files: copies.map((each) => each.path), copies, bytes: 0, wasted_bytes: 0, reason: 'same bytes' };
}

describe('keptCopies', () => {
  const ordered = ['/p/albums/a.jpg', '/p/albums/a copy.jpg', '/p/phone/a.jpg', '/p/phone/a (1).jpg', '/p/albums/2024/a.jpg'];

  it('should keep only the first copy of a group by default', () => {
    expect([...keptCopies(ordered)]).toEqual(['/p/albums/a.jpg']);
  });

  it('should keep the first copy of each folder with perFolder, the keeper rule picking which there', () => {
    expect([...keptCopies(ordered, { perFolder: true })]).toEqual(['/p/albums/a.jpg', '/p/phone/a.jpg', '/p/albums/2024/a.jpg']);
  });

  it('should tell folders apart by the file’s own folder, not by a common prefix of names', () => {
    expect([...keptCopies(['/p/a/x.jpg', '/p/ab/x.jpg', '/p/a/y.jpg'], { perFolder: true })]).toEqual(['/p/a/x.jpg', '/p/ab/x.jpg']);
  });
});

describe('planGroup', () => {
  it('should move the byte copies in the same folder and keep one copy per folder', () => {
    const planned = planGroup(
      group([copy('/p/a/1.jpg', { match: 'keeper' }), copy('/p/a/1 copy.jpg'), copy('/p/b/1.jpg'), copy('/p/b/1 (2).jpg')]),
      3,
      { perFolder: true },
    );
    expect(planned.copies.map((each) => [each.path, each.decision])).toEqual([
      ['/p/a/1.jpg', 'keep'],
      ['/p/a/1 copy.jpg', 'trash'],
      ['/p/b/1.jpg', 'keep'],
      ['/p/b/1 (2).jpg', 'trash'],
    ]);
    expect(planned.index).toBe(3);
    expect(planned.id).toBe(groupId({ files: ['/p/b/1.jpg', '/p/a/1.jpg', '/p/b/1 (2).jpg', '/p/a/1 copy.jpg'] }));
  });

  it('should keep a copy in a reference folder even where the rule would move it', () => {
    const planned = planGroup(group([copy('/p/a.jpg', { match: 'keeper' }), copy('/ref/a.jpg', { protected: true })]), 0);
    expect(planned.copies.map((each) => each.decision)).toEqual(['keep', 'keep']);
  });

  it('should keep every similar shot: shots are never moved in bulk', () => {
    const planned = planGroup(group([copy('/p/1.jpg', { match: 'keeper' }), copy('/p/2.jpg', { match: 'near' })], 'shots'), 0);
    expect(planned.copies.map((each) => each.decision)).toEqual(['keep', 'keep']);
  });

  it('should date a copy by its capture time, else by its file time', () => {
    const planned = planGroup(group([copy('/p/1.jpg', { takenAt: '2020-01-02T03:04:05' }), copy('/p/2.jpg')]), 0);
    expect(planned.copies.map((each) => each.date)).toEqual(['2020-01-02T03:04:05', '2024-07-14T10:11:12']);
  });
});

describe('planTotals', () => {
  // With one copy per folder, the reference copy is a folder's own copy: kept by the rule, not by its protection.
  it('should count what moves and what stays over every group', () => {
    const groups = [
      group([copy('/p/a/1.jpg', { size: 10 }), copy('/p/a/2.jpg', { size: 20 }), copy('/p/b/1.jpg', { size: 30 })]),
      group([copy('/p/c/1.jpg'), copy('/ref/1.jpg', { protected: true })]),
    ];
    expect(planTotals(groups)).toEqual({ groups: 2, groupsTouched: 1, keep: 3, trash: 2, trashBytes: 50, protectedKept: 1 });
    expect(planTotals(groups, { perFolder: true })).toEqual({
      groups: 2,
      groupsTouched: 1,
      keep: 4,
      trash: 1,
      trashBytes: 20,
      protectedKept: 0,
    });
  });
});
