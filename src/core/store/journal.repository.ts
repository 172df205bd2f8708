import type { SqliteDatabase } from './library.database';

export type OperationKind = 'trash' | 'not-duplicates';
export type OperationState = 'running' | 'done' | 'undone';
export type JournalFileState = 'moving' | 'trashed' | 'skipped' | 'restored' | 'restore-failed';

/** What the library knew of a file when an operation took it: enough to put its row back on undo. */
export interface JournalFile {
  readonly originalPath: string;
  readonly keeperPath: string | null;
  readonly rootId: number | null;
  readonly contentHash: string | null;
  readonly size: number;
  readonly mtimeMs: number;
  readonly dev: number;
  readonly ino: number;
}

export interface JournalEntry extends JournalFile {
  readonly operationId: string;
  readonly seq: number;
  /** Where the file really was when it moved (folders' symlinks resolved): what the trash records. Null before migration 6. */
  readonly trashedFrom: string | null;
  readonly trashedPath: string | null;
  readonly infoPath: string | null;
  readonly state: JournalFileState;
  readonly reason: string | null;
}

export interface OperationRow {
  readonly id: string;
  readonly kind: OperationKind;
  readonly state: OperationState;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly undoneAt: number | null;
}

interface EntryRow {
  operation_id: string;
  seq: number;
  original_path: string;
  keeper_path: string | null;
  root_id: number | null;
  content_hash: string | null;
  size: number;
  mtime_ms: number;
  dev: number;
  ino: number;
  trashed_from: string | null;
  trashed_path: string | null;
  info_path: string | null;
  state: JournalFileState;
  reason: string | null;
}

interface OperationDbRow {
  id: string;
  kind: OperationKind;
  state: OperationState;
  created_at: number;
  finished_at: number | null;
  undone_at: number | null;
}

/**
 * The operations journal (migration 3): every move of a user file is written here before it
 * happens and completed after, so undo works after a restart and a crash mid-operation is settled
 * from what is on disk. Writes are single statements; callers group them in transactions.
 */
