import fs from 'node:fs/promises';
import path from 'node:path';
import type { OperationSummary, RestoredFile, SkippedCopy, UndoReport } from '../../shared/types';
import { hashFile } from '../media/content-hash';
import { InvalidArgumentError, errorMessage } from '../errors';
import type { JournalEntry, OperationRow } from '../store/journal.repository';
import type { CleanupDeps } from './cleanup-deps';
import type { TrashedFile } from '../trash/trash-bin';

/**
 * Test hook: `DOPPEL_FAULT=undo:after-put-back` kills the process right after the first file is back
 * at its path and before the journal says so (`undo:after-link`, in putBack, one step earlier).
 */
const FAULT = process.env.DOPPEL_FAULT;

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
    const restored: RestoredFile[] = [];
    const failed: SkippedCopy[] = [];
    for (const entry of this.#deps.journal.files(operation.id)) {
      if (entry.state !== 'trashed' && entry.state !== 'restore-failed') continue;
      const outcome = await this.#restore(entry);
      if ('reason' in outcome) failed.push({ path: entry.originalPath, reason: outcome.reason });
      else restored.push(outcome);
    }
    if (failed.length === 0) this.#deps.journal.markUndone(operation.id);
    return { operation: operation.id, restored, failed };
  }

  /**
   * Puts one file back, from whatever step an earlier undo stopped at (a kill -9 between the move
   * and the commit leaves it back at its path with its trash entry gone; one between link and
   * unlink leaves it under both names: `putBack` finishes that), then re-hashes it before it rejoins.
   */
  async #restore(entry: JournalEntry): Promise<RestoredFile | { reason: string }> {
    const slot = await trashSlotOf(entry);
    if (!slot) return { reason: 'the journal does not say where it went' };
    if (await isBackAlready(entry, slot)) {
      await this.#deps.bin
        .release(slot)
        .catch((error: unknown) => this.#deps.log(`trash info ${slot.infoPath} left behind: ${errorMessage(error)}`));
      this.#deps.log(`${slot.originalPath} was back already (an undo stopped before it was recorded)`);
    } else {
      try {
        await this.#deps.bin.restore(slot);
        if (FAULT === 'undo:after-put-back') process.kill(process.pid, 'SIGKILL');
      } catch (error) {
        const reason = errorMessage(error);
        this.#deps.journal.setFileState(entry.operationId, entry.seq, 'restore-failed', reason);
        return { reason };
      }
    }
    return this.#rejoin(entry, slot.originalPath);
  }

  /**
   * Marks a file put back and gives the library its row again, re-hashed: a file changed while it
   * was in the trash is another picture now, so it rejoins only by being indexed again.
   */
  async #rejoin(entry: JournalEntry, backAt: string): Promise<RestoredFile> {
    const [hash, stat] = await Promise.all([hashFile(backAt).catch(() => null), fs.stat(backAt).catch(() => null)]);
    const unchanged = hash !== null && stat !== null && hash === entry.contentHash;
    this.#deps.journal.transaction(() => {
      this.#deps.journal.setFileState(entry.operationId, entry.seq, 'restored');
      if (unchanged && entry.rootId !== null) {
        this.#deps.copies.restoreFile({
          rootId: entry.rootId,
          contentHash: hash,
          path: entry.originalPath,
          size: stat.size,
          mtimeMs: stat.mtimeMs,
          dev: stat.dev,
          ino: stat.ino,
          now: Date.now(),
        });
      }
    });
    if (unchanged || entry.contentHash === null) return { path: entry.originalPath };
    const note = 'its bytes changed while it was in the trash: index the folder again to review it';
    this.#deps.log(`${entry.originalPath} put back, not re-listed: ${note}`);
    return { path: entry.originalPath, note };
  }

  /**
   * Settles what a crash left half done: a file journaled as moving is trashed if it is in the
   * trash and gone from its folder, else it never moved; then unfinished operations are closed.
   */
  async recover(): Promise<number> {
    let settled = 0;
    for (const entry of this.#deps.journal.unsettledFiles()) {
      const slot = await trashSlotOf(entry);
      const [original, trashed] = await Promise.all([
        exists(slot?.originalPath ?? entry.originalPath),
        entry.trashedPath ? exists(entry.trashedPath) : false,
      ]);
      if (trashed && !original) {
        this.#deps.journal.transaction(() => {
          this.#deps.journal.setFileState(entry.operationId, entry.seq, 'trashed');
          this.#deps.copies.removeFile(entry.originalPath);
        });
      } else {
        if (slot && !trashed) await this.#deps.bin.release(slot).catch(() => undefined);
        // Killed while claiming its place: the claim, if made, is found by the path it records.
        if (!slot) await this.#deps.bin.releaseUnrecorded?.(entry.originalPath).catch(() => 0);
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

/**
 * Where a journaled file went and where it goes back: the real path the trash recorded. A journal
 * written before migration 6 has only the library's path: its folder is resolved as it is now.
 */
async function trashSlotOf(entry: JournalEntry): Promise<TrashedFile | null> {
  if (!entry.trashedPath || !entry.infoPath) return null;
  const originalPath = entry.trashedFrom ?? (await resolvedFolder(entry.originalPath));
  return { originalPath, trashedPath: entry.trashedPath, infoPath: entry.infoPath };
}

async function resolvedFolder(filePath: string): Promise<string> {
  const folder = await fs.realpath(path.dirname(filePath)).catch(() => path.dirname(filePath));
  return path.join(folder, path.basename(filePath));
}

/** True when the trash entry is gone and the journaled file (same inode) is at its original path. */
async function isBackAlready(entry: JournalEntry, slot: TrashedFile): Promise<boolean> {
  if (entry.ino === 0 || (await exists(slot.trashedPath))) return false;
  const atOriginal = await fs.lstat(slot.originalPath).catch(() => null);
  return atOriginal !== null && atOriginal.isFile() && atOriginal.dev === entry.dev && atOriginal.ino === entry.ino;
}

async function exists(filePath: string): Promise<boolean> {
  try {
    await fs.lstat(filePath);
    return true;
  } catch {
    return false;
  }
}
