/**
 * The trash the CLI and the bridge use (`systemTrashBin`) on macOS and Windows, run on Linux: the
 * platform is passed in and the `trash` package is replaced by a stand-in for the system's part (a
 * rename into a temporary ~/.Trash that, like Finder, adds " 2" when the name is taken, or into a
 * stand-in Recycle Bin). What runs for real is ours: the package loaded and called, the file found
 * again in the Trash, the journal, clean-up and undo.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemTrashBin, type TrashBin } from '../../src/core/trash/trash-bin.js';
import { Doppel } from '../../src/core/doppel.js';
import { trashWithPackage } from '../../src/core/trash/trash-package.js';
import { writePhotoFolder } from '../e2e/support/photo-folder.js';

/** The stand-in's state: whether the package was loaded, how it was called, where it moves files and how it behaves. */
interface StandIn {
  loaded: boolean;
  calls: unknown[][];
  trashDir: string;
  behaviour: 'move' | 'leave in place' | 'fail';
}
const system = vi.hoisted((): StandIn => ({ loaded: false, calls: [], trashDir: '', behaviour: 'move' }));

vi.mock('trash', () => {
  system.loaded = true;
  const trash = (input: string, options?: unknown): Promise<void> => {
    system.calls.push([input, options]);
    if (system.behaviour === 'fail') {
      // What execFile rejects with when the macos-trash helper exits non-zero.
      const error = new Error(`Command failed: /node_modules/trash/lib/macos-trash ${input}`);
      return Promise.reject(Object.assign(error, { stderr: 'You don’t have permission to access it.\n' }));
    }
    if (system.behaviour === 'move') {
      const extension = path.extname(input);
      const stem = path.basename(input, extension);
      for (let number = 1; ; number++) {
        const target = path.join(system.trashDir, number === 1 ? path.basename(input) : `${stem} ${number}${extension}`);
        if (!fs.existsSync(target)) {
          fs.renameSync(input, target);
          break;
        }
      }
    }
    return Promise.resolve();
  };
  return { default: trash };
});

let tempDir: string;
let caseNumber = 0;

/** A fresh home with an empty ~/.Trash (where the stand-in moves files) and a Pictures folder. */
function freshHome(): { home: string; pictures: string } {
  caseNumber += 1;
  const home = path.join(tempDir, `home-${caseNumber}`);
  system.trashDir = path.join(home, '.Trash');
  fs.mkdirSync(system.trashDir, { recursive: true });
  fs.mkdirSync(path.join(home, 'Pictures'));
  return { home, pictures: path.join(home, 'Pictures') };
}

async function openIndexed(name: string, trashBin: TrashBin, photosRoot: string): Promise<Doppel> {
  const doppel = await Doppel.open({ libraryDir: path.join(tempDir, name), withoutSimilarity: true, trashBin });
  await doppel.index([photosRoot]);
  return doppel;
}

beforeAll(async () => {
  tempDir = fs.realpathSync(await mkdtemp(path.join(os.tmpdir(), 'doppel-system-trash-')));
});