export class JournalRepository {
  readonly #db: SqliteDatabase;
  readonly #statements;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#statements = {
      begin: db.prepare<[string, OperationKind, number]>(
        "INSERT INTO operations (id, kind, state, created_at) VALUES (?, ?, 'running', ?)",
      ),
      finish: db.prepare<[OperationState, number, string]>('UPDATE operations SET state = ?, finished_at = ? WHERE id = ?'),
      markUndone: db.prepare<[number, string]>("UPDATE operations SET state = 'undone', undone_at = ? WHERE id = ?"),
      addFile: db.prepare(
        `INSERT INTO operation_files (operation_id, seq, original_path, keeper_path, root_id, content_hash, size, mtime_ms, dev, ino,
                                      trashed_from, trashed_path, info_path, state, reason)
         VALUES (@operationId, @seq, @originalPath, @keeperPath, @rootId, @contentHash, @size, @mtimeMs, @dev, @ino,
                 @trashedFrom, @trashedPath, @infoPath, @state, @reason)`,
      ),
      setFileState: db.prepare<[JournalFileState, string | null, string, number]>(
        'UPDATE operation_files SET state = ?, reason = ? WHERE operation_id = ? AND seq = ?',
      ),
      setSlot: db.prepare<[string, string, string, string, number]>(
        'UPDATE operation_files SET trashed_from = ?, trashed_path = ?, info_path = ? WHERE operation_id = ? AND seq = ?',
      ),
      setTrashedPath: db.prepare<[string, string, number]>(
        'UPDATE operation_files SET trashed_path = ? WHERE operation_id = ? AND seq = ?',
      ),
      operation: db.prepare<[string], OperationDbRow>('SELECT * FROM operations WHERE id = ?'),
      // Only an operation with something to reverse: a clean-up that moved nothing (a crash before
      // the move, a failed move) must not hide the real one before it.
      lastUndoable: db.prepare<[], OperationDbRow>(
        `SELECT * FROM operations o WHERE state = 'done'
           AND (kind = 'not-duplicates' OR EXISTS (SELECT 1 FROM operation_files f
                WHERE f.operation_id = o.id AND f.state IN ('trashed', 'restore-failed')))
         ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      ),
      history: db.prepare<[number], OperationDbRow>('SELECT * FROM operations ORDER BY created_at DESC, rowid DESC LIMIT ?'),
      files: db.prepare<[string], EntryRow>('SELECT * FROM operation_files WHERE operation_id = ? ORDER BY seq'),
      unsettled: db.prepare<[], EntryRow>("SELECT * FROM operation_files WHERE state = 'moving' ORDER BY operation_id, seq"),
      running: db.prepare<[], OperationDbRow>("SELECT * FROM operations WHERE state = 'running'"),
    };
  }

  /** Runs `body` in one SQLite transaction (journal and library rows change together). */
  transaction<T>(body: () => T): T {
    return this.#db.transaction(body)();
  }

  begin(id: string, kind: OperationKind, now = Date.now()): void {
    this.#statements.begin.run(id, kind, now);
  }

  finish(id: string, now = Date.now()): void {
    this.#statements.finish.run('done', now, id);
  }

  markUndone(id: string, now = Date.now()): void {
    this.#statements.markUndone.run(now, id);
  }

  addFile(
    entry: Omit<JournalEntry, 'reason' | 'trashedFrom'> & { readonly reason?: string | null; readonly trashedFrom?: string | null },
  ): void {
    this.#statements.addFile.run({ ...entry, reason: entry.reason ?? null, trashedFrom: entry.trashedFrom ?? null });
  }

  setFileState(operationId: string, seq: number, state: JournalFileState, reason: string | null = null): void {
    this.#statements.setFileState.run(state, reason, operationId, seq);
  }

  /** The place claimed in the trash for a journaled file: where it comes from and where it will lie. */
  setSlot(operationId: string, seq: number, slot: { originalPath: string; trashedPath: string; infoPath: string }): void {
    this.#statements.setSlot.run(slot.originalPath, slot.trashedPath, slot.infoPath, operationId, seq);
  }

  /** Where a file really went, when the trash named it only as it moved (the macOS Trash). */
  setTrashedPath(operationId: string, seq: number, trashedPath: string): void {
    this.#statements.setTrashedPath.run(trashedPath, operationId, seq);
  }

  operation(id: string): OperationRow | null {
    const row = this.#statements.operation.get(id);
    return row ? toOperation(row) : null;
  }

  /** The newest operation that is done and not undone yet: what a plain `undo` reverses. */
  lastUndoable(): OperationRow | null {
    const row = this.#statements.lastUndoable.get();
    return row ? toOperation(row) : null;
  }

  history(limit: number): OperationRow[] {
    return this.#statements.history.all(limit).map(toOperation);
  }

  files(operationId: string): JournalEntry[] {
    return this.#statements.files.all(operationId).map(toEntry);
  }

  /** Files a crash left between "journaled" and "moved": recovery settles each from the disk. */
  unsettledFiles(): JournalEntry[] {
    return this.#statements.unsettled.all().map(toEntry);
  }

  runningOperations(): OperationRow[] {
    return this.#statements.running.all().map(toOperation);
  }
}

function toOperation(row: OperationDbRow): OperationRow {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    undoneAt: row.undone_at,
  };
}

function toEntry(row: EntryRow): JournalEntry {
  return {
    operationId: row.operation_id,
    seq: row.seq,
    originalPath: row.original_path,
    keeperPath: row.keeper_path,
    rootId: row.root_id,
    contentHash: row.content_hash,
    size: row.size,
    mtimeMs: row.mtime_ms,
    dev: row.dev,
    ino: row.ino,
    trashedFrom: row.trashed_from ?? null,
    trashedPath: row.trashed_path,
    infoPath: row.info_path,
    state: row.state,
    reason: row.reason,
  };
}
