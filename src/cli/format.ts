import type {
  CleanReport,
  DuplicatesReport,
  FindReport,
  IndexProgress,
  DuplicateCopy,
  IndexReport,
  NotDuplicatePair,
  OperationSummary,
  SimilarReport,
  UndoReport,
} from '../shared/types';
import type { CheckReport } from '../core/doppel';
import { keptCopies, planGroup, planTotals, type KeepCount } from '../core/cleanup/clean-plan';
import { planCsv, planJson } from '../shared/plan-export';

import { formatBytes } from '../shared/format-bytes';

export { formatBytes };

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

const PHASE_LABEL: Record<IndexProgress['phase'], string> = {
  scan: 'Scanning',
  index: 'Indexing',
  thumbnails: 'Rebuilding thumbnails',
  pixel: 'Comparing pixels',
  vectors: 'Building search index',
  done: 'Done',
};

/** One line of a terminal progress bar. */
export function formatProgressLine(progress: IndexProgress, columns = 80): string {
  const label = PHASE_LABEL[progress.phase].padEnd(20);
  if (progress.phase === 'scan') return `${label} ${progress.total} photos found`;
  if (progress.phase === 'done') return label.trim();
  const fraction = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 1;
  const barWidth = Math.max(10, Math.min(30, columns - 60));
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
  const eta = progress.etaSeconds === null ? '' : ` ETA ${formatDuration(progress.etaSeconds)}`;
  return `${label} ${bar} ${progress.done}/${progress.total} ${progress.rate.toFixed(1)}/s${eta}`;
}

export function formatIndexReport(report: IndexReport): string {
  const lines = [
    `${report.cancelled ? 'Cancelled' : 'Indexed'} in ${report.seconds.toFixed(1)}s: ${report.scanned} photos found, ` +
      `${report.indexed} read (${report.decoded} decoded, ${report.copies} copies, ${report.moved} moved), ${report.unchanged} unchanged, ${report.removed} removed.`,
  ];
  if (report.errors.length > 0) {
    lines.push(`${report.errors.length} file${report.errors.length === 1 ? '' : 's'} could not be indexed:`);
    for (const error of report.errors) lines.push(`  ${error.path}: ${error.reason}`);
  }
  return lines.join('\n');
}

/** With `perFolder`, every copy a clean-up keeps (one per folder) is marked `keep`, not only the first. */
export function formatDuplicates(report: DuplicatesReport, keepCount: KeepCount = {}): string {
  const shots = report.groups.some((group) => group.kind === 'shots');
  if (report.groups.length === 0) return 'No duplicates found.';
  const count = `${report.groups.length} ${shots ? 'group' : 'duplicate group'}${report.groups.length === 1 ? '' : 's'}`;
  const lines = [
    shots
      ? `${count} of similar shots (different pictures: choose what to keep in each; never moved in bulk):`
      : `${count}, ${formatBytes(report.wastedBytes)} could be freed:`,
  ];
  for (const group of report.groups) {
    const size = group.kind === 'shots' ? '' : ` · ${formatBytes(group.wasted_bytes)} wasted`;
    lines.push('', `${group.kind} · ${group.files.length} files${size} · ${group.reason}`);
    const first = group.kind === 'shots' ? 'best' : 'keep';
    const kept = keptCopies(group.files, keepCount);
    for (const copy of group.copies) lines.push(`  ${kept.has(copy.path) ? first : '    '} ${copy.path}  ${describeCopy(copy)}`);
  }
  return lines.join('\n');
}

/** `duplicates --format csv|json`: the bulk assistant's export of every group, each copy with its decision. */
export function formatPlan(report: DuplicatesReport, format: 'csv' | 'json', count: KeepCount = {}): string {
  const groups = report.groups.map((group, index) => planGroup(group, index, count));
  // `print` adds the last line end.
  return (format === 'csv' ? planCsv(groups) : planJson(groups, planTotals(report.groups, count))).replace(/\r?\n$/, '');
}

/** `(same bytes)`, `(0.934 similar, same picture, cropped)`, and `protected` where it applies. */
function describeCopy(copy: DuplicateCopy): string {
  const notes: string[] = [];
  if (copy.match === 'exact') notes.push('same bytes');
  else if (copy.match === 'pixel') notes.push('same pixels');
  else if (copy.match === 'near') notes.push(...(copy.score === null ? [] : [`${copy.score.toFixed(3)} similar`]), copy.reason);
  else if (copy.reason !== 'the copy to keep') notes.push(copy.reason);
  if (copy.copyOf) notes.push(`${copy.copyOf.match === 'exact' ? 'byte' : 'pixel'} copy of ${copy.copyOf.path}`);
  if (copy.protected) notes.push('protected');
  return notes.length > 0 ? `(${notes.join(', ')})` : '';
}

