/**
 * Clean-up and undo in the desktop engine on macOS, end to end but for Electron: the core's
 * CleanService and journal, the engine's HostTrashBin, a MessagePort, main's answerer and its
 * macOS trash, with Finder played by a rename into a temporary `~/.Trash`.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel.js';
import type { TrashItem } from '../../src/core/trash/host-trash.js';
import { macTrash } from '../../src/core/trash/mac-trash.js';
import { HostTrashBin } from '../../src/engine/host-trash/host-trash-bin.js';
import type { HostTrashRequest, HostTrashResponse } from '../../src/engine/host-trash/host-trash-messages.js';
import { answerTrashCall } from '../../src/main/trash/os-trash.js';
import { writePhotoFolder, type PhotoFolder } from '../e2e/support/photo-folder.js';

let tempDir: string;
let trashDir: string;
let photos: PhotoFolder;
let doppel: Doppel;
const channel = new MessageChannel();

/** Finder's part: into ~/.Trash under the file's name, or "stem N.ext" when that is taken. */
const finderTrashItem: TrashItem = (filePath) => {
  const extension = path.extname(filePath);
  const stem = path.basename(filePath, extension);
  for (let number = 1; ; number++) {
    const target = path.join(trashDir, number === 1 ? path.basename(filePath) : `${stem} ${number}${extension}`);
    if (!fs.existsSync(target)) {
      fs.renameSync(filePath, target);
      return Promise.resolve();
    }
  }
};

beforeAll(async () => {
  tempDir = fs.realpathSync(await mkdtemp(path.join(os.tmpdir(), 'doppel-host-trash-cleanup-')));
  const home = path.join(tempDir, 'home');
  trashDir = path.join(home, '.Trash');
  fs.mkdirSync(trashDir, { recursive: true });
  photos = await writePhotoFolder(path.join(home, 'Pictures'));
  // Something of the same name is in the Trash already: Finder will rename the copy it receives.
  fs.writeFileSync(path.join(trashDir, path.basename(photos.byteCopy)), 'trashed last week');

  const main = macTrash({ trashItem: finderTrashItem, homeDir: home });
  channel.port2.on('message', (request: HostTrashRequest) => {
    void answerTrashCall(main, request.call).then((result) => {
      const response: HostTrashResponse = { type: 'trash-response', id: request.id, result };
      channel.port2.postMessage(response);
    });
  });
  const trashBin = new HostTrashBin({ post: (message) => channel.port1.postMessage(message) });
  channel.port1.on('message', (response: HostTrashResponse) => trashBin.answer(response));

  doppel = await Doppel.open({ libraryDir: path.join(tempDir, 'library'), withoutSimilarity: true, trashBin });
  await doppel.index([photos.root]);
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning
  await doppel?.close();
  channel.port1.close();
  await rm(tempDir, { recursive: true, force: true });
});

describe('clean-up through the host trash', () => {
  it('should move the byte copy to the Trash through main, and undo it from where Finder put it', async () => {
    const copyBytes = fs.readFileSync(photos.byteCopy);
    const report = await doppel.clean({ kind: 'exact' });
    expect(report.trashed.map((copy) => copy.path)).toEqual([photos.byteCopy]);
    expect(fs.existsSync(photos.byteCopy)).toBe(false);
    const renamed = path.join(trashDir, 'harbour-copy 2.jpg');
    expect(fs.readFileSync(renamed)).toEqual(copyBytes);

    const undo = await doppel.undo();
    expect(undo).toEqual({ operation: report.operation, restored: [{ path: photos.byteCopy }], failed: [] });
    expect(fs.readFileSync(photos.byteCopy)).toEqual(copyBytes);
    expect(fs.existsSync(renamed)).toBe(false);
    expect(fs.readFileSync(path.join(trashDir, 'harbour-copy.jpg'), 'utf8')).toBe('trashed last week');
  });
});
