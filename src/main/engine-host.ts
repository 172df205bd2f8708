/**
 * Main's handle on the ONE long-lived engine utility process. Calls go over a MessagePort as
 * `{seq, request}`; answers come back matched by seq. If the engine dies, every pending call fails
 * with `engine_crashed`, running jobs are reported failed, and the engine is started again.
 */
import { MessageChannelMain, utilityProcess, type MessagePortMain, type UtilityProcess } from 'electron';
import type { AppEvent, JobSnapshot } from '../shared/ipc-contract.js';
import { ErrorCodes, type AppError } from '../shared/errors.js';
import { err, type Result } from '../shared/result.js';
import type { HostTrashRequest, HostTrashResponse } from '../engine/host-trash/host-trash-messages.js';
import type { EngineInit, EngineMessage, EngineRequest } from '../engine/process/engine-messages.js';
import type { TrashAnswerer } from './trash/electron-trash.js';

/** More crashes than this within the window means restarting will not help; stop and say so. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 500;

export interface EngineHostOptions {
  /** Built engine entry (out/main/engine-process.js). */
  readonly entryPath: string;
  readonly libraryDir: string | null;
  readonly onEvent: (event: AppEvent) => void;
  readonly log: (line: string) => void;
  /** Answers the engine's trash calls (electron-trash.ts); the engine makes them on macOS and Windows only. */
  readonly answerTrash: TrashAnswerer;
}

interface Pending {
  readonly describe: string;
  readonly resolve: (result: Result<unknown>) => void;
}

export class EngineHost {
  readonly #options: EngineHostOptions;
  #child: UtilityProcess | null = null;
  #port: MessagePortMain | null = null;
  #seq = 0;
  readonly #pending = new Map<number, Pending>();
  /** Running jobs as last reported, so a crash can report them failed. */
  readonly #runningJobs = new Map<string, JobSnapshot>();
  readonly #crashTimes: number[] = [];
  #unavailable: AppError | null = null;
  #stopping = false;
  libraryDir: string | null = null;

  constructor(options: EngineHostOptions) {
    this.#options = options;
  }

  start(): void {
    const { port1, port2 } = new MessageChannelMain();
    const child = utilityProcess.fork(this.#options.entryPath, [], { serviceName: 'Doppel engine', stdio: 'inherit' });
    this.#child = child;
    this.#port = port1;
    this.#unavailable = null;
    port1.on('message', ({ data }) => this.#onMessage(data as EngineMessage, port1));
    port1.start();
    const init: EngineInit = { type: 'init', libraryDir: this.#options.libraryDir };
    child.postMessage(init, [port2]);
    child.once('exit', (code) => this.#onExit(child, code));
  }

  /** Sends one request; always resolves, with `engine_crashed` if the engine dies first. */
  request(request: EngineRequest): Promise<Result<unknown>> {
    if (this.#unavailable) return Promise.resolve({ ok: false, error: this.#unavailable });
    const port = this.#port;
    if (!port) return Promise.resolve(err(ErrorCodes.engineUnavailable, 'The engine is not running'));
    const seq = ++this.#seq;
    const describe = request.type === 'invoke' ? request.channel : `${request.type} of ${request.photoPath}`;
    return new Promise((resolve) => {
      this.#pending.set(seq, { describe, resolve });
      port.postMessage({ seq, request });
    });
  }

  stop(): void {
    this.#stopping = true;
    this.#port?.close();
    this.#child?.kill();
    this.#failPending(ErrorCodes.engineUnavailable, 'the app is quitting');
  }

  #onMessage(message: EngineMessage, port: MessagePortMain): void {
    switch (message.type) {
      case 'ready':
        this.libraryDir = message.libraryDir;
        this.#options.log(`engine ready, library ${message.libraryDir}`);
        return;
      case 'unavailable':
        this.#options.log(message.message);
        this.#options.onEvent({ type: 'engine', status: 'unavailable', message: message.message });
        return;
      case 'response': {
        const pending = this.#pending.get(message.seq);
        this.#pending.delete(message.seq);
        pending?.resolve(message.result);
        return;
      }
      case 'event':
        this.#track(message.event);
        this.#options.onEvent(message.event);
        return;
      case 'trash-request':
        void this.#answerTrash(message, port);
        return;
      default:
        message satisfies never;
    }
  }

  /** Answers on the port the request came on; an engine that died meanwhile gets nothing (its calls died with it). */
  async #answerTrash(request: HostTrashRequest, port: MessagePortMain): Promise<void> {
    const result = await this.#options.answerTrash(request.call);
    if (!result.ok) this.#options.log(`trash ${request.call.op} refused: ${result.error.message}`);
    if (port !== this.#port) return;
    const response: HostTrashResponse = { type: 'trash-response', id: request.id, result };
    port.postMessage(response);
  }

  #track(event: AppEvent): void {
    if (event.type !== 'job') return;
    if (event.job.state === 'running') this.#runningJobs.set(event.job.id, event.job);
    else this.#runningJobs.delete(event.job.id);
  }

  #onExit(child: UtilityProcess, code: number): void {
    if (child !== this.#child || this.#stopping) return;
    this.#child = null;
    this.#port?.close();
    this.#port = null;
    const reason = `the engine process exited unexpectedly (code ${code})`;
    this.#options.log(reason);
    this.#failPending(ErrorCodes.engineCrashed, reason);
    for (const job of this.#runningJobs.values()) {
      const error: AppError = { code: ErrorCodes.engineCrashed, message: `Indexing stopped: ${reason}` };
      this.#options.onEvent({ type: 'job', job: { ...job, state: 'failed', error } });
    }
    this.#runningJobs.clear();

    const now = Date.now();
    this.#crashTimes.push(now);
    while (this.#crashTimes.length > 0 && now - (this.#crashTimes[0] ?? now) > RESTART_WINDOW_MS) this.#crashTimes.shift();
    if (this.#crashTimes.length > MAX_RESTARTS) {
      const message = `The engine crashed ${this.#crashTimes.length} times in a minute and was not restarted; restart Doppel`;
      this.#unavailable = { code: ErrorCodes.engineUnavailable, message };
      this.#options.onEvent({ type: 'engine', status: 'unavailable', message });
      return;
    }
    setTimeout(() => {
      if (this.#stopping) return;
      this.start();
      this.#options.onEvent({ type: 'engine', status: 'restarted', message: `The engine stopped (${reason}) and was restarted` });
    }, RESTART_DELAY_MS);
  }

  #failPending(code: AppError['code'], reason: string): void {
    for (const [seq, pending] of this.#pending) {
      pending.resolve(err(code, `${pending.describe} did not finish: ${reason}`));
      this.#pending.delete(seq);
    }
  }
}