export function formatFind(query: string, report: FindReport): string {
  const lines: string[] = [];
  if (report.exact.length + report.pixel.length + report.near.length === 0) return `${query} is not in the library.`;
  for (const file of report.exact) lines.push(`exact  ${file}`);
  for (const file of report.pixel) lines.push(`pixel  ${file}`);
  for (const match of report.near) lines.push(`near   ${match.path} (${match.score.toFixed(3)})`);
  return lines.join('\n');
}

export function formatSimilar(reports: readonly SimilarReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`${report.query}:`);
    if (report.results.length === 0) lines.push('  (no similar photos)');
    for (const result of report.results) lines.push(`  ${result.score.toFixed(3)}  ${result.path}`);
  }
  return lines.join('\n');
}

export function formatClean(report: CleanReport): string {
  const verb = report.dryRun ? 'Would move' : 'Moved';
  const lines = [
    `${verb} ${report.trashed.length} cop${report.trashed.length === 1 ? 'y' : 'ies'} to the trash, freeing ${formatBytes(report.freedBytes)}.`,
  ];
  for (const copy of report.trashed) lines.push(`  ${copy.path}  (kept: ${copy.keeper})`);
  if (report.skipped.length > 0) {
    const none = `${report.dryRun ? 'Would move nothing' : 'Moved nothing'}: all ${report.skipped.length} cop${report.skipped.length === 1 ? 'y was' : 'ies were'} left in place:`;
    if (report.trashed.length === 0) lines[0] = none;
    else lines.push(`${report.skipped.length} left in place:`);
    for (const copy of report.skipped) lines.push(`  ${copy.path}: ${copy.reason}`);
  }
  if (report.operation) lines.push(`Undo with: doppel undo ${report.operation}`);
  return lines.join('\n');
}

export function formatUndo(report: UndoReport): string {
  const lines = [`Put back ${report.restored.length} file${report.restored.length === 1 ? '' : 's'} (operation ${report.operation}).`];
  for (const file of report.restored) if (file.note) lines.push(`  ${file.path}: ${file.note}`);
  for (const file of report.failed) lines.push(`  not restored: ${file.path}: ${file.reason}`);
  return lines.join('\n');
}

export function formatHistory(history: readonly OperationSummary[]): string {
  if (history.length === 0) return 'No operations yet.';
  return history
    .map((entry) => {
      const when = new Date(entry.createdAt).toLocaleString();
      const what =
        entry.kind === 'trash'
          ? `moved ${entry.files} to the trash (${formatBytes(entry.freedBytes)})${entry.skipped > 0 ? `, left ${entry.skipped}` : ''}`
          : `marked ${entry.files} pair${entry.files === 1 ? '' : 's'} as not duplicates`;
      return `${entry.operation}  ${when}  ${what}${entry.state === 'undone' ? '  [undone]' : ''}`;
    })
    .join('\n');
}

export function formatNotDuplicates(pairs: readonly NotDuplicatePair[]): string {
  if (pairs.length === 0) return 'No "not duplicates" decisions.';
  const name = (file: string | null): string => file ?? '(no longer in the library)';
  return pairs.map((pair) => `${new Date(pair.decidedAt).toLocaleString()}  ${name(pair.a)}  ≠  ${name(pair.b)}`).join('\n');
}

export function formatProtected(folders: readonly string[]): string {
  if (folders.length === 0) return 'No protected folders.';
  return ['Protected folders (never cleaned):', ...folders.map((folder) => `  ${folder}`)].join('\n');
}

export function formatCheck(report: CheckReport): string {
  const lines = [`Library ${report.libraryDir}`];
  lines.push(report.database === 'ok' ? 'Database: ok (SQLite integrity check passed)' : 'Database: was damaged, rebuilt (see above)');
  if (report.readOnly) lines.push('Read-only: checked, nothing repaired or rebuilt');
  if (report.decisionsProblem) lines.push(`Decisions backup: ${report.decisionsProblem}`);
  const { checked, missing, rebuilt, failed } = report.thumbnails;
  lines.push(
    missing === 0
      ? `Thumbnails: all ${checked} present`
      : `Thumbnails: ${missing} of ${checked} missing, ${rebuilt} rebuilt${failed > 0 ? `, ${failed} could not be (their photos are unreadable: run doppel index)` : ''}`,
  );
  return lines.join('\n');
}
