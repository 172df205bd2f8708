/**
 * A reviewed group as a page carries it (`ReviewGroup`): each path once (no `files` list beside the
 * copies; a copy's `copyOf` names the earlier copy by index) and a stable id.
 */
import type { DuplicateGroup, ReviewCopy, ReviewGroup } from '../shared/types.js';

export { groupId, hash53 } from '../shared/group-id.js';

export function toReviewGroup(group: DuplicateGroup, index: number, id: string): ReviewGroup {
  const indexOf = new Map(group.copies.map((copy, position) => [copy.path, position]));
  const copies = group.copies.map((copy): ReviewCopy => {
    const { copyOf, ...rest } = copy;
    const earlier = copyOf ? indexOf.get(copyOf.path) : undefined;
    return earlier !== undefined && copyOf ? { ...rest, copyOf: { match: copyOf.match, index: earlier } } : rest;
  });
  return { id, index, kind: group.kind, copies, bytes: group.bytes, wastedBytes: group.wasted_bytes, reason: group.reason };
}
