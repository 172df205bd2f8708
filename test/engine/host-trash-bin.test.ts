/**
 * The engine's trash on macOS and Windows: each call crosses a real MessagePort (structured clone,
 * as between the utility process and main) to main's answerer and back, matched by id.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TrashedFile } from '../../src/core/trash/trash-bin.js';
import { hasErrorCode } from '../../src/core/errors.js';
import type { HostTrash } from '../../src/core/trash/host-trash.js';
import { windowsTrash } from '../../src/core/trash/windows-trash.js';
import { HostTrashBin, usesHostTrash } from '../../src/engine/host-trash/host-trash-bin.js';
import type { HostTrashCall, HostTrashRequest, HostTrashResponse } from '../../src/engine/host-trash/host-trash-messages.js';
import { answerTrashCall } from '../../src/main/trash/os-trash.js';

const slot: TrashedFile = { originalPath: '/photos/a.jpg', trashedPath: '/trash/a.jpg', infoPath: 'receipt' };
const movedSlot: TrashedFile = { ...slot, trashedPath: '/trash/a 2.jpg' };
const ports: MessagePort[] = [];
let tempDir: string;

/** The engine's bin wired to `trash` as main would answer it; `logs` collects the bin's log lines. */
function connect(trash: HostTrash, timeoutsMs?: Partial<Record<HostTrashCall['op'], number>>) {
  const { port1: enginePort, port2: mainPort } = new MessageChannel();
  ports.push(enginePort, mainPort);
  const logs: string[] = [];
  const bin = new HostTrashBin({
    post: (message) => enginePort.postMessage(message),
    log: (line) => logs.push(line),
    ...(timeoutsMs ? { timeoutsMs } : {}),
  });
  enginePort.on('message', (response: HostTrashResponse) => bin.answer(response));
  mainPort.on('message', (request: HostTrashRequest) => {
    void answerTrashCall(trash, request.call).then((result) => {
      const response: HostTrashResponse = { type: 'trash-response', id: request.id, result };
      mainPort.postMessage(response);
    });
  });
  return { bin, logs };
}

/** A main-side trash that records each call and answers at once. */
function recordingTrash(calls: string[]): HostTrash {
  return {
    reserve: (filePath) => {
      calls.push(`reserve ${filePath}`);
      return Promise.resolve({ ...slot, originalPath: filePath });
    },
    move: (moved) => {
      calls.push(`move ${moved.originalPath}`);
      return Promise.resolve(movedSlot);
    },
    release: (released) => {
      calls.push(`release ${released.originalPath}`);
      return Promise.resolve();
    },
    restore: (restored) => {
      calls.push(`restore ${restored.trashedPath}`);
      return Promise.resolve();
    },
  };
}

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-host-trash-'));
});

afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('host trash bin', () => {
  it('should ask main only on macOS and Windows, where the trash is behind system APIs', () => {
    expect(['darwin', 'win32', 'linux', 'freebsd'].map((platform) => usesHostTrash(platform as NodeJS.Platform))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('should carry each call to main and bring its answer back', async () => {
    const calls: string[] = [];
    const { bin } = connect(recordingTrash(calls));
    expect(await bin.reserve('/photos/a.jpg')).toEqual(slot);
    expect(await bin.move(slot)).toEqual(movedSlot);
    await expect(bin.release(slot)).resolves.toBeUndefined();
    await expect(bin.restore(movedSlot)).resolves.toBeUndefined();
    expect(calls).toEqual(['reserve /photos/a.jpg', 'move /photos/a.jpg', 'release /photos/a.jpg', 'restore /trash/a 2.jpg']);
  });

  it('should match answers to calls made at the same time', async () => {
    const { bin } = connect(recordingTrash([]));
    const reserved = await Promise.all(['/photos/a.jpg', '/photos/b.jpg', '/photos/c.jpg'].map((file) => bin.reserve(file)));
    expect(reserved.map((answer) => answer.originalPath)).toEqual(['/photos/a.jpg', '/photos/b.jpg', '/photos/c.jpg']);
  });

  it("should fail with main's error code and message", async () => {
    const { bin } = connect(windowsTrash(() => Promise.resolve()));
    const missing = path.join(tempDir, 'missing.jpg');
    const refused = await bin.reserve(missing).catch((error: unknown) => error);
    expect(refused).toMatchObject({ message: `Cannot move ${missing} to the trash: no such file` });
    expect(hasErrorCode(refused, 'invalid_input')).toBe(true);

    const notRestored = await bin.restore(slot).catch((error: unknown) => error);
    expect(notRestored).toBeInstanceOf(Error);
    expect(String(notRestored)).toMatch(/: Cannot restore \/photos\/a\.jpg: .*; restore it from the Recycle Bin$/);
    expect(hasErrorCode(notRestored, 'internal')).toBe(true);
  });

  it('should say when main does not answer in time, and drop the late answer', async () => {
    let finishMove: (() => void) | undefined;
    const slowTrash: HostTrash = {
      ...recordingTrash([]),
      move: () =>
        new Promise((resolve) => {
          finishMove = () => resolve(movedSlot);
        }),
    };
    const { bin, logs } = connect(slowTrash, { move: 50 });
    await expect(bin.move(slot)).rejects.toThrow('Cannot move /photos/a.jpg to the trash: the app did not answer within 0.05 s');
    finishMove?.();
    await expect.poll(() => logs.at(-1)).toBe('late answer from the app to trash request 1 ignored (done)');
  });

  it('should fail a call it cannot post', async () => {
    const bin = new HostTrashBin({
      post: () => {
        throw new Error('port closed');
      },
    });
    await expect(bin.reserve('/photos/a.jpg')).rejects.toThrow(
      'Cannot move /photos/a.jpg to the trash: cannot reach the app (port closed)',
    );
  });

  it('should move a file to the Recycle Bin and record where to look for it', async () => {
    const file = path.join(tempDir, 'b.jpg');
    fs.writeFileSync(file, 'bytes');
    const recycled: string[] = [];
    const { bin } = connect(
      windowsTrash((filePath) => {
        recycled.push(filePath);
        return Promise.resolve();
      }),
    );
    const reserved = await bin.reserve(file);
    expect(reserved).toEqual({ originalPath: file, trashedPath: 'shell:RecycleBinFolder\\b.jpg', infoPath: 'windows-recycle-bin' });
    expect(await bin.move(reserved)).toEqual(reserved);
    expect(recycled).toEqual([file]);
  });
});
