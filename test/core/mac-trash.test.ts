/**
 * The macOS Trash through a `trashItem` call (`shell.trashItem` in the app, the `trash` package in
 * the CLI), which does not say where a file went, so it is found again by name, size, modification
 * time and inode. Finder is played by a rename into a temporary `~/.Trash` that, like Finder, adds
 * " 2", " 3" when the name is taken.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../src/core/errors.js';
import {
  findTrashedFile,
  formatMacReceipt,
  isTrashNameOf,
  macTrash,
  parseMacReceipt,
  type MacTrashReceipt,
} from '../../src/core/trash/mac-trash.js';
import type { TrashItem } from '../../src/core/trash/host-trash.js';

let tempDir: string;
let home: string;
let trashDir: string;
let photos: string;
let caseNumber = 0;

const MTIME = new Date('2024-05-01T10:00:00Z');

/** Writes `bytes` to `file` with the shared modification time; returns what a receipt records of it. */
function writePhoto(file: string, bytes: string): MacTrashReceipt {
  fs.writeFileSync(file, bytes);
  fs.utimesSync(file, MTIME, MTIME);
  const stats = fs.statSync(file);
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
}

/** Finder's part: the file goes into ~/.Trash under its name, or "stem N.ext" when that is taken. */
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

/**
 * Waits until a file written now gets a later ctime than `file` (the file system's clock is coarse:
 * a few milliseconds), so that "newest" means something between the two entries.
 */
