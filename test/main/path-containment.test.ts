/** The containment check of the thumbnail protocol and app:// compares real paths on both sides. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPathInside, realPathInside } from '../../src/main/path-containment';
import { tempDir } from '../helpers/cli';

let root: string;

beforeEach(() => {
  root = fs.realpathSync(tempDir('path-containment'));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** A library folder with one thumbnail, and a symlink to the folder elsewhere. */
function linkedLibrary(): { readonly library: string; readonly link: string; readonly thumbnail: string } {
  const library = path.join(root, 'disk', 'library');
  fs.mkdirSync(path.join(library, 'thumbs'), { recursive: true });
  const thumbnail = path.join(library, 'thumbs', 'ab12.webp');
  fs.writeFileSync(thumbnail, 'webp bytes');
  const link = path.join(root, 'home-library');
  fs.symlinkSync(library, link, 'dir');
  return { library, link, thumbnail };
}

describe('isPathInside', () => {
  it('should accept a file below the folder', () => {
    expect(isPathInside('/lib', '/lib/thumbs/ab.webp')).toBe(true);
  });

  it('should refuse the folder itself', () => {
    expect(isPathInside('/lib', '/lib')).toBe(false);
  });

  it('should refuse a sibling whose name starts like the folder', () => {
    expect(isPathInside('/lib', '/lib-other/ab.webp')).toBe(false);
  });

  it('should refuse a path that climbs out', () => {
    expect(isPathInside('/lib', '/lib/../etc/passwd')).toBe(false);
    expect(isPathInside('/lib/thumbs', '/lib')).toBe(false);
  });

  it('should accept a file whose name merely starts with two dots', () => {
    expect(isPathInside('/lib', '/lib/..hidden.webp')).toBe(true);
  });
});

describe('realPathInside', () => {
  it('should serve a thumbnail of a library folder reached through a symlink', async () => {
    const { link, thumbnail } = linkedLibrary();
    expect(await realPathInside(link, thumbnail)).toBe(thumbnail);
  });

  it('should serve a thumbnail named through the symlink when the folder is given by its real path', async () => {
    const { library, link, thumbnail } = linkedLibrary();
    expect(await realPathInside(library, path.join(link, 'thumbs', 'ab12.webp'))).toBe(thumbnail);
  });

  it('should refuse a symlink inside the library that leads out of it', async () => {
    const { library } = linkedLibrary();
    const secret = path.join(root, 'secret.txt');
    fs.writeFileSync(secret, 'not a thumbnail');
    const escape = path.join(library, 'thumbs', 'escape.webp');
    fs.symlinkSync(secret, escape);
    expect(await realPathInside(library, escape)).toBeNull();
  });

  it('should answer null for a file that does not exist', async () => {
    const { library } = linkedLibrary();
    expect(await realPathInside(library, path.join(library, 'thumbs', 'missing.webp'))).toBeNull();
  });

  it('should answer null when the folder does not exist', async () => {
    const { thumbnail } = linkedLibrary();
    expect(await realPathInside(path.join(root, 'gone'), thumbnail)).toBeNull();
  });
});
