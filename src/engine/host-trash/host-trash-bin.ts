/**
 * The desktop engine's trash on macOS and Windows: each `TrashBin` call goes to Electron main,
 * which alone can call `shell.trashItem`, and comes back matched by id. The core's clean-up and
 * journal run unchanged on top of it.
 */
import { DoppelError, ErrorCodes, errorMessage } from '../../core/errors.js';
import type { TrashBin, TrashedFile } from '../../core/trash/trash-bin.js';
import type { HostTrashAnswer, HostTrashCall, HostTrashRequest, HostTrashResponse } from './host-trash-messages.js';

/**
 * How long each call may wait for main. Reserving and releasing are a `stat` or two. Moving and
 * restoring wait on the system (Finder, the Windows shell), which can stall on a slow or network
 * volume, so they get longer: a timed-out move is reported as not done, yet main may still finish it
 * (the late answer is logged; the next index finds the file gone).
 */
export const HOST_TRASH_TIMEOUTS_MS: Readonly<Record<HostTrashCall['op'], number>> = {
  reserve: 15_000,
  move: 120_000,
  release: 15_000,
  restore: 120_000,
};

/**
 * True where the engine must ask main: macOS and Windows keep their trash behind system APIs.
 * Elsewhere (Linux and the other freedesktop desktops) the core's own trash is used even in the
 * desktop app: it knows each file's exact destination before it moves and writes the `.trashinfo`
 * that file managers restore from, while `shell.trashItem` (GIO there) says nothing of where the
 * file went, which undo needs.
 */
export function usesHostTrash(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

/** A trash call main refused or could not answer; `code` is main's, passed on unchanged. */
export class HostTrashError extends DoppelError {
  override readonly name = 'HostTrashError' as const;
}

export interface HostTrashBinOptions {
  /** Posts a request on the port to main. */
  readonly post: (message: HostTrashRequest) => void;
  readonly log?: (line: string) => void;
  /** Per-call limits; default HOST_TRASH_TIMEOUTS_MS. */
  readonly timeoutsMs?: Partial<Record<HostTrashCall['op'], number>>;
}

interface Pending {
  readonly call: HostTrashCall;
  readonly resolve: (answer: HostTrashAnswer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * @example
 * const bin = new HostTrashBin({ post: (message) => port.postMessage(message) });
 * port.on('message', ({ data }) => { if (data.type === 'trash-response') bin.answer(data); });
 * await Doppel.open({ trashBin: bin });
 */
export class HostTrashBin implements TrashBin {
  readonly #post: (message: HostTrashRequest) => void;
  readonly #log: (line: string) => void;
  readonly #timeoutsMs: Readonly<Record<HostTrashCall['op'], number>>;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;

  constructor(options: HostTrashBinOptions) {
    this.#post = options.post;
    this.#log = options.log ?? (() => {});
    this.#timeoutsMs = { ...HOST_TRASH_TIMEOUTS_MS, ...options.timeoutsMs };
  }

  async reserve(filePath: string): Promise<TrashedFile> {
    return this.#slot({ op: 'reserve', filePath });
  }

  /** Moves the file; answers where it went, which on macOS may differ from the reserved name. */
  async move(slot: TrashedFile): Promise<TrashedFile> {
    return this.#slot({ op: 'move', slot });
  }

  async release(slot: TrashedFile): Promise<void> {
    await this.#call({ op: 'release', slot });
  }

  async restore(slot: TrashedFile): Promise<void> {
    await this.#call({ op: 'restore', slot });
  }

  /** Settles the call `response` answers; an answer to no pending call (one that timed out) is logged and dropped. */
  answer(response: HostTrashResponse): void {
    const pending = this.#pending.get(response.id);
    if (!pending) {
      const outcome = response.result.ok ? 'done' : `failed: ${response.result.error.message}`;
      this.#log(`late answer from the app to trash request ${response.id} ignored (${outcome})`);
      return;
    }
    this.#pending.delete(response.id);
    clearTimeout(pending.timer);
    if (response.result.ok) pending.resolve(response.result.value);
    else pending.reject(new HostTrashError(response.result.error.code, response.result.error.message));
  }

  async #slot(call: HostTrashCall): Promise<TrashedFile> {
    const answer = await this.#call(call);
    if (answer === null) throw new HostTrashError(ErrorCodes.internal, `${attempted(call)}: the app answered without a trash slot`);
    return answer;
  }

  #call(call: HostTrashCall): Promise<HostTrashAnswer> {
    const id = ++this.#nextId;
    const timeoutMs = this.#timeoutsMs[call.op];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        const seconds = timeoutMs / 1000;
        this.#log(`trash request ${id} (${call.op}) timed out after ${seconds} s`);
        reject(new HostTrashError(ErrorCodes.internal, `${attempted(call)}: the app did not answer within ${seconds} s`));
      }, timeoutMs);
      this.#pending.set(id, { call, resolve, reject, timer });
      try {
        this.#post({ type: 'trash-request', id, call });
      } catch (error) {
        this.#pending.delete(id);
        clearTimeout(timer);
        reject(new HostTrashError(ErrorCodes.internal, `${attempted(call)}: cannot reach the app (${errorMessage(error)})`));
      }
    });
  }
}

/** What a call was trying to do, in the words of the core's own trash errors. */
function attempted(call: HostTrashCall): string {
  switch (call.op) {
    case 'reserve':
      return `Cannot move ${call.filePath} to the trash`;
    case 'move':
      return `Cannot move ${call.slot.originalPath} to the trash`;
    case 'release':
      return `Cannot give back the trash slot of ${call.slot.originalPath}`;
    case 'restore':
      return `Cannot restore ${call.slot.originalPath}`;
    default:
      return call satisfies never;
  }
}
