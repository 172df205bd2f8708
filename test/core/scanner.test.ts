import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanRoots } from '../../src/core/scan/scanner';
import { imageKindOf } from '../../src/core/scan/image-types';

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-scan-'));
  dirs.push(root);
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content);
  }
  return root;
}
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const names = (root: string, files: { path: string }[]) => files.map((f) => path.relative(root, f.path)).sort();

describe('scanRoots', () => {
  it('should list photos recursively by extension and ignore other files', async () => {
    const root = tree({ 'a.jpg': 'x', 'b.PNG': 'x', 'deep/er/c.heic': 'x', 'd.cr2': 'x', 'notes.txt': 'x', 'e.jpg.part': 'x' });
    const result = await scanRoots([{ path: root, excludes: [] }]);
    expect(names(root, result.files)).toEqual(['a.jpg', 'b.PNG', 'd.cr2', path.join('deep', 'er', 'c.heic')]);
    expect(result.files.find((f) => f.path.endsWith('a.jpg'))?.size).toBe(1);
  });

  it('should skip hidden folders and files', async () => {
    const root = tree({ '.hidden/a.jpg': 'x', '.b.jpg': 'x', 'c.jpg': 'x' });
    expect(names(root, (await scanRoots([{ path: root, excludes: [] }])).files)).toEqual(['c.jpg']);
  });

  it('should skip the library folder itself', async () => {
    const root = tree({ 'Library/thumbs/a.jpg': 'x', 'b.jpg': 'x' });
    const result = await scanRoots([{ path: root, excludes: [] }], { skipDirs: [path.join(root, 'Library')] });
    expect(names(root, result.files)).toEqual(['b.jpg']);
  });

  it('should apply exclude patterns relative to the root', async () => {
    const root = tree({ 'keep/a.jpg': 'x', 'Thumbs/b.jpg': 'x', 'keep/c.tmp.jpg': 'x' });
    const result = await scanRoots([{ path: root, excludes: ['Thumbs/**', '**/*.tmp.jpg'] }]);
    expect(names(root, result.files)).toEqual([path.join('keep', 'a.jpg')]);
  });

  it('should survive a symlink loop and list each file once', async () => {
    const root = tree({ 'sub/a.jpg': 'x' });
    fs.symlinkSync('..', path.join(root, 'sub', 'loop'));
    fs.symlinkSync(path.join(root, 'sub'), path.join(root, 'alias'));
    const result = await scanRoots([{ path: root, excludes: [] }]);
    expect(result.files).toHaveLength(1);
  });

  it('should list a folder reached both directly and through a shortcut by its own path, whichever sorts first', async () => {
    const root = tree({ 'Z-reference/a.jpg': 'x', 'Z-reference/inner/b.jpg': 'y' });
    fs.symlinkSync('Z-reference', path.join(root, 'A-shortcut'));
    const other = tree({ 'c.jpg': 'z' });
    fs.symlinkSync(path.join(root, 'Z-reference'), path.join(other, 'A-link'));
    const result = await scanRoots([
      { path: other, excludes: [] },
      { path: root, excludes: [] },
    ]);
    expect(
      names(
        root,
        result.files.filter((file) => file.rootPath === root),
      ),
    ).toEqual([path.join('Z-reference', 'a.jpg'), path.join('Z-reference', 'inner', 'b.jpg')]);
    expect(
      names(
        other,
        result.files.filter((file) => file.rootPath === other),
      ),
    ).toEqual(['c.jpg']);
  });

  it('should report an unreadable folder and carry on', async () => {
    const root = tree({ 'ok/a.jpg': 'x', 'locked/b.jpg': 'x' });
    fs.chmodSync(path.join(root, 'locked'), 0o000);
    try {
      const result = await scanRoots([{ path: root, excludes: [] }]);
      expect(names(root, result.files)).toContain(path.join('ok', 'a.jpg'));
      if (process.getuid?.() !== 0) {
        // (root can list any folder, so only a normal user sees the folder as unreadable)
        expect(result.unreadableDirs).toEqual([path.join(root, 'locked')]);
        expect(result.problems[0]?.reason).toMatch(/Cannot list folder/);
      }
    } finally {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
    }
  });

  it('should stop when cancelled', async () => {
    const root = tree({ 'a.jpg': 'x' });
    const controller = new AbortController();
    controller.abort();
    await expect(scanRoots([{ path: root, excludes: [] }], { signal: controller.signal })).rejects.toThrow();
  });
});

describe('imageKindOf', () => {
  it('should classify by extension, case-insensitively', () => {
    expect(imageKindOf('/a/B.JPEG')).toBe('image');
    expect(imageKindOf('/a/b.heif')).toBe('image');
    expect(imageKindOf('/a/b.NEF')).toBe('raw');
    expect(imageKindOf('/a/b.txt')).toBeNull();
    expect(imageKindOf('/a.jpg/b')).toBeNull();
  });
});

describe('scanRoots with names that are not valid UTF-8', () => {
  // Linux allows any bytes in a name; "f\xff.jpg" has no string form Node can open it by.
  const badName = (suffix: string) => Buffer.from([0x66, 0xff, ...Buffer.from(suffix)]);
  const inRoot = (root: string, name: Buffer) => Buffer.concat([Buffer.from(root + path.sep), name]);

  it('should report a photo whose name is not valid UTF-8 instead of skipping it silently', async () => {
    const root = tree({ 'good.jpg': 'x' });
    fs.writeFileSync(inRoot(root, badName('.jpg')), 'x');
    fs.writeFileSync(inRoot(root, badName('.txt')), 'x'); // not a photo: ignored as any other non-photo
    const result = await scanRoots([{ path: root, excludes: [] }]);
    expect(names(root, result.files)).toEqual(['good.jpg']);
    expect(result.problems).toEqual([
      { path: path.join(root, 'f\uFFFD.jpg'), reason: expect.stringMatching(/file name is not valid UTF-8.*rename it/) as string },
    ]);
  });

  it('should report a folder whose name is not valid UTF-8 and not enter it', async () => {
    const root = tree({ 'good.jpg': 'x' });
    const folder = inRoot(root, badName(' trip'));
    fs.mkdirSync(folder);
    fs.writeFileSync(Buffer.concat([folder, Buffer.from('/inside.jpg')]), 'x');
    const result = await scanRoots([{ path: root, excludes: [] }]);
    expect(names(root, result.files)).toEqual(['good.jpg']);
    expect(result.problems).toEqual([
      { path: path.join(root, 'f\uFFFD trip'), reason: expect.stringMatching(/folder name is not valid UTF-8/) as string },
    ]);
    expect(result.unreadableDirs).toEqual([]);
  });
});
