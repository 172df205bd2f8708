/**
 * What a clean-up by rule keeps and moves, group by group, decided from the reviewed groups alone
 * (no disk access): the CleanService moves exactly these copies (each still checked right before it
 * moves), and the bulk assistant's preview and the exports show the same decisions.
 */
import path from 'node:path';
import { groupId } from '../../shared/group-id';
import type { CleanDecision, CleanPlanTotals, DuplicateGroup, PlannedGroup } from '../../shared/types';

/** How many copies of each group a clean-up keeps, beyond the keeper rule's order. */
export interface KeepCount {
  /**
   * Keep one copy in each folder that holds copies of the group (the first there in the keeper
   * rule's order), for people who file one picture in several albums on purpose. Copies in the same
   * folder, byte copies included, still go. Default: keep the group's first copy only.
   */
  readonly perFolder?: boolean;
}

/**
 * The copies kept of a group whose `ordered` paths are in the keeper rule's order: the first, or
 * with `perFolder` the first of each folder (a file's own folder, not its library folder).
 * @example keptCopies(['/a/1.jpg', '/a/2.jpg', '/b/3.jpg'], { perFolder: true }) // Set { '/a/1.jpg', '/b/3.jpg' }
 */
export function keptCopies(ordered: readonly string[], count: KeepCount = {}): Set<string> {
  if (!count.perFolder) return new Set(ordered.slice(0, 1));
  const firstIn = new Map<string, string>();
  for (const file of ordered) {
    const folder = path.dirname(file);
    if (!firstIn.has(folder)) firstIn.set(folder, file);
  }
  return new Set(firstIn.values());
}

/**
 * A reviewed group with each copy's decision. A copy in a reference folder always stays (the
 * clean-up skips it), and a group of similar shots keeps everything: shots are never cleaned in bulk.
 */
export function planGroup(group: DuplicateGroup, index: number, count: KeepCount = {}): PlannedGroup {
  const kept = keptCopies(group.files, count);
  const shots = group.kind === 'shots';
  return {
    id: groupId(group),
    index,
    kind: group.kind,
    reason: group.reason,
    copies: group.copies.map((copy) => {
      const decision: CleanDecision = shots || copy.protected || kept.has(copy.path) ? 'keep' : 'trash';
      return {
        path: copy.path,
        size: copy.size,
        width: copy.width,
        height: copy.height,
        date: copy.takenAt ?? new Date(copy.mtimeMs).toISOString().slice(0, 19),
        match: copy.match,
        reason: copy.reason,
        protected: copy.protected,
        decision,
      };
    }),
  };
}

/** What the plan of `groups` does over all of them. */
export function planTotals(groups: readonly DuplicateGroup[], count: KeepCount = {}): CleanPlanTotals {
  let groupsTouched = 0;
  let keep = 0;
  let trash = 0;
  let trashBytes = 0;
  let protectedKept = 0;
  for (const group of groups) {
    const kept = keptCopies(group.files, count);
    let moves = 0;
    for (const copy of group.copies) {
      if (group.kind !== 'shots' && !copy.protected && !kept.has(copy.path)) {
        moves += 1;
        trashBytes += copy.size;
      } else if (copy.protected && !kept.has(copy.path)) protectedKept += 1;
    }
    if (moves > 0) groupsTouched += 1;
    trash += moves;
    keep += group.copies.length - moves;
  }
  return { groups: groups.length, groupsTouched, keep, trash, trashBytes, protectedKept };
}
