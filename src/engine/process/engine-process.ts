/**
 * Entry of the engine utility process (`utilityProcess.fork`). It owns the core: sharp,
 * onnxruntime-node, faiss-node and the single SQLite writer, so a native crash takes down this
 * process only, never the window.
 */
import { ErrorCodes } from '../../shared/errors.js';
import { err, type Result } from '../../shared/result.js';
import type { EngineInbound, EngineInit, EngineMessage, EngineRequest, EngineRequestMessage } from './engine-messages.js';
import { EngineService } from '../engine-service.js';
import { HostTrashBin, usesHostTrash } from '../host-trash/host-trash-bin.js';

/** The two Electron objects used here, typed locally so this entry also runs under plain Node (test/e2e/engine-process.test.ts). */
interface PortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: EngineMessage): void;
  start(): void;
}
interface ParentPortLike {
  once(event: 'message', listener: (event: { data: unknown; ports: PortLike[] }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (!parentPort) throw new Error('engine-process must be started with Electron utilityProcess.fork');

const log = (line: string): void => console.log(`[engine] ${line}`);

parentPort.once('message', ({ data, ports }) => {
  const init = data as EngineInit;
  const port = ports[0];
  if (!port) throw new Error('engine-process: the init message carried no MessagePort');
  void serve(init, port);
});

async function serve(init: EngineInit, port: PortLike): Promise<void> {
  const post = (message: EngineMessage): void => port.postMessage(message);
  let answer: (request: EngineRequest) => Promise<Result<unknown>>;
  // Requests that arrive while the library opens wait for it instead of failing.
  const queued: EngineRequestMessage[] = [];
  let ready = false;
  // macOS and Windows: the trash is main's (shell.trashItem); elsewhere the core's own (see usesHostTrash).
  const trashBin = usesHostTrash(process.platform) ? new HostTrashBin({ post, log }) : undefined;

  port.on('message', ({ data }) => {
    const message = data as EngineInbound;
    if ('type' in message) {
      // Answers to the engine's own trash calls are never queued: opening the library may wait on one (crash recovery).
      if (trashBin) trashBin.answer(message);
      else log(`ignored a trash answer (${message.id}): this engine keeps its own trash`);
      return;
    }
    if (!ready) queued.push(message);
    else void respond(message);
  });
  port.start();

  const respond = async ({ seq, request }: EngineRequestMessage): Promise<void> => {
    post({ type: 'response', seq, result: await answer(request) });
  };

  try {
    const service = await EngineService.open({
      ...(init.libraryDir ? { libraryDir: init.libraryDir } : {}),
      onEvent: (event) => post({ type: 'event', event }),
      log,
      watch: true,
      ...(trashBin ? { trashBin } : {}),
    });
    answer = async (request) => {
      switch (request.type) {
        case 'invoke':
          return service.dispatch(request.channel, request.input);
        case 'thumbnail':
          return { ok: true, value: await service.resolveThumbnail(request.photoPath) };
        case 'preview':
          return { ok: true, value: await service.resolvePreview(request.photoPath) };
        case 'original':
          return { ok: true, value: await service.resolveOriginal(request.photoPath) };
        default:
          return unreachable(request);
      }
    };
    process.once('exit', () => void service.close());
    post({ type: 'ready', libraryDir: service.libraryDir });
  } catch (thrown) {
    const message = `Cannot open the library${init.libraryDir ? ` at ${init.libraryDir}` : ''}: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
    log(message);
    answer = () => Promise.resolve(err(ErrorCodes.engineUnavailable, message));
    post({ type: 'unavailable', message });
  }
  ready = true;
  for (const message of queued.splice(0)) void respond(message);
}

function unreachable(request: never): Result<unknown> {
  return err(ErrorCodes.unknownChannel, `Unknown engine request ${JSON.stringify(request)}`);
}