beforeEach(() => {
  system.calls = [];
  system.behaviour = 'move';
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('systemTrashBin', () => {
  // First in the file: the stand-in records its loading, and later tests load it.
  it('should use the freedesktop trash on Linux without loading the trash package', async () => {
    const { home, pictures } = freshHome();
    const file = path.join(pictures, 'harbour.jpg');
    fs.writeFileSync(file, 'the photo');
    const bin = systemTrashBin({ platform: 'linux', env: { XDG_DATA_HOME: path.join(home, 'data') } });
    const slot = await bin.reserve(file);
    await bin.move(slot);
    expect(slot.trashedPath).toBe(path.join(home, 'data', 'Trash', 'files', 'harbour.jpg'));
    await bin.restore(slot);
    expect(fs.readFileSync(file, 'utf8')).toBe('the photo');
    expect(system.loaded).toBe(false);
  });

  it('should clean through the trash package on macOS and undo byte for byte from where the file went', async () => {
    const { home, pictures } = freshHome();
    const photos = await writePhotoFolder(pictures);
    fs.writeFileSync(path.join(system.trashDir, 'harbour-copy.jpg'), 'trashed last week'); // the copy gets " 2"
    const copyBytes = fs.readFileSync(photos.byteCopy);
    const doppel = await openIndexed('library-darwin', systemTrashBin({ platform: 'darwin', homeDir: home }), photos.root);
    try {
      const report = await doppel.clean({ kind: 'exact' });
      expect(report.trashed.map((copy) => copy.path)).toEqual([photos.byteCopy]);
      expect(system.calls).toEqual([[photos.byteCopy, { glob: false }]]);
      const renamed = path.join(system.trashDir, 'harbour-copy 2.jpg');
      expect(fs.readFileSync(renamed)).toEqual(copyBytes);

      const undo = await doppel.undo();
      expect(undo).toEqual({ operation: report.operation, restored: [{ path: photos.byteCopy }], failed: [] });
      expect(fs.readFileSync(photos.byteCopy)).toEqual(copyBytes);
      expect(fs.existsSync(renamed)).toBe(false);
      expect(fs.readFileSync(path.join(system.trashDir, 'harbour-copy.jpg'), 'utf8')).toBe('trashed last week');
    } finally {
      await doppel.close();
    }
  });

  it('should clean through the trash package on Windows, and refuse undo with where to restore by hand', async () => {
    const { pictures } = freshHome(); // its .Trash plays the Recycle Bin
    const photos = await writePhotoFolder(pictures);
    const doppel = await openIndexed('library-win32', systemTrashBin({ platform: 'win32' }), photos.root);
    try {
      const report = await doppel.clean({ kind: 'exact' });
      expect(report.trashed.map((copy) => copy.path)).toEqual([photos.byteCopy]);
      expect(system.calls).toEqual([[photos.byteCopy, { glob: false }]]);
      expect(fs.existsSync(path.join(system.trashDir, 'harbour-copy.jpg'))).toBe(true);

      const undo = await doppel.undo();
      expect(undo.restored).toEqual([]);
      expect(undo.failed).toEqual([
        {
          path: photos.byteCopy,
          reason: `Cannot restore ${photos.byteCopy}: Doppel cannot take files back out of the Windows Recycle Bin; restore it from the Recycle Bin`,
        },
      ]);
      expect(fs.existsSync(photos.byteCopy)).toBe(false);
    } finally {
      await doppel.close();
    }
  });

  it('should move with the trashItem it is given instead of the package', async () => {
    const { home, pictures } = freshHome();
    const file = path.join(pictures, 'harbour.jpg');
    fs.writeFileSync(file, 'the photo');
    const moved: string[] = [];
    const trashItem = (filePath: string): Promise<void> => {
      moved.push(filePath);
      fs.renameSync(filePath, path.join(system.trashDir, 'harbour.jpg'));
      return Promise.resolve();
    };
    const bin = systemTrashBin({ platform: 'darwin', homeDir: home, trashItem });
    expect(await bin.move(await bin.reserve(file))).toMatchObject({ trashedPath: path.join(system.trashDir, 'harbour.jpg') });
    expect(moved).toEqual([file]);
    expect(system.calls).toEqual([]);
  });

  it("should say what the system's helper printed when the move fails", async () => {
    const { home, pictures } = freshHome();
    const file = path.join(pictures, 'harbour.jpg');
    fs.writeFileSync(file, 'the photo');
    system.behaviour = 'fail';
    const bin = systemTrashBin({ platform: 'darwin', homeDir: home });
    await expect(bin.move(await bin.reserve(file))).rejects.toThrow(
      `Cannot move ${file} to the Trash: You don’t have permission to access it.`,
    );
    expect(fs.existsSync(file)).toBe(true);
  });
});

describe('trashWithPackage', () => {
  it('should pass a name with glob characters as a name, not a pattern', async () => {
    const { pictures } = freshHome();
    const file = path.join(pictures, 'harbour [1] *.jpg');
    fs.writeFileSync(file, 'the photo');
    await trashWithPackage(file);
    expect(system.calls).toEqual([[file, { glob: false }]]);
    expect(fs.readFileSync(path.join(system.trashDir, 'harbour [1] *.jpg'), 'utf8')).toBe('the photo');
  });

  it('should fail when the system trash answers success but leaves the file in place', async () => {
    const { pictures } = freshHome();
    const file = path.join(pictures, 'harbour.jpg');
    fs.writeFileSync(file, 'the photo');
    system.behaviour = 'leave in place';
    await expect(trashWithPackage(file)).rejects.toThrow('the system trash answered success but left the file where it was');
  });

  it('should fail for a file that is not there instead of skipping it as the package does', async () => {
    const { pictures } = freshHome();
    await expect(trashWithPackage(path.join(pictures, 'gone.jpg'))).rejects.toThrow('no such file');
    expect(system.calls).toEqual([]);
  });
});
