/** "Show in folder" reveals only an existing file the page names by its absolute, normalised path. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { revealableFile } from '../../src/main/show-in-folder';
import { tempDir } from '../helpers/cli';

let root: string;
let photo: string;

beforeEach(() => {
  root = fs.realpathSync(tempDir('show-in-folder'));
  photo = path.join(root, 'photos', 'a.jpg');
  fs.mkdirSync(path.dirname(photo));
  fs.writeFileSync(photo, 'jpeg bytes');
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('revealableFile', () => {
  it('should pass an existing file named by its absolute path', async () => {
    expect(await revealableFile(photo)).toEqual({ ok: true, path: photo });
  });

  it('should refuse a relative path', async () => {
    expect(await revealableFile('photos/a.jpg')).toEqual({ ok: false, reason: 'Cannot show photos/a.jpg: not an absolute path' });
  });

  it('should refuse a path with `..` in it, even one that leads to a file', async () => {
    const roundabout = `${path.join(root, 'photos')}${path.sep}..${path.sep}photos${path.sep}a.jpg`;
    expect(await revealableFile(roundabout)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a normalised path') as string,
    });
  });

  it('should refuse a folder', async () => {
    expect(await revealableFile(path.dirname(photo))).toMatchObject({ ok: false, reason: expect.stringContaining('not a file') as string });
  });

  it('should refuse a missing file, saying why', async () => {
    const missing = path.join(root, 'photos', 'gone.jpg');
    expect(await revealableFile(missing)).toMatchObject({
      ok: false,
      reason: expect.stringContaining(`Cannot show ${missing}: cannot read it`) as string,
    });
  });

  it('should refuse anything but a non-empty string', async () => {
    for (const input of [undefined, null, 42, '', ['/a.jpg'], { path: photo }]) {
      expect(await revealableFile(input)).toEqual({ ok: false, reason: 'Cannot show a file: no path given' });
    }
  });

  it('should refuse a path holding a NUL character', async () => {
    expect(await revealableFile(`${photo}\0.txt`)).toMatchObject({ ok: false, reason: expect.stringContaining('NUL') as string });
  });
});
