import type { DuplicateGroup, DuplicateKind } from '../../shared/types';
import type { GroupMember } from '../store/photo.repository';

/**
 * Orders a group's files with the suggested keeper first — by `preferFirst` (near duplicates: the
 * largest picture), then the oldest file (originals predate their copies), then the shortest path —
 * and counts the bytes freed by keeping only it. Hard links to one
 * inode take the space once, so they add nothing to the waste.
 */
export function toDuplicateGroup(
  kind: DuplicateKind,
  members: readonly GroupMember[],
  options: { scores?: ReadonlyMap<string, number>; preferFirst?: (a: GroupMember, b: GroupMember) => number } = {},
): DuplicateGroup {
  const { scores, preferFirst = () => 0 } = options;
  const ordered = [...members].sort(
    (a, b) =>
      preferFirst(a, b) || a.mtimeMs - b.mtimeMs || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  const keeper = ordered[0];
  const inodes = new Map<string, number>();
  for (const member of ordered) inodes.set(member.inode, member.size);
  let bytes = 0;
  for (const size of inodes.values()) bytes += size;
  const wasted = keeper ? bytes - keeper.size : 0;
  return {
    kind,
    files: ordered.map((member) => member.path),
    bytes,
    wasted_bytes: Math.max(0, wasted),
    ...(scores ? { scores: ordered.map((member) => roundScore(scores.get(member.path) ?? 0)) } : {}),
  };
}

export function byWastedBytes(a: DuplicateGroup, b: DuplicateGroup): number {
  return b.wasted_bytes - a.wasted_bytes || b.files.length - a.files.length || (a.files[0] ?? '').localeCompare(b.files[0] ?? '');
}

export function roundScore(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 10_000) / 10_000;
}
