import { randomUUID } from 'node:crypto';
import type { CleanReport, DuplicateGroup, SkippedCopy, TrashedCopy } from '../../shared/types';
import { errorMessage } from '../errors';
import type { IndexedCopy } from '../store/cleanup.repository';
import type { JournalRepository } from '../store/journal.repository';
import type { CleanupDeps } from './cleanup-deps';
import { hashFile } from '../media/content-hash';
import { changedSinceIndexed, isInsideRoot, keeperProblem } from './file-checks';
import { isInside } from '../library-paths';
import { orderByKeeperRule, type KeeperChoice } from './keeper-rules';

export interface CleanOptions {
  readonly keep?: KeeperChoice;
  /** List what would move; change nothing. */
  readonly dryRun?: boolean;
  /** Folders whose files are never touched (reference copies). */
  readonly protectedFolders?: readonly string[];
}

/**
 * Test hook: `DOPPEL_FAULT=clean:after-journal` kills the process right after the first file is
 * journaled and before it moves, the one moment a crash must be recovered from the journal.
 */
const FAULT = process.env.DOPPEL_FAULT;

/**
 * Moves every copy but the kept one of each group to the trash, journaled first, each copy checked
 * just before it moves. A copy that fails a check is skipped with its reason; the batch goes on.
 */
export class CleanService {
  readonly #deps: CleanupDeps;

  constructor(deps: CleanupDeps) {
    this.#deps = deps;
  }

  async clean(groups: readonly DuplicateGroup[], options: CleanOptions = {}): Promise<CleanReport> {
    const run = new CleanRun(this.#deps.journal, options.dryRun === true);
    const protectedFolders = options.protectedFolders ?? [];
    const seen = new Set<string>(); // a file in two groups (all kinds) is handled once
    for (const group of groups) {
      const copies = group.files.filter((file) => !seen.has(file)).flatMap((file) => this.#deps.copies.copy(file) ?? []);
      copies.forEach((copy) => seen.add(copy.path));
      if (copies.length < 2) continue;
      const [keeper, ...others] = orderByKeeperRule(copies, options.keep);
      if (!keeper) continue;
      const isProtected = (copy: IndexedCopy): boolean => protectedFolders.some((folder) => isInside(copy.path, folder));
      if (copies.every(isProtected)) {
        for (const copy of others) run.skip(copy, 'every copy of this picture is in a protected folder');
        continue;
      }
      let problem = await keeperProblem(keeper);
      let keeperHash: string | undefined;
      if (group.kind === 'exact' && !problem) {
        keeperHash = await hashFile(keeper.path).catch(() => undefined);
        if (keeperHash !== keeper.contentHash) problem = `the copy to keep, ${keeper.path}, no longer has the bytes that were indexed`;
      }
      for (const copy of others) {
        const reason =
          problem ?? (isProtected(copy) ? 'it is in a protected folder' : null) ?? (await this.#copyProblem(copy, keeper, keeperHash));
        if (reason) run.skip(copy, reason);
        else await this.#trash(run, copy, keeper);
      }
    }
    return run.finish();
  }

  /** Why `copy` must stay, or null when it may go to the trash. */
  async #copyProblem(copy: IndexedCopy, keeper: IndexedCopy, keeperHash: string | undefined): Promise<string | null> {
    if (!(await isInsideRoot(copy.path, copy.rootPath))) return `it is outside the library folder ${copy.rootPath}`;
    if (copy.dev === keeper.dev && copy.ino === keeper.ino && copy.ino !== 0)
      return 'it is a hard link to the copy kept (no space to free)';
    const changed = await changedSinceIndexed(copy);
    if (changed) return changed;
    if (keeperHash !== undefined) {
      // Byte copies are re-hashed on both sides right before the move: the index may be minutes old.
      const hash = await hashFile(copy.path).catch(() => null);
      if (hash !== keeperHash) return `its bytes no longer match the copy kept, ${keeper.path}`;
    }
    return null;
  }

  async #trash(run: CleanRun, copy: IndexedCopy, keeper: IndexedCopy): Promise<void> {
    if (run.dryRun) {
      run.trashed(copy, keeper);
      return;
    }
    let slot;
    try {
      slot = await this.#deps.bin.reserve(copy.path);
    } catch (error) {
      run.skip(copy, `it could not be moved to the trash: ${errorMessage(error)}`);
      return;
    }
    const seq = run.journal(copy, keeper, slot);
    if (FAULT === 'clean:after-journal') process.kill(process.pid, 'SIGKILL');
    try {
      await this.#deps.bin.move(slot);
    } catch (error) {
      await this.#deps.bin
        .release(slot)
        .catch((releaseError: unknown) => this.#deps.log(`trash slot ${slot.infoPath} left behind: ${errorMessage(releaseError)}`));
      run.settle(seq, copy, `it could not be moved to the trash: ${errorMessage(error)}`);
      return;
    }
    this.#deps.journal.transaction(() => {
      this.#deps.journal.setFileState(run.operationId, seq, 'trashed');
      this.#deps.copies.removeFile(copy.path);
    });
    run.trashed(copy, keeper);
  }
}

/** One clean-up's bookkeeping: the report, and the journal operation, begun at the first move. */
class CleanRun {
  readonly dryRun: boolean;
  readonly operationId = randomUUID();
  readonly #journal: JournalRepository;
  readonly #trashed: TrashedCopy[] = [];
  readonly #skipped: SkippedCopy[] = [];
  #begun = false;
  #seq = 0;

  constructor(journal: JournalRepository, dryRun: boolean) {
    this.#journal = journal;
    this.dryRun = dryRun;
  }

  skip(copy: IndexedCopy, reason: string): void {
    this.#skipped.push({ path: copy.path, reason });
  }

  trashed(copy: IndexedCopy, keeper: IndexedCopy): void {
    this.#trashed.push({ path: copy.path, keeper: keeper.path, bytes: copy.size });
  }

  /** Writes the file's journal row ('moving', destination known) before it moves; returns its seq. */
  journal(copy: IndexedCopy, keeper: IndexedCopy, slot: { trashedPath: string; infoPath: string }): number {
    const seq = ++this.#seq;
    this.#journal.transaction(() => {
      if (!this.#begun) this.#journal.begin(this.operationId, 'trash');
      this.#begun = true;
      this.#journal.addFile({
        operationId: this.operationId,
        seq,
        originalPath: copy.path,
        keeperPath: keeper.path,
        rootId: copy.rootId,
        contentHash: copy.contentHash,
        size: copy.size,
        mtimeMs: copy.mtimeMs,
        dev: copy.dev,
        ino: copy.ino,
        trashedPath: slot.trashedPath,
        infoPath: slot.infoPath,
        state: 'moving',
      });
    });
    return seq;
  }

  /** A journaled file that did not move after all. */
  settle(seq: number, copy: IndexedCopy, reason: string): void {
    this.#journal.setFileState(this.operationId, seq, 'skipped', reason);
    this.skip(copy, reason);
  }

  finish(): CleanReport {
    if (this.#begun) this.#journal.finish(this.operationId);
    return {
      operation: this.#begun && this.#trashed.length > 0 ? this.operationId : null,
      dryRun: this.dryRun,
      trashed: this.#trashed,
      skipped: this.#skipped,
      freedBytes: this.#trashed.reduce((sum, copy) => sum + copy.bytes, 0),
    };
  }
}