async function afterCtimeOf(file: string): Promise<void> {
  const ctime = fs.statSync(file).ctimeMs;
  const probe = path.join(home, 'clock-probe');
  const deadline = Date.now() + 5000;
  for (;;) {
    fs.writeFileSync(probe, '');
    const now = fs.statSync(probe).ctimeMs;
    fs.rmSync(probe);
    if (now > ctime) return;
    if (Date.now() > deadline) throw new Error(`the file system clock stayed at ${ctime} for 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-mac-trash-'));
});

beforeEach(() => {
  caseNumber += 1;
  home = path.join(tempDir, `home-${caseNumber}`);
  trashDir = path.join(home, '.Trash');
  photos = path.join(home, 'Pictures');
  fs.mkdirSync(trashDir, { recursive: true });
  fs.mkdirSync(photos);
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('finding a file in the macOS Trash', () => {
  it("should accept the file's own name and the names Finder or the trash package give a taken one", () => {
    expect(isTrashNameOf('harbour.jpg', 'harbour.jpg')).toBe(true);
    expect(isTrashNameOf('harbour 2.jpg', 'harbour.jpg')).toBe(true);
    expect(isTrashNameOf('harbour 10.42.13.jpg', 'harbour.jpg')).toBe(true);
    expect(isTrashNameOf('Cafe\u0301.jpg', 'Caf\u00e9.jpg')).toBe(true); // HFS+ lists names decomposed
    expect(isTrashNameOf('harbour.jpg 1', 'harbour.jpg')).toBe(true); // the trash package's own fallback move
    expect(isTrashNameOf('harbour-copy.jpg', 'harbour.jpg')).toBe(false);
    expect(isTrashNameOf('harbours.jpg', 'harbour.jpg')).toBe(false);
    expect(isTrashNameOf('harbour 2.png', 'harbour.jpg')).toBe(false);
    expect(isTrashNameOf('harbour .jpg', 'harbour.jpg')).toBe(false);
    expect(isTrashNameOf('harbour.jpg copy', 'harbour.jpg')).toBe(false);
  });

  it('should find a file Finder renamed because its name was taken', async () => {
    writePhoto(path.join(trashDir, 'harbour.jpg'), 'an older, different photo');
    const receipt = writePhoto(path.join(trashDir, 'harbour 2.jpg'), 'the trashed photo');
    expect(await findTrashedFile({ dirs: [trashDir], originalName: 'harbour.jpg', receipt })).toBe(path.join(trashDir, 'harbour 2.jpg'));
  });

  it('should prefer the entry with its inode over a newer byte copy', async () => {
    const receipt = writePhoto(path.join(trashDir, 'harbour.jpg'), 'the trashed photo');
    await afterCtimeOf(path.join(trashDir, 'harbour.jpg'));
    writePhoto(path.join(trashDir, 'harbour 2.jpg'), 'the trashed photo');
    expect(await findTrashedFile({ dirs: [trashDir], originalName: 'harbour.jpg', receipt })).toBe(path.join(trashDir, 'harbour.jpg'));
  });

  it('should pick the newest match where the volume does not keep inodes', async () => {
    const receipt = writePhoto(path.join(trashDir, 'harbour.jpg'), 'the trashed photo');
    await afterCtimeOf(path.join(trashDir, 'harbour.jpg'));
    writePhoto(path.join(trashDir, 'harbour 2.jpg'), 'the trashed photo');
    const query = { dirs: [trashDir], originalName: 'harbour.jpg', receipt: { ...receipt, ino: receipt.ino + 1_000_000 } };
    expect(await findTrashedFile(query)).toBe(path.join(trashDir, 'harbour 2.jpg'));
  });

  it('should find nothing under another name, size or modification time', async () => {
    const receipt = writePhoto(path.join(photos, 'harbour.jpg'), 'the trashed photo');
    writePhoto(path.join(trashDir, 'harbour-copy.jpg'), 'the trashed photo');
    writePhoto(path.join(trashDir, 'harbour 2.jpg'), 'the trashed photo, longer');
    fs.writeFileSync(path.join(trashDir, 'harbour 3.jpg'), 'the trashed photo'); // modified now
    const missing = path.join(home, 'no-such-trash');
    expect(await findTrashedFile({ dirs: [trashDir, missing], originalName: 'harbour.jpg', receipt })).toBeNull();
  });

  it('should throw when a trash folder cannot be listed', async () => {
    const receipt = writePhoto(path.join(photos, 'harbour.jpg'), 'the trashed photo');
    const notAFolder = path.join(photos, 'harbour.jpg');
    await expect(findTrashedFile({ dirs: [notAFolder], originalName: 'harbour.jpg', receipt })).rejects.toThrow(/ENOTDIR/);
  });

  it('should read back the receipt it wrote, and nothing else', () => {
    const receipt = { dev: 16777232, ino: 9_007_199_254_740_000, size: 123_456, mtimeMs: 1714557600123.5 };
    expect(parseMacReceipt(formatMacReceipt(receipt))).toEqual(receipt);
    expect(parseMacReceipt('/home/ann/.local/share/Trash/info/a.jpg.trashinfo')).toBeNull();
    expect(parseMacReceipt('macos-trash:dev=1&ino=2&size=3')).toBeNull();
  });
});

describe('macOS trash', () => {
  it('should journal a guess, then say where Finder put the file', async () => {
    writePhoto(path.join(trashDir, 'harbour.jpg'), 'trashed earlier');
    const file = path.join(photos, 'harbour.jpg');
    writePhoto(file, 'the photo');
    const trash = macTrash({ trashItem: finderTrashItem, homeDir: home });
    const slot = await trash.reserve(file);
    expect(slot).toMatchObject({ originalPath: file, trashedPath: path.join(trashDir, 'harbour.jpg') });
    expect(await trash.move(slot)).toEqual({ ...slot, trashedPath: path.join(trashDir, 'harbour 2.jpg') });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('should put a file back from where it went, even from the guessed slot', async () => {
    writePhoto(path.join(trashDir, 'harbour.jpg'), 'trashed earlier');
    const file = path.join(photos, 'harbour.jpg');
    writePhoto(file, 'the photo');
    const trash = macTrash({ trashItem: finderTrashItem, homeDir: home });
    const slot = await trash.reserve(file);
    await trash.move(slot);
    await trash.restore(slot); // the journal may hold the guess; the file is found again
    expect(fs.readFileSync(file, 'utf8')).toBe('the photo');
    expect(fs.readFileSync(path.join(trashDir, 'harbour.jpg'), 'utf8')).toBe('trashed earlier');
    expect(fs.existsSync(path.join(trashDir, 'harbour 2.jpg'))).toBe(false);
  });

  it('should never restore over a file that took the original path', async () => {
    const file = path.join(photos, 'harbour.jpg');
    writePhoto(file, 'the photo');
    const trash = macTrash({ trashItem: finderTrashItem, homeDir: home });
    const moved = await trash.move(await trash.reserve(file));
    fs.writeFileSync(file, 'a new photo');
    const refused = await trash.restore(moved).catch((error: unknown) => error);
    expect(refused).toMatchObject({ message: `Cannot restore ${file}: the original path is taken again` });
    expect(hasErrorCode(refused, 'invalid_input')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('a new photo');
    expect(fs.readFileSync(moved.trashedPath, 'utf8')).toBe('the photo');
  });

  it('should say so when the file is no longer in the Trash', async () => {
    const file = path.join(photos, 'harbour.jpg');
    writePhoto(file, 'the photo');
    const trash = macTrash({ trashItem: finderTrashItem, homeDir: home });
    const moved = await trash.move(await trash.reserve(file));
    fs.rmSync(moved.trashedPath); // emptied
    await expect(trash.restore(moved)).rejects.toThrow(
      `Cannot restore ${file}: it is no longer in the Trash (no harbour.jpg of 9 bytes in ${trashDir})`,
    );
  });

  it('should refuse to move a file that changed after its place was reserved', async () => {
    const file = path.join(photos, 'harbour.jpg');
    writePhoto(file, 'the photo');
    const trash = macTrash({ trashItem: finderTrashItem, homeDir: home });
    const slot = await trash.reserve(file);
    fs.writeFileSync(file, 'edited meanwhile');
    await expect(trash.move(slot)).rejects.toThrow(
      `Cannot move ${file} to the Trash: it changed after its place in the Trash was reserved`,
    );
    expect(fs.existsSync(file)).toBe(true);
  });

  it('should report the move done when the Trash cannot be looked into', async () => {
    const file = path.join(photos, 'harbour.jpg');
    writePhoto(file, 'the photo');
    const logs: string[] = [];
    // Finder moves it into a Trash this process cannot list (as without Full Disk Access).
    const elsewhere = path.join(home, 'hidden');
    fs.mkdirSync(elsewhere);
    const trashItem: TrashItem = (filePath) => {
      fs.renameSync(filePath, path.join(elsewhere, 'harbour.jpg'));
      fs.rmSync(trashDir, { recursive: true });
      fs.writeFileSync(trashDir, ''); // listing it now fails with ENOTDIR
      return Promise.resolve();
    };
    const trash = macTrash({ trashItem, homeDir: home, log: (line) => logs.push(line) });
    const slot = await trash.reserve(file);
    expect(await trash.move(slot)).toEqual(slot);
    expect(logs).toEqual([
      expect.stringMatching(/^moved .*harbour\.jpg to the Trash but cannot look there: .*ENOTDIR.*; undo will look again$/),
    ]);
    await expect(trash.restore(slot)).rejects.toThrow(/macOS did not let Doppel look in the Trash .*use Put Back in Finder/);
  });
});
