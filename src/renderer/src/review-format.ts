/** How the review names copies and their differences. */
import type { DuplicateGroup, DuplicateKind, ReviewCopy } from '../../shared/types.js';

/** A copy as the review shows it (either form: a page's, or a whole report's). */
type ShownCopy = Omit<ReviewCopy, 'copyOf'>;
import { formatBytes, formatScore, formatTakenAt, folderOf } from './format.js';

/**
 * The text with its first letter in capitals (the core's reasons are written to follow a colon), and
 * a "47 %" never broken before its "%".
 */
export function sentence(text: string): string {
  return (text.charAt(0).toUpperCase() + text.slice(1)).replaceAll(' %', '\u00a0%');
}

/** What the review calls each kind of group (its badge, and its tab). */
export const KIND_LABELS: Readonly<Record<DuplicateKind, string>> = {
  exact: 'Exact copies',
  pixel: 'Same pixels',
  near: 'Near duplicates',
  shots: 'Similar shots',
};

/**
 * Why a group is one, in words, next to its badge: without the badge's own words before a colon.
 * @example groupReason({ kind: 'shots', reason: 'similar shots: 3 pictures of one moment' }) // '3 pictures of one moment'
 */
export function groupReason(group: Pick<DuplicateGroup, 'kind' | 'reason'>): string {
  const label = `${KIND_LABELS[group.kind].toLowerCase()}:`;
  const reason = group.reason.toLowerCase().startsWith(label) ? group.reason.slice(label.length).trim() : group.reason;
  return sentence(reason || group.reason);
}

/** Why a copy is in its group, in words: `Same bytes`, `Same picture, cropped`, `Suggested best shot: …`. */
export function copyReason(copy: Pick<ShownCopy, 'reason'>): string {
  return sentence(copy.reason);
}

/**
 * `93% similar` for a near copy of a duplicate group, next to its reason; null otherwise (byte and
 * pixel copies are identical, and similar shots are other pictures whatever their similarity).
 */
export function scoreLabel(copy: Pick<ShownCopy, 'match' | 'score'>, kind: DuplicateKind): string | null {
  return kind !== 'shots' && copy.match === 'near' && copy.score !== null ? `${formatScore(copy.score)} similar` : null;
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
  readonly value: (copy: ShownCopy) => string;
  /** Larger is better; facts without one are only compared for difference. */
  readonly rank?: (copy: ShownCopy) => number;
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
export function compareFacts(copies: readonly ShownCopy[]): CopyFact[][] {
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
