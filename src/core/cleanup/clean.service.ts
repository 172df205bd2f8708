import { randomUUID } from 'node:crypto';
import type { CleanReport, DuplicateGroup, SkippedCopy, TrashedCopy } from '../../shared/types';
import { errorMessage } from '../errors';
import type { IndexedCopy } from '../store/cleanup.repository';
import type { JournalRepository } from '../store/journal.repository';
import type { CleanupDeps } from './cleanup-deps';
import type { TrashedFile } from '../trash/trash-bin';
import { hashFile } from '../media/content-hash';
import { type FileOnDisk, Protection, changedFrom, isInsideRoot, keeperProblem, locate, sameFile } from './file-checks';
import { assertDefined } from '../assert';
import { keptCopies } from './clean-plan';

/** The user's own choice in one group: which copies stay, which go (copies named in neither stay). */
export interface CleanSelection {
  readonly keep: readonly string[];
  readonly trash: readonly string[];
}

export interface CleanOptions {
  /** Only these groups and copies (the review's choices); default: every group, all but its keeper. */
  readonly selection?: readonly CleanSelection[];
  /** List what would move; change nothing. */
  readonly dryRun?: boolean;
  /** Folders whose files are never touched (reference copies). */
  readonly protectedFolders?: readonly string[];
  /** Without a selection: keep the first copy of each folder of a group, not of the group (see `keptCopies`). */
  readonly perFolder?: boolean;
}

