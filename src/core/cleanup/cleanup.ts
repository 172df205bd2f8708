import type { CleanReport, DuplicateGroup, NotDuplicatePair, OperationSummary, UndoReport } from '../../shared/types';
import { CleanupRepository } from '../store/cleanup.repository';
import { JournalRepository } from '../store/journal.repository';
import type { SqliteDatabase } from '../store/library.database';
import { CleanService, type CleanOptions } from './clean.service';
import { NotDuplicatesService } from './not-duplicates';
import type { TrashBin } from '../trash/trash-bin';
import { UndoService } from './undo.service';

/** Acting on duplicates: clean-up to the trash, undo, history and "not duplicates", over one journal. */
export class Cleanup {
  readonly #clean: CleanService;
  readonly #undo: UndoService;
  readonly #notDuplicates: NotDuplicatesService;

  constructor(db: SqliteDatabase, bin: TrashBin, log: (line: string) => void) {
    const deps = { copies: new CleanupRepository(db), journal: new JournalRepository(db), bin, log };
    this.#clean = new CleanService(deps);
    this.#undo = new UndoService(deps);
    this.#notDuplicates = new NotDuplicatesService(deps);
  }

  /** Settles what a crash left half done (run when the library opens). */
  recover(): Promise<number> {
    return this.#undo.recover();
  }

  clean(groups: readonly DuplicateGroup[], options: CleanOptions): Promise<CleanReport> {
    return this.#clean.clean(groups, options);
  }

  undo(operationId?: string): Promise<UndoReport> {
    return this.#undo.undo(operationId);
  }

  history(limit?: number): OperationSummary[] {
    return this.#undo.history(limit);
  }

  markNotDuplicates(filePaths: readonly string[], options?: { readonly against?: readonly string[] }): string {
    return this.#notDuplicates.mark(filePaths, options);
  }

  /** Pairs of contents that must not share a group (`pairKey` strings). */
  notDuplicatePairs(): Set<string> {
    return this.#notDuplicates.pairs();
  }

  listNotDuplicates(): NotDuplicatePair[] {
    return this.#notDuplicates.list();
  }

  clearNotDuplicates(): number {
    return this.#notDuplicates.clear();
  }
}
