/**
 * Protected (reference) folders hold whichever way a path reaches them: clean-up checks each copy's
 * real path against each folder as given and as it resolves, and the review gets every form.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Protection } from '../../src/core/cleanup/file-checks';
import { pathForms } from '../../src/core/library-paths';

let work: string;
const at = (relative: string) => path.join(work, relative);

beforeAll(() => {
  work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-protection-')));
  fs.mkdirSync(at('data/Pictures/Originals'), { recursive: true });
  fs.mkdirSync(at('data/Pictures/Other'), { recursive: true });
  fs.symlinkSync(at('data/Pictures'), at('Pictures')); // ~/Pictures -> /data/Pictures
  fs.symlinkSync('Originals', at('data/Pictures/Shortcut'));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('Protection', () => {
  it('should cover a copy reached through a symlinked root when the folder is named by its real path', async () => {
    const protection = await Protection.of([at('data/Pictures/Originals')]);
    expect(protection.covers(at('Pictures/Originals/a.jpg'))).toBe(false); // the path alone does not tell
    expect(protection.covers(at('Pictures/Originals/a.jpg'), at('data/Pictures/Originals/a.jpg'))).toBe(true);
    expect(protection.covers(at('Pictures/Other/a.jpg'), at('data/Pictures/Other/a.jpg'))).toBe(false);
  });

  it('should cover a copy by its real path when the folder is named through a symlink', async () => {
    const protection = await Protection.of([at('Pictures/Shortcut')]);
    expect(protection.covers(at('data/Pictures/Originals/a.jpg'), at('data/Pictures/Originals/a.jpg'))).toBe(true);
    expect(protection.covers(at('Pictures/Shortcut/a.jpg'))).toBe(true);
  });

  it('should still cover a folder that does not exist (yet), as given', async () => {
    const protection = await Protection.of([at('gone')]);
    expect(protection.covers(at('gone/a.jpg'))).toBe(true);
  });
});

describe('pathForms', () => {
  it('should give a folder as named, as resolved and under each symlinked root that leads to it', () => {
    expect(pathForms([at('data/Pictures/Originals')], [at('Pictures')]).sort()).toEqual(
      [at('data/Pictures/Originals'), at('Pictures/Originals')].sort(),
    );
    expect(pathForms([at('Pictures/Shortcut')], [at('Pictures')]).sort()).toEqual(
      [at('Pictures/Shortcut'), at('data/Pictures/Originals'), at('Pictures/Originals')].sort(),
    );
  });
});
