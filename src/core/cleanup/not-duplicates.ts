import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { NotDuplicatePair } from '../../shared/types';
import { InvalidArgumentError } from '../errors';
import { pairKey } from '../duplicates/group-review';
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
   * again, whatever their names or folders become. With `against`, only each of `filePaths` against
   * each of `against` (one copy taken out of a group; the rest stay together). Byte copies named
   * against each other are kept on purpose (they leave their group). Returns the operation id, for `undo`.
   */
  mark(filePaths: readonly string[], options: { readonly against?: readonly string[] } = {}): string {
    const copies = this.#copiesOf(filePaths);
    const others = options.against ? this.#copiesOf(options.against) : null;
    const pairs = others
      ? copies.flatMap((first) => others.filter((second) => second.path !== first.path).map((second) => [first, second] as const))
      : copies.flatMap((first, i) => copies.slice(i + 1).map((second) => [first, second] as const));
    if (pairs.length === 0) throw new InvalidArgumentError('Name at least two different library files that are not duplicates');
    const operationId = randomUUID();
    const now = Date.now();
    this.#journal.transaction(() => {
      this.#journal.begin(operationId, 'not-duplicates', now);
      for (const [first, second] of pairs) this.#copies.addNotDuplicates(first.contentHash, second.contentHash, operationId, now);
      this.#journal.finish(operationId, now);
    });
    return operationId;
  }

  #copiesOf(filePaths: readonly string[]): IndexedCopy[] {
    return [...new Set(filePaths.map((file) => path.resolve(file)))].map((file) => {
      const copy = this.#copies.copy(file);
      if (!copy) throw new InvalidArgumentError(`Cannot mark ${file} as not a duplicate: it is not a readable photo of this library`);
      return copy;
    });
  }

  /** Every pair of contents marked "not duplicates", as `pairKey` strings, for the group review. */
  pairs(): Set<string> {
    return new Set(this.#copies.notDuplicates().map((decision) => pairKey(decision.hashA, decision.hashB)));
  }

  /** The decisions, newest first, each content named by one of its library files (null: no file has it now). */
  list(): NotDuplicatePair[] {
    return this.#copies.notDuplicates().map((decision) => ({
      a: this.#copies.fileOfContent(decision.hashA),
      b: this.#copies.fileOfContent(decision.hashB),
      decidedAt: decision.decidedAt,
      operation: decision.operationId,
    }));
  }

  /** Forgets every decision; returns how many pairs were cleared. */
  clear(): number {
    return this.#journal.transaction(() => this.#copies.clearNotDuplicates());
  }
}
