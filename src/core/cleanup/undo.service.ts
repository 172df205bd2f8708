import fs from 'node:fs/promises';
import type { OperationSummary, SkippedCopy, UndoReport } from '../../shared/types';
import { InvalidArgumentError, errorMessage } from '../errors';
import type { JournalEntry, OperationRow } from '../store/journal.repository';
import type { CleanupDeps } from './cleanup-deps';

/**
 * Undo, history and crash recovery, all read from the journal, so each works after a restart.
 */
export class UndoService {
  readonly #deps: CleanupDeps;

  constructor(deps: CleanupDeps) {
    this.#deps = deps;
  }

  /**
   * Reverses an operation (default: the newest one not undone): trashed files go back to their
   * original paths byte for byte and rejoin the library; "not duplicates" decisions are forgotten.
   * A file whose original path is taken again stays in the trash, with the reason; undo can be
   * asked again once the path is free.
   */
  async undo(operationId?: string): Promise<UndoReport> {
    await this.recover();
    const operation = operationId ? this.#deps.journal.operation(operationId) : this.#deps.journal.lastUndoable();
    if (!operation) {
      throw new InvalidArgumentError(operationId ? `Cannot undo ${operationId}: no such operation` : 'Nothing to undo');
    }
    if (operation.state === 'undone') throw new InvalidArgumentError(`Cannot undo ${operation.id}: it was undone already`);
    if (operation.kind === 'not-duplicates') {
      this.#deps.journal.transaction(() => {
        this.#deps.copies.removeNotDuplicatesOf(operation.id);
        this.#deps.journal.markUndone(operation.id);
      });
      return { operation: operation.id, restored: [], failed: [] };
    }
    const restored: { path: string }[] = [];
    const failed: SkippedCopy[] = [];
    for (const entry of this.#deps.journal.files(operation.id)) {
      if (entry.state !== 'trashed' && entry.state !== 'restore-failed') continue;
      const reason = await this.#restore(entry);
      if (reason === null) restored.push({ path: entry.originalPath });
      else failed.push({ path: entry.originalPath, reason });
    }
    if (failed.length === 0) this.#deps.journal.markUndone(operation.id);
    return { operation: operation.id, restored, failed };
  }

  async #restore(entry: JournalEntry): Promise<string | null> {
    const slot = trashSlotOf(entry);
    if (!slot) return 'the journal does not say where it went';
    try {
      await this.#deps.bin.restore(slot);
    } catch (error) {
      const reason = errorMessage(error);
      this.#deps.journal.setFileState(entry.operationId, entry.seq, 'restore-failed', reason);
      return reason;
    }
    this.#deps.journal.transaction(() => {
      this.#deps.journal.setFileState(entry.operationId, entry.seq, 'restored');
      if (entry.rootId !== null && entry.contentHash !== null) {
        this.#deps.copies.restoreFile({
          ...entry,
          rootId: entry.rootId,
          contentHash: entry.contentHash,
          path: entry.originalPath,
          now: Date.now(),
        });
      }
    });
    return null;
  }

  /**
   * Settles what a crash left half done: a file journaled as moving is trashed if it is in the
   * trash and gone from its folder, else it never moved; then unfinished operations are closed.
   */
  async recover(): Promise<number> {
    let settled = 0;
    for (const entry of this.#deps.journal.unsettledFiles()) {
      const [original, trashed] = await Promise.all([exists(entry.originalPath), entry.trashedPath ? exists(entry.trashedPath) : false]);
      const slot = trashSlotOf(entry);
      if (trashed && !original) {
        this.#deps.journal.transaction(() => {
          this.#deps.journal.setFileState(entry.operationId, entry.seq, 'trashed');
          this.#deps.copies.removeFile(entry.originalPath);
        });
      } else {
        if (slot && !trashed) await this.#deps.bin.release(slot).catch(() => undefined);
        this.#deps.journal.setFileState(entry.operationId, entry.seq, 'skipped', 'Doppel stopped before it moved');
      }
      this.#deps.log(
        `recovered ${entry.originalPath} of operation ${entry.operationId}: ${trashed && !original ? 'in the trash' : 'not moved'}`,
      );
      settled += 1;
    }
    for (const operation of this.#deps.journal.runningOperations()) this.#deps.journal.finish(operation.id);
    return settled;
  }

  history(limit = 50): OperationSummary[] {
    return this.#deps.journal.history(limit).map((operation) => this.#summary(operation));
  }

  #summary(operation: OperationRow): OperationSummary {
    const base = {
      operation: operation.id,
      kind: operation.kind,
      state: operation.state,
      createdAt: operation.createdAt,
      undoneAt: operation.undoneAt,
    };
    if (operation.kind === 'not-duplicates') {
      return { ...base, files: this.#deps.copies.countNotDuplicatesOf(operation.id), skipped: 0, freedBytes: 0 };
    }
    const files = this.#deps.journal.files(operation.id);
    const moved = files.filter((file) => file.state === 'trashed' || file.state === 'restored' || file.state === 'restore-failed');
    return {
      ...base,
      files: moved.length,
      skipped: files.length - moved.length,
      freedBytes: moved.reduce((sum, file) => sum + file.size, 0),
    };
  }
}

function trashSlotOf(entry: JournalEntry): { originalPath: string; trashedPath: string; infoPath: string } | null {
  if (!entry.trashedPath || !entry.infoPath) return null;
  return { originalPath: entry.originalPath, trashedPath: entry.trashedPath, infoPath: entry.infoPath };
}

async function exists(filePath: string): Promise<boolean> {
  try {
    await fs.lstat(filePath);
    return true;
  } catch {
    return false;
  }
}
