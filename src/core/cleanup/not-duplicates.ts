import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { DuplicateGroup } from '../../shared/types';
import { InvalidArgumentError } from '../errors';
import { toDuplicateGroup } from '../duplicates/file-groups';
import type { CleanupRepository, IndexedCopy } from '../store/cleanup.repository';
import type { JournalRepository } from '../store/journal.repository';

/** Decisions that some photos are not duplicates of each other, kept by content. */
export class NotDuplicatesService {
  readonly #copies: CleanupRepository;
  readonly #journal: JournalRepository;

  constructor(deps: { copies: CleanupRepository; journal: JournalRepository }) {
    this.#copies = deps.copies;
    this.#journal = deps.journal;
  }

  /**
   * Marks the given library files as not duplicates of one another: no two of them share a group
   * again, whatever their names or folders become. Byte copies named together are kept on purpose
   * (their group is dropped). Returns the operation id, for `undo`.
   */
  mark(filePaths: readonly string[]): string {
    const copies = [...new Set(filePaths.map((file) => path.resolve(file)))].map((file) => {
      const copy = this.#copies.copy(file);
      if (!copy) throw new InvalidArgumentError(`Cannot mark ${file} as not a duplicate: it is not a readable photo of this library`);
      return copy;
    });
    if (copies.length < 2) throw new InvalidArgumentError('Name at least two different library files that are not duplicates');
    const operationId = randomUUID();
    const now = Date.now();
    this.#journal.transaction(() => {
      this.#journal.begin(operationId, 'not-duplicates', now);
      copies.forEach((first, i) => {
        for (const second of copies.slice(i + 1)) this.#copies.addNotDuplicates(first.contentHash, second.contentHash, operationId, now);
      });
      this.#journal.finish(operationId, now);
    });
    return operationId;
  }

  /**
   * Splits each group so that no two contents marked "not duplicates" share one. Contents are
   * placed in the group's keeper order, each into the first part with nothing against it, so the
   * keeper's part stays whole and the split never depends on row order. Parts of one file are dropped.
   */
  apply(groups: readonly DuplicateGroup[]): DuplicateGroup[] {
    const decisions = this.#copies.notDuplicates();
    if (decisions.length === 0) return [...groups];
    const against = new Set(decisions.map((decision) => pairKey(decision.hashA, decision.hashB)));
    return groups.flatMap((group) => this.#split(group, against));
  }

  #split(group: DuplicateGroup, against: ReadonlySet<string>): DuplicateGroup[] {
    const copies = group.files.flatMap((file) => this.#copies.copy(file) ?? []);
    const parts: IndexedCopy[][] = [];
    for (const copy of copies) {
      if (against.has(pairKey(copy.contentHash, copy.contentHash))) continue; // byte copies kept on purpose
      const fits = (part: IndexedCopy[]): boolean => part.every((other) => !against.has(pairKey(copy.contentHash, other.contentHash)));
      const part = parts.find(fits);
      if (part) part.push(copy);
      else parts.push([copy]);
    }
    if (parts.length === 1 && parts[0]?.length === group.files.length) return [group];
    const scores = group.scores ? new Map(group.files.map((file, i) => [file, group.scores?.[i] ?? 0])) : undefined;
    return parts
      .filter((part) => part.length > 1)
      .map((part) =>
        toDuplicateGroup(
          group.kind,
          part.map((copy) => ({ path: copy.path, size: copy.size, mtimeMs: copy.mtimeMs, inode: `${copy.dev}:${copy.ino}` })),
          { ...(scores ? { scores } : {}), preferFirst: (a, b) => group.files.indexOf(a.path) - group.files.indexOf(b.path) },
        ),
      );
  }
}

function pairKey(a: string, b: string): string {
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}
