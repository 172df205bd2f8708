/**
 * The engine utility process on macOS asks main to trash files: its entry, run under Node as
 * Electron would fork it (a stand-in parent port), with `process.platform` set to darwin in this
 * test's own process. The test plays main: it answers the engine's trash calls with main's macOS
 * trash, Finder being a rename into a temporary `~/.Trash`.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel.js';
import type { TrashItem } from '../../src/core/trash/host-trash.js';
import { macTrash } from '../../src/core/trash/mac-trash.js';
import type { HostTrashResponse } from '../../src/engine/host-trash/host-trash-messages.js';
import type { EngineInit, EngineMessage, EngineRequest } from '../../src/engine/process/engine-messages.js';
import { answerTrashCall } from '../../src/main/trash/os-trash.js';
import type { Result } from '../../src/shared/result.js';
import type { CleanReport, UndoReport } from '../../src/shared/types.js';
import { writePhotoFolder, type PhotoFolder } from '../e2e/support/photo-folder.js';

let tempDir: string;
let trashDir: string;
let photos: PhotoFolder;
let port: MessagePort;
const messages: EngineMessage[] = [];
const trashCalls: string[] = [];
let seq = 0;

const finderTrashItem: TrashItem = (filePath) => {
  fs.renameSync(filePath, path.join(trashDir, path.basename(filePath)));
  return Promise.resolve();
};

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function call<T>(request: EngineRequest): Promise<T> {
  const mine = ++seq;
  port.postMessage({ seq: mine, request });
  const result: Result<unknown> = await until(() => {
    const found = messages.find((message) => message.type === 'response' && message.seq === mine);
    return found?.type === 'response' ? found.result : undefined;
  }, `the answer to request ${mine}`);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

beforeAll(async () => {
  tempDir = fs.realpathSync(await mkdtemp(path.join(os.tmpdir(), 'doppel-engine-trash-')));
  const home = path.join(tempDir, 'home');
  trashDir = path.join(home, '.Trash');
  fs.mkdirSync(trashDir, { recursive: true });
  photos = await writePhotoFolder(path.join(home, 'Pictures'));
  const libraryDir = path.join(tempDir, 'library');
  const indexer = await Doppel.open({ libraryDir, withoutSimilarity: true });
  await indexer.index([photos.root]);
  await indexer.close();

  const main = macTrash({ trashItem: finderTrashItem, homeDir: home });
  const { port1, port2 } = new MessageChannel();
  port = port1;
  port.on('message', (message: EngineMessage) => {
    if (message.type !== 'trash-request') {
      messages.push(message);
      return;
    }
    trashCalls.push(message.call.op);
    void answerTrashCall(main, message.call).then((result) => {
      const response: HostTrashResponse = { type: 'trash-response', id: message.id, result };
      port.postMessage(response);
    });
  });
  const engineSide = {
    on: (_event: 'message', listener: (event: { data: unknown }) => void) => port2.on('message', (data) => listener({ data })),
    postMessage: (message: unknown) => port2.postMessage(message),
    start: () => port2.start(),
  };
  const init: EngineInit = { type: 'init', libraryDir };
  const parentPort = {
    once: (_event: 'message', listener: (event: { data: unknown; ports: unknown[] }) => void) =>
      setImmediate(() => listener({ data: init, ports: [engineSide] })),
  };
  Object.defineProperty(process, 'platform', { value: 'darwin' });
  Object.assign(process, { parentPort });
  await import('../../src/engine/process/engine-process.js');
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning it
  port?.close();
  await rm(tempDir, { recursive: true, force: true });
});

describe('engine process on macOS', () => {
  it("should move a copy to the Trash through main's trash and undo it the same way", async () => {
    const report = await call<CleanReport>({ type: 'invoke', channel: 'duplicates:clean', input: { kind: 'exact' } });
    expect(report.trashed.map((copy) => copy.path)).toEqual([photos.byteCopy]);
    expect(fs.existsSync(path.join(trashDir, path.basename(photos.byteCopy)))).toBe(true);
    expect(trashCalls).toEqual(['reserve', 'move']);

    const undo = await call<UndoReport>({ type: 'invoke', channel: 'operations:undo', input: undefined });
    expect(undo.restored).toEqual([{ path: photos.byteCopy }]);
    expect(fs.existsSync(photos.byteCopy)).toBe(true);
    expect(trashCalls).toEqual(['reserve', 'move', 'restore']);
  });
});
