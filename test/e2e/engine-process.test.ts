/**
 * The engine utility process's port protocol, without Electron: a stand-in parent port hands the
 * entry a MessagePort, as `utilityProcess.fork` + `postMessage(init, [port])` would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineInit, EngineMessage, EngineRequest } from '../../src/engine/process/engine-messages.js';
import type { Result } from '../../src/shared/result.js';
import { stringContaining } from '../helpers/matchers.js';
import { writePhotoFolder, type PhotoFolder } from './support/photo-folder.js';

let tempDir: string;
let photos: PhotoFolder;
let port: MessagePort;
const messages: EngineMessage[] = [];
let seq = 0;

/** Electron's MessagePortMain emits `{ data }`; Node's MessagePort emits the data itself. */
function asElectronPort(nodePort: MessagePort): unknown {
  return {
    on: (_event: 'message', listener: (event: { data: unknown }) => void) => nodePort.on('message', (data) => listener({ data })),
    postMessage: (message: unknown) => nodePort.postMessage(message),
    start: () => nodePort.start(),
  };
}

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function send(request: EngineRequest): Promise<Result<unknown>> {
  const mine = ++seq;
  port.postMessage({ seq: mine, request });
  return until(() => {
    const found = messages.find((message) => message.type === 'response' && message.seq === mine);
    return found?.type === 'response' ? found.result : undefined;
  }, `the answer to request ${mine}`);
}

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-engine-'));
  photos = await writePhotoFolder(path.join(tempDir, 'photos'));
  const { port1, port2 } = new MessageChannel();
  port = port1;
  port.on('message', (message: EngineMessage) => messages.push(message));
  const init: EngineInit = { type: 'init', libraryDir: path.join(tempDir, 'library') };
  const parentPort = {
    once: (_event: 'message', listener: (event: { data: unknown; ports: unknown[] }) => void) =>
      setImmediate(() => listener({ data: init, ports: [asElectronPort(port2)] })),
  };
  Object.assign(process, { parentPort });
  await import('../../src/engine/process/engine-process.js');
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning it
  port?.close();
  // The engine is never closed here (its process would exit): work it started after the last index
  // (the picture check's verdicts) may still write into the library while it is removed.
  await rm(tempDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
});

describe('engine process', () => {
  it('should answer a request sent before the library finished opening', async () => {
    const stats = await send({ type: 'invoke', channel: 'library:stats', input: undefined });
    expect(stats).toMatchObject({ ok: true, value: { files: 0 } });
    expect(messages.find((message) => message.type === 'ready')).toEqual({ type: 'ready', libraryDir: path.join(tempDir, 'library') });
  });

  it('should validate input against the contract', async () => {
    const answer = await send({ type: 'invoke', channel: 'find:query', input: { path: 42 } });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('should push job events on the port and resolve thumbnails and previews inside the library', async () => {
    const started = await send({ type: 'invoke', channel: 'library:index', input: { roots: [photos.root] } });
    expect(started.ok).toBe(true);
    await until(
      () => messages.find((message) => message.type === 'event' && message.event.type === 'job' && message.event.job.state === 'done'),
      'the job to finish',
    );
    const thumbnail = await send({ type: 'thumbnail', photoPath: photos.original });
    expect(thumbnail.ok && typeof thumbnail.value === 'string' && thumbnail.value.startsWith(path.join(tempDir, 'library'))).toBe(true);
    expect(await send({ type: 'thumbnail', photoPath: '/etc/passwd' })).toEqual({ ok: true, value: null });
    const preview = await send({ type: 'preview', photoPath: photos.original });
    expect(preview).toEqual({ ok: true, value: stringContaining(path.join(tempDir, 'library', 'previews', '')) });
    expect(await send({ type: 'preview', photoPath: '/etc/passwd' })).toEqual({ ok: true, value: null });
  });
});
