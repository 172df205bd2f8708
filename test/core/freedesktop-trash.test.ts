import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chooseTrashDirs,
  moveToTrash,
  readTrashInfo,
  releaseTrashSlot,
  reserveTrashSlot,
  restoreFile,
  trashFile,
} from '../../src/core/trash/freedesktop-trash';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A temp folder with photos, a home and an XDG data home, all on the temp folder's filesystem. */
function sandbox(files: Record<string, string>) {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-trash-')));
  dirs.push(root);
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, 'photos', relative)), { recursive: true });
    fs.writeFileSync(path.join(root, 'photos', relative), content);
  }
  const env = { ...process.env, XDG_DATA_HOME: path.join(root, 'data'), HOME: path.join(root, 'home') };
  return { photo: (relative: string) => path.join(root, 'photos', relative), trash: path.join(root, 'data', 'Trash'), env };
}

describe('trashFile', () => {
  it('should move the file byte for byte into the home trash and record its percent-encoded absolute path', async () => {
    const { photo, trash, env } = sandbox({ 'Été 2024/photo #1.jpg': '\u00ffbytes' });
    const original = photo('Été 2024/photo #1.jpg');
    const bytes = fs.readFileSync(original);

    const item = await trashFile(original, { env, now: new Date(2024, 6, 14, 9, 5, 3) });

    expect(item).toEqual({
      originalPath: original,
      trashedPath: path.join(trash, 'files', 'photo #1.jpg'),
      infoPath: path.join(trash, 'info', 'photo #1.jpg.trashinfo'),
    });
    expect(fs.existsSync(original)).toBe(false);
    expect(fs.readFileSync(item.trashedPath)).toEqual(bytes);
    const text = fs.readFileSync(item.infoPath, 'utf8');
    expect(text).toMatch(/^\[Trash Info\]\nPath=\/\S+\/%C3%89t%C3%A9%202024\/photo%20%231\.jpg\nDeletionDate=2024-07-14T09:05:03\n$/);
    expect(await readTrashInfo(item.infoPath)).toEqual({ originalPath: original, deletionDate: new Date(2024, 6, 14, 9, 5, 3) });
  });

  it('should give two files with the same name distinct trash names and restore each to its own path', async () => {
    const { photo, trash, env } = sandbox({ 'a/IMG_0001.jpg': 'first', 'b/IMG_0001.jpg': 'second' });

    const first = await trashFile(photo('a/IMG_0001.jpg'), { env });
    const second = await trashFile(photo('b/IMG_0001.jpg'), { env });

    expect(first.trashedPath).toBe(path.join(trash, 'files', 'IMG_0001.jpg'));
    expect(second.trashedPath).toBe(path.join(trash, 'files', 'IMG_0001.2.jpg'));
    expect((await readTrashInfo(second.infoPath)).originalPath).toBe(photo('b/IMG_0001.jpg'));
    await restoreFile(second);
    await restoreFile(first);
    expect(fs.readFileSync(photo('a/IMG_0001.jpg'), 'utf8')).toBe('first');
    expect(fs.readFileSync(photo('b/IMG_0001.jpg'), 'utf8')).toBe('second');
    expect(fs.readdirSync(path.join(trash, 'files'))).toEqual([]);
    expect(fs.readdirSync(path.join(trash, 'info'))).toEqual([]);
  });

  it('should skip a name whose files/ entry exists without an info file', async () => {
    const { photo, trash, env } = sandbox({ 'a.jpg': 'mine' });
    fs.mkdirSync(path.join(trash, 'files'), { recursive: true });
    fs.writeFileSync(path.join(trash, 'files', 'a.jpg'), 'orphan');

    const item = await trashFile(photo('a.jpg'), { env });

    expect(item.trashedPath).toBe(path.join(trash, 'files', 'a.2.jpg'));
    expect(fs.readFileSync(path.join(trash, 'files', 'a.jpg'), 'utf8')).toBe('orphan');
    expect(fs.readdirSync(path.join(trash, 'info'))).toEqual(['a.2.jpg.trashinfo']);
  });

  it('should refuse a symlink and a folder and move nothing', async () => {
    const { photo, trash, env } = sandbox({ 'album/a.jpg': 'x' });
    fs.symlinkSync(photo('album/a.jpg'), photo('link.jpg'));

    await expect(trashFile(photo('link.jpg'), { env })).rejects.toMatchObject({
      code: 'invalid_input',
      message: `Cannot move ${photo('link.jpg')} to the trash: not a regular file (folders and symlinks are refused)`,
    });
    await expect(trashFile(photo('album'), { env })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(fs.lstatSync(photo('link.jpg')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(photo('album/a.jpg'), 'utf8')).toBe('x');
    expect(fs.existsSync(trash)).toBe(false);
  });

  it('should refuse a file that does not exist', async () => {
    const { photo, env } = sandbox({});
    await expect(trashFile(photo('gone.jpg'), { env })).rejects.toMatchObject({
      code: 'invalid_input',
      message: `Cannot move ${photo('gone.jpg')} to the trash: no such file`,
    });
  });
});

describe('reserveTrashSlot, moveToTrash and releaseTrashSlot', () => {
  it('should claim the trash name with its info file and move nothing until moveToTrash', async () => {
    const { photo, trash, env } = sandbox({ 'a.jpg': 'x' });

    const slot = await reserveTrashSlot(photo('a.jpg'), { env });

    expect(fs.readFileSync(photo('a.jpg'), 'utf8')).toBe('x');
    expect(fs.readdirSync(path.join(trash, 'info'))).toEqual(['a.jpg.trashinfo']);
    expect(fs.readdirSync(path.join(trash, 'files'))).toEqual([]);
    await moveToTrash(slot);
    expect(fs.readFileSync(slot.trashedPath, 'utf8')).toBe('x');
    expect(fs.existsSync(photo('a.jpg'))).toBe(false);
  });

  it('should give a released slot back so the next file takes its name, and refuse to move into it', async () => {
    const { photo, trash, env } = sandbox({ 'a.jpg': 'x' });
    const slot = await reserveTrashSlot(photo('a.jpg'), { env });

    await releaseTrashSlot(slot);

    expect(fs.readdirSync(path.join(trash, 'info'))).toEqual([]);
    await expect(moveToTrash(slot)).rejects.toMatchObject({ code: 'internal' });
    expect(fs.readFileSync(photo('a.jpg'), 'utf8')).toBe('x');
    expect((await reserveTrashSlot(photo('a.jpg'), { env })).infoPath).toBe(slot.infoPath);
  });

  it('should refuse to release a slot whose file is in the trash', async () => {
    const { photo, env } = sandbox({ 'a.jpg': 'x' });
    const item = await trashFile(photo('a.jpg'), { env });

    await expect(releaseTrashSlot(item)).rejects.toMatchObject({ code: 'internal' });
    expect(fs.existsSync(item.infoPath)).toBe(true);
  });

  it('should never move over something that took the slot in the trash', async () => {
    const { photo, env } = sandbox({ 'a.jpg': 'mine' });
    const slot = await reserveTrashSlot(photo('a.jpg'), { env });
    fs.writeFileSync(slot.trashedPath, 'already trashed');

    await expect(moveToTrash(slot)).rejects.toMatchObject({
      code: 'internal',
      message: `Cannot move ${photo('a.jpg')} to the trash: ${slot.trashedPath} is taken in the trash`,
    });
    expect(fs.readFileSync(slot.trashedPath, 'utf8')).toBe('already trashed');
    expect(fs.readFileSync(photo('a.jpg'), 'utf8')).toBe('mine');
  });
});

describe('restoreFile', () => {
  it('should refuse when the original path is taken again and leave both files untouched', async () => {
    const { photo, env } = sandbox({ 'a.jpg': 'trashed' });
    const item = await trashFile(photo('a.jpg'), { env });
    fs.writeFileSync(photo('a.jpg'), 'newcomer');

    await expect(restoreFile(item)).rejects.toMatchObject({
      code: 'invalid_input',
      message: `Cannot restore ${photo('a.jpg')}: the original path is taken again`,
    });
    expect(fs.readFileSync(photo('a.jpg'), 'utf8')).toBe('newcomer');
    expect(fs.readFileSync(item.trashedPath, 'utf8')).toBe('trashed');
    expect(fs.existsSync(item.infoPath)).toBe(true);
  });

  it('should re-create a removed parent folder', async () => {
    const { photo, env } = sandbox({ 'deep/er/a.jpg': 'x' });
    const item = await trashFile(photo('deep/er/a.jpg'), { env });
    fs.rmSync(photo('deep'), { recursive: true });

    await restoreFile(item);

    expect(fs.readFileSync(photo('deep/er/a.jpg'), 'utf8')).toBe('x');
    expect(fs.existsSync(item.trashedPath)).toBe(false);
    expect(fs.existsSync(item.infoPath)).toBe(false);
  });

  it('should say the file is no longer in the trash when it was removed from there', async () => {
    const { photo, env } = sandbox({ 'a.jpg': 'x' });
    const item = await trashFile(photo('a.jpg'), { env });
    fs.rmSync(item.trashedPath);

    await expect(restoreFile(item)).rejects.toMatchObject({
      code: 'internal',
      message: `Cannot restore ${photo('a.jpg')}: it is no longer in the trash (${item.trashedPath} is gone)`,
    });
    expect(fs.existsSync(photo('a.jpg'))).toBe(false);
  });

  it('should refuse an item whose trash info records another path', async () => {
    const { photo, env } = sandbox({ 'a.jpg': 'x' });
    const item = await trashFile(photo('a.jpg'), { env });

    await expect(restoreFile({ ...item, originalPath: photo('elsewhere.jpg') })).rejects.toMatchObject({ code: 'internal' });
    expect(fs.existsSync(photo('elsewhere.jpg'))).toBe(false);
    expect(fs.existsSync(item.trashedPath)).toBe(true);
  });
});

describe('chooseTrashDirs', () => {
  const homeTrash = '/home/ann/.local/share/Trash';
  const folder = { isDirectory: () => true, isSymbolicLink: () => false, mode: 0o40777 };
  const base = { homeTrash, homeTrashDev: 1, fileDev: 2, topdir: '/media/usb', uid: 1000 };

  it('should use the home trash for a file on the home trash device', () => {
    expect(chooseTrashDirs({ ...base, fileDev: 1, sharedTrash: { ...folder, mode: 0o41777 } })).toEqual([{ root: homeTrash }]);
  });

  it('should prefer $topdir/.Trash/$uid when .Trash is a sticky folder, then $topdir/.Trash-$uid', () => {
    expect(chooseTrashDirs({ ...base, sharedTrash: { ...folder, mode: 0o41777 } })).toEqual([
      { root: '/media/usb/.Trash/1000', topdir: '/media/usb' },
      { root: '/media/usb/.Trash-1000', topdir: '/media/usb' },
    ]);
  });

  it('should use only $topdir/.Trash-$uid when .Trash is missing, not sticky, a symlink or a file', () => {
    const perUser = [{ root: '/media/usb/.Trash-1000', topdir: '/media/usb' }];
    expect(chooseTrashDirs({ ...base, sharedTrash: undefined })).toEqual(perUser);
    expect(chooseTrashDirs({ ...base, sharedTrash: folder })).toEqual(perUser);
    expect(chooseTrashDirs({ ...base, sharedTrash: { ...folder, isSymbolicLink: () => true, mode: 0o121777 } })).toEqual(perUser);
    expect(chooseTrashDirs({ ...base, sharedTrash: { ...folder, isDirectory: () => false, mode: 0o101777 } })).toEqual(perUser);
  });
});

describe('readTrashInfo', () => {
  it('should resolve a relative Path against the topdir of a top-directory trash', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-trashinfo-'));
    dirs.push(root);
    const info = path.join(root, '.Trash-1000', 'info', 'a.jpg.trashinfo');
    fs.mkdirSync(path.dirname(info), { recursive: true });
    fs.writeFileSync(info, '[Trash Info]\nPath=DCIM/%E5%86%99%E7%9C%9F%20a.jpg\nDeletionDate=2004-08-31T22:32:08\n');

    expect(await readTrashInfo(info)).toEqual({
      originalPath: path.join(root, 'DCIM', '写真 a.jpg'),
      deletionDate: new Date(2004, 7, 31, 22, 32, 8),
    });
  });
});
