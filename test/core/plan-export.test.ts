import { describe, expect, it } from 'vitest';
import { csvField, planCsv, planJson, PLAN_COLUMNS } from '../../src/shared/plan-export';
import type { PlannedGroup } from '../../src/shared/types';
import { parseCsv } from '../helpers/csv';

const awkward = '/photos/Trip, "best" of\nJuly/IMG 1.jpg';
const plan: PlannedGroup[] = [
  {
    id: 'g1',
    index: 0,
    kind: 'exact',
    reason: 'same bytes',
    copies: [
      {
        path: '/photos/a.jpg',
        size: 10,
        width: 4,
        height: 3,
        date: '2024-01-02T03:04:05',
        match: 'keeper',
        reason: 'the copy to keep',
        protected: false,
        decision: 'keep',
      },
      {
        path: awkward,
        size: 10,
        width: 4,
        height: 3,
        date: '2024-01-02T03:04:05',
        match: 'exact',
        reason: 'same bytes',
        protected: false,
        decision: 'trash',
      },
    ],
  },
];

describe('csvField', () => {
  it('should leave a plain field as it is', () => {
    expect(csvField('/photos/a.jpg')).toBe('/photos/a.jpg');
    expect(csvField(42)).toBe('42');
  });

  it('should quote a field with a comma, a quote, a CR or a LF, doubling its quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });
});

describe('planCsv', () => {
  it('should write a header and one CRLF line per copy that reads back to the same paths', () => {
    const csv = planCsv(plan);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...PLAN_COLUMNS]);
    expect(rows.slice(1)).toEqual([
      ['g1', 'exact', 'the copy to keep', '/photos/a.jpg', '10', '4', '3', '2024-01-02T03:04:05', 'keep'],
      ['g1', 'exact', 'same bytes', awkward, '10', '4', '3', '2024-01-02T03:04:05', 'trash'],
    ]);
  });
});

describe('planJson', () => {
  it('should carry the totals and the same rows as the CSV', () => {
    const totals = { groups: 1, groupsTouched: 1, keep: 1, trash: 1, trashBytes: 10, protectedKept: 0 };
    const parsed = JSON.parse(planJson(plan, totals)) as { totals: unknown; rows: { path: string; decision: string }[] };
    expect(parsed.totals).toEqual(totals);
    expect(parsed.rows.map((row) => [row.path, row.decision])).toEqual([
      ['/photos/a.jpg', 'keep'],
      [awkward, 'trash'],
    ]);
  });
});