/**
 * Test hooks: `DOPPEL_FAULT=clean:after-journal` kills the process right after the first file is
 * journaled with its place in the trash and before it moves; `clean:after-claim` one step earlier,
 * when its place is claimed in the trash and the journal does not know it yet.
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

  /**
   * Cleans `groups`, ordered keeper first as the review shows them. With a selection, each choice
   * must still match a group: a copy named to go that is not (or no longer) in the group of the
   * copies kept is skipped, so a stale screen can never trash a photo that is not a duplicate.
   */
  async clean(groups: readonly DuplicateGroup[], options: CleanOptions = {}): Promise<CleanReport> {
    const run = new CleanRun(this.#deps.journal, options.dryRun === true);
    const protection = await Protection.of(options.protectedFolders ?? []);
    for (const plan of this.#plans(groups, options, run)) {
      const { keepers, others } = plan;
      // Each copy as it is on disk right now: protection, "one file" and the move all go by it.
      const onDisk = new Map(await Promise.all([...keepers, ...others].map(async (copy) => [copy, await locate(copy.path)] as const)));
      const isProtected = (copy: IndexedCopy): boolean => {
        const now = onDisk.get(copy);
        return protection.covers(copy.path, typeof now === 'object' ? now.realPath : undefined);
      };
      if ([...keepers, ...others].every(isProtected)) {
        for (const copy of others) run.skip(copy, 'every copy of this picture is in a protected folder');
        continue;
      }
      const checked: CheckedKeeper[] = [];
      for (const keeper of keepers) {
        const now = assertDefined(onDisk.get(keeper), 'kept copy located');
        let problem = await keeperProblem(keeper, now);
        let hash: string | undefined;
        // Byte copies of a kept copy are compared by their bytes right before the move, on both sides.
        if (!problem && others.some((copy) => copy.contentHash === keeper.contentHash)) {
          hash = await hashFile(keeper.path).catch(() => undefined);
          if (hash !== keeper.contentHash) problem = `the copy to keep, ${keeper.path}, no longer has the bytes that were indexed`;
        }
        checked.push({ keeper, now: typeof now === 'object' ? now : null, problem, hash });
      }
      for (const copy of others) {
        // A byte copy is checked against the kept copy with its bytes (both re-hashed); any other
        // copy (same pixels, similar) against the first kept copy, by size and time.
        const sameBytes = checked.find((entry) => entry.keeper.contentHash === copy.contentHash);
        const against = sameBytes ?? firstOf(checked);
        const now = assertDefined(onDisk.get(copy), 'copy located');
        const reason =
          against.problem ??
          (isProtected(copy) ? 'it is in a protected folder' : null) ??
          (await this.#copyProblem(copy, now, against, checked));
        if (reason || typeof now === 'string' || !against.now) run.skip(copy, reason ?? 'it could not be looked at');
        else await this.#trash(run, { copy, now }, { copy: against.keeper, now: against.now });
      }
    }
    return run.finish();
  }

  /** Which copies stay and which go, group by group (the review puts each file in one group only). */
  #plans(groups: readonly DuplicateGroup[], options: CleanOptions, run: CleanRun): Plan[] {
    const copyOf = (file: string): IndexedCopy | null => this.#deps.copies.copy(file);
    const selection = options.selection;
    if (!selection) {
      return groups.flatMap((group) => {
        // Shots are other pictures: never moved by a rule (Doppel.clean refuses them; this holds for kind 'all' too).
        if (group.kind === 'shots') return [];
        const copies = group.files.flatMap((file) => copyOf(file) ?? []);
        const kept = keptCopies(
          copies.map((copy) => copy.path),
          { perFolder: options.perFolder === true },
        );
        const keepers = copies.filter((copy) => kept.has(copy.path));
        const others = copies.filter((copy) => !kept.has(copy.path));
        return keepers.length > 0 && others.length > 0 ? [{ keepers, others }] : [];
      });
    }
    const plans: Plan[] = [];
    const handled = new Set<string>();
    // Each file is in one reviewed group: one lookup per chosen file, however many groups are chosen.
    const groupOf = new Map(groups.flatMap((group) => group.files.map((file) => [file, group] as const)));
    for (const choice of selection) {
      const group = choice.keep.map((file) => groupOf.get(file)).find((candidate) => candidate !== undefined);
      const keepers = choice.keep.filter((file) => group && groupOf.get(file) === group).flatMap((file) => copyOf(file) ?? []);
      const others: IndexedCopy[] = [];
      for (const file of choice.trash) {
        if (handled.has(file) || choice.keep.includes(file)) continue;
        handled.add(file);
        const copy = copyOf(file);
        if (!copy) run.skipPath(file, 'it is not a readable photo of this library (moved, trashed or changed since the list was made)');
        else if (!group || groupOf.get(file) !== group || keepers.length === 0)
          run.skip(copy, `it is not a duplicate of the copy kept, ${choice.keep[0] ?? '(none named)'}, any more`);
        else others.push(copy);
      }
      if (keepers.length > 0 && others.length > 0) plans.push({ keepers, others });
    }
    return plans;
  }

  /** Why `copy` must stay, or null when it may go to the trash. */
  async #copyProblem(
    copy: IndexedCopy,
    now: FileOnDisk | string,
    against: CheckedKeeper,
    keepers: readonly CheckedKeeper[],
  ): Promise<string | null> {
    if (typeof now === 'string') return now;
    if (!(await isInsideRoot(copy.path, copy.rootPath))) return `it is outside the library folder ${copy.rootPath}`;
    // By the files as they are now, not as indexed: a folder swapped for a symlink to the keeper's,
    // or a copy replaced by a hard link to it, makes both paths one photo.
    const kept = keepers.find((entry) => entry.now && sameFile(entry.now, now));
    if (kept) return oneFileReason(kept.keeper.path);
    const changed = changedFrom(copy, now);
    if (changed) return changed;
    if (against.hash !== undefined && copy.contentHash === against.keeper.contentHash) {
      // Byte copies are re-hashed on both sides right before the move: the index may be minutes old.
      // A pixel or similar copy has other bytes: it is checked by size and time only.
      const hash = await hashFile(copy.path).catch(() => null);
      if (hash !== against.hash) return `its bytes no longer match the copy kept, ${against.keeper.path}`;
    }
    return null;
  }

  async #trash(run: CleanRun, copy: Located, keeper: Located): Promise<void> {
    if (run.dryRun) {
      run.trashed(copy.copy, keeper.copy);
      return;
    }
    // Journaled before its place in the trash is claimed, so a crash while claiming it is settled too.
    const seq = run.journal(copy, keeper.copy);
    let slot;
    try {
      slot = await this.#deps.bin.reserve(copy.copy.path);
    } catch (error) {
      run.settle(seq, copy.copy, `it could not be moved to the trash: ${errorMessage(error)}`);
      return;
    }
    if (FAULT === 'clean:after-claim') process.kill(process.pid, 'SIGKILL');
    run.reserved(seq, slot);
    if (FAULT === 'clean:after-journal') process.kill(process.pid, 'SIGKILL');
    let moved;
    try {
      // The last look, after the slot is taken: the file that moves is still the one checked, and
      // the kept copy is still there and another file.
      const unsafe = await changedSinceChecked(slot.originalPath, copy.now, keeper);
      if (unsafe) throw new Error(unsafe);
      moved = await this.#deps.bin.move(slot);
    } catch (error) {
      await this.#deps.bin
        .release(slot)
        .catch((releaseError: unknown) => this.#deps.log(`trash slot ${slot.infoPath} left behind: ${errorMessage(releaseError)}`));
      run.settle(seq, copy.copy, `it could not be moved to the trash: ${errorMessage(error)}`);
      return;
    }
    this.#deps.journal.transaction(() => {
      this.#deps.journal.setFileState(run.operationId, seq, 'trashed');
      // A trash that names the file only as it moves (macOS, through Electron) says where it went.
      if (moved && moved.trashedPath !== slot.trashedPath) this.#deps.journal.setTrashedPath(run.operationId, seq, moved.trashedPath);
      this.#deps.copies.removeFile(copy.copy.path);
    });
    run.trashed(copy.copy, keeper.copy);
  }
}

