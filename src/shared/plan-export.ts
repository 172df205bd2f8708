/**
 * The bulk assistant's list for people who check it elsewhere (a spreadsheet, a script): one row
 * per copy, as CSV (RFC 4180) or JSON. Shared by the renderer's download and `doppel duplicates
 * --format csv|json`, so both write the same columns.
 */
import type { CleanPlanTotals, PlannedGroup } from './types.js';

/** The columns, in order; the JSON rows carry the same names. */
export const PLAN_COLUMNS = ['group', 'kind', 'reason', 'path', 'size', 'width', 'height', 'date', 'decision'] as const;

export type PlanRow = Readonly<Record<(typeof PLAN_COLUMNS)[number], string | number>>;

/** One row per copy, group after group. */
export function planRows(groups: readonly PlannedGroup[]): PlanRow[] {
  return groups.flatMap((group) =>
    group.copies.map((copy) => ({
      group: group.id,
      kind: group.kind,
      reason: copy.protected ? `${copy.reason} (reference folder)` : copy.reason,
      path: copy.path,
      size: copy.size,
      width: copy.width,
      height: copy.height,
      date: copy.date,
      decision: copy.decision,
    })),
  );
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, a CR or a LF, quotes doubled. A
 * path may hold any of them (Linux allows every byte but `/` and NUL in a name).
 * @example csvField('a "b", c') // '"a ""b"", c"'
 */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The plan as CSV: a header line, then one line per copy, lines ended by CRLF as RFC 4180 says. */
export function planCsv(groups: readonly PlannedGroup[]): string {
  const lines = [PLAN_COLUMNS.join(',')];
  for (const row of planRows(groups)) lines.push(PLAN_COLUMNS.map((column) => csvField(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The plan as JSON: its totals and one object per copy (the CSV's columns). */
export function planJson(groups: readonly PlannedGroup[], totals: CleanPlanTotals): string {
  return `${JSON.stringify({ totals, rows: planRows(groups) }, null, 2)}\n`;
}
