/** How the review names copies and their differences. */
import type { DuplicateCopy } from '../../shared/types.js';
import { formatBytes, formatScore, formatTakenAt, folderOf } from './format.js';

/** `Same bytes`, `Same pixels`, `93% similar` or `Similar`: how a copy matches the group's keeper. */
export function matchLabel(copy: DuplicateCopy): string {
  switch (copy.match) {
    case 'keeper':
      return 'Best copy';
    case 'exact':
      return 'Same bytes';
    case 'pixel':
      return 'Same pixels';
    case 'near':
      return copy.score === null ? 'Similar' : `${formatScore(copy.score)} similar`;
    default:
      return copy.match satisfies never;
  }
}

/** One compared fact of a copy: its text, and whether it differs from the keeper's. */
export interface CopyFact {
  readonly label: string;
  readonly value: string;
  readonly differs: boolean;
  /** The best value of the group for this fact (highest resolution, largest file, oldest capture). */
  readonly best: boolean;
}

interface FactSpec {
  readonly label: string;
  readonly value: (copy: DuplicateCopy) => string;
  /** Larger is better; facts without one are only compared for difference. */
  readonly rank?: (copy: DuplicateCopy) => number;
}

const FACTS: readonly FactSpec[] = [
  {
    label: 'Resolution',
    value: (c) => `${c.width} × ${c.height} (${((c.width * c.height) / 1e6).toFixed(1)} MP)`,
    rank: (c) => c.width * c.height,
  },
  { label: 'File size', value: (c) => formatBytes(c.size), rank: (c) => c.size },
  { label: 'Format', value: (c) => c.format.toUpperCase() },
  { label: 'Date taken', value: (c) => (c.takenAt ? formatTakenAt(c.takenAt) : 'Unknown') },
  { label: 'Camera', value: (c) => c.camera ?? 'Unknown' },
  { label: 'Modified', value: (c) => new Date(c.mtimeMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) },
  { label: 'Folder', value: (c) => folderOf(c.path) },
];

/** Every fact of each copy, with differences from the keeper (the first copy) and the best values marked. */
export function compareFacts(copies: readonly DuplicateCopy[]): CopyFact[][] {
  const keeper = copies[0];
  return copies.map((copy) =>
    FACTS.map((fact) => {
      const value = fact.value(copy);
      const rank = fact.rank;
      const top = rank ? Math.max(...copies.map(rank)) : null;
      const varies = rank ? new Set(copies.map(rank)).size > 1 : false;
      return {
        label: fact.label,
        value,
        differs: keeper !== undefined && copy !== keeper && fact.value(keeper) !== value,
        best: rank !== undefined && varies && rank(copy) === top,
      };
    }),
  );
}