/** Why the move must not happen after all: the file at `movingPath` or the kept copy changed since the checks. */
async function changedSinceChecked(movingPath: string, checked: FileOnDisk, keeper: Located): Promise<string | null> {
  const [moving, kept] = await Promise.all([locate(movingPath), locate(keeper.copy.path)]);
  if (typeof kept === 'string') return `the copy to keep, ${keeper.copy.path}: ${kept}`;
  if (typeof moving === 'string') return moving;
  if (sameFile(moving, kept)) return oneFileReason(keeper.copy.path);
  if (moving.dev !== checked.dev || moving.ino !== checked.ino || !sameFile(kept, keeper.now)) {
    return 'it or the copy to keep was replaced while the clean-up ran (index again to review it)';
  }
  return null;
}

function oneFileReason(keeperPath: string): string {
  return `it is the same file as the copy kept, ${keeperPath} (a hard link, or a folder reached through a symlink): moving it would free no space and could take the photo you keep`;
}

function firstOf<T>(items: readonly T[]): T {
  return assertDefined(items[0], 'first kept copy of a plan');
}

/** A kept copy after its checks: as it is on disk (null when it could not be looked at) and its re-hashed bytes. */
interface CheckedKeeper {
  readonly keeper: IndexedCopy;
  readonly now: FileOnDisk | null;
  readonly problem: string | null;
  readonly hash: string | undefined;
}

/** A library copy and the file it is on disk right now. */
interface Located {
  readonly copy: IndexedCopy;
  readonly now: FileOnDisk;
}

interface Plan {
  readonly keepers: readonly IndexedCopy[];
  readonly others: readonly IndexedCopy[];
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
    this.skipPath(copy.path, reason);
  }

  skipPath(filePath: string, reason: string): void {
    this.#skipped.push({ path: filePath, reason });
  }

  trashed(copy: IndexedCopy, keeper: IndexedCopy): void {
    this.#trashed.push({ path: copy.path, keeper: keeper.path, bytes: copy.size });
  }

  /** Writes the file's journal row ('moving') before its place in the trash is claimed; returns its seq. */
  journal(located: Located, keeper: IndexedCopy): number {
    const { copy, now } = located;
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
        // The file as it was checked right before the move: undo knows it by this inode.
        dev: now.dev,
        ino: now.ino,
        trashedPath: null,
        infoPath: null,
        state: 'moving',
      });
    });
    return seq;
  }

  /** Records the claimed place in the trash (destination known) before the file moves. */
  reserved(seq: number, slot: TrashedFile): void {
    this.#journal.setSlot(this.operationId, seq, slot);
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
