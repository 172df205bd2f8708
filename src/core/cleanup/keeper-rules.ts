import { KEEPER_RULES, type KeeperRule } from '../../shared/types';
import { InvalidArgumentError } from '../errors';
import { isInside } from '../library-paths';

export { KEEPER_RULES, type KeeperRule } from '../../shared/types';

/** What the keeper rules look at, for each copy in a group. */
export interface KeeperCandidate {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly width: number;
  readonly height: number;
  /** EXIF capture time as the camera wrote it (`2024-07-14T10:11:12`), or null. */
  readonly takenAt: string | null;
}

export interface KeeperChoice {
  readonly rule: KeeperRule;
  /** For `in-folder`: copies under this folder are kept first. */
  readonly folder?: string;
}

type Compare = (a: KeeperCandidate, b: KeeperCandidate) => number;

const byResolution: Compare = (a, b) => b.width * b.height - a.width * a.height;
const byLargest: Compare = (a, b) => b.size - a.size;
/** File times as capture-time text, worked out once per candidate (a sort asks for them again and again). */
const fileTimeText = new WeakMap<KeeperCandidate, string>();
/** Capture time when the camera wrote one, else the file time: ISO strings compare as text. */
const captureTime = (candidate: KeeperCandidate): string => {
  if (candidate.takenAt !== null) return candidate.takenAt;
  let text = fileTimeText.get(candidate);
  if (text === undefined) {
    text = new Date(candidate.mtimeMs).toISOString().slice(0, 19);
    fileTimeText.set(candidate, text);
  }
  return text;
};
const byOldest: Compare = (a, b) => compareText(captureTime(a), captureTime(b)) || a.mtimeMs - b.mtimeMs;
const byShortestPath: Compare = (a, b) => a.path.length - b.path.length;

/**
 * The default order, used alone and to break every rule's ties. Resolution first: a smaller copy
 * has lost detail for good. Then the larger file: at equal pixels it is the less compressed or the
 * one that kept its metadata. Then the oldest capture: originals predate their copies. Then the
 * shortest path: copies tend to live deeper ("Backup/Old phone/Copy of …"). Last, the path's text,
 * so the choice never depends on the order rows came out of SQLite.
 */
const DEFAULT_ORDER: readonly Compare[] = [byResolution, byLargest, byOldest, byShortestPath];

function ruleOrder(choice: KeeperChoice): Compare {
  switch (choice.rule) {
    case 'highest-resolution':
      return byResolution;
    case 'largest':
      return byLargest;
    case 'smallest':
      return (a, b) => -byLargest(a, b);
    case 'oldest':
      return byOldest;
    case 'newest':
      return (a, b) => -byOldest(a, b);
    case 'shortest-path':
      return byShortestPath;
    case 'in-folder': {
      const folder = choice.folder;
      if (!folder) throw new InvalidArgumentError('The in-folder keeper rule needs a folder (--keep-folder DIR)');
      const inside = (candidate: KeeperCandidate): number => (isInside(candidate.path, folder) ? 0 : 1);
      return (a, b) => inside(a) - inside(b);
    }
    default:
      return choice.rule satisfies never;
  }
}

/**
 * Orders a group's copies best keeper first, by the chosen rule and then the default order.
 * @example orderByKeeperRule(copies, { rule: 'in-folder', folder: '/photos/best' })[0] // the copy to keep
 */
export function orderByKeeperRule<T extends KeeperCandidate>(
  copies: readonly T[],
  choice: KeeperChoice = { rule: 'highest-resolution' },
): T[] {
  const comparisons = [ruleOrder(choice), ...DEFAULT_ORDER];
  return [...copies].sort((a, b) => {
    for (const compare of comparisons) {
      const order = compare(a, b);
      if (order !== 0) return order;
    }
    return compareText(a.path, b.path);
  });
}

export function isKeeperRule(value: string): value is KeeperRule {
  return (KEEPER_RULES as readonly string[]).includes(value);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
