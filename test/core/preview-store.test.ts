import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreviewStore } from '../../src/core/store/preview.store';
import { tempDir } from '../helpers/cli';

let libraryDir: string;

beforeEach(() => {
  libraryDir = tempDir('preview-store');
});

afterEach(() => {
  fs.rmSync(libraryDir, { recursive: true, force: true });
});

/** Sets when a cached preview was last used (the store goes by mtime). */
function usedSecondsAgo(file: string, seconds: number): void {
  const when = new Date(Date.now() - seconds * 1000);
  fs.utimesSync(file, when, when);
}

describe('preview store', () => {
  it('should write previews atomically under previews/, named by content hash', async () => {
    const store = new PreviewStore(libraryDir);
    const file = await store.write('ab12', Buffer.from('jpeg bytes'));
    expect(file).toBe(path.join(libraryDir, 'previews', 'ab12.jpg'));
    expect(fs.readdirSync(path.join(libraryDir, 'previews'))).toEqual(['ab12.jpg']);
    expect(await store.find('ab12')).toBe(file);
    expect(await store.find('cd34')).toBeNull();
  });

  it('should evict the least recently used previews once the cache grows past its bound', async () => {
    const store = new PreviewStore(libraryDir, { maxBytes: 3000 });
    const kilobyte = Buffer.alloc(1000);
    const [a, b, c] = [await store.write('a', kilobyte), await store.write('b', kilobyte), await store.write('c', kilobyte)];
    usedSecondsAgo(a, 30);
    usedSecondsAgo(b, 20);
    usedSecondsAgo(c, 10);
    expect(await store.find('a')).toBe(a); // used again: now the most recent
    await store.write('d', kilobyte);
    expect(fs.readdirSync(path.join(libraryDir, 'previews')).sort()).toEqual(['a.jpg', 'c.jpg', 'd.jpg']);
  });

  it('should keep a new preview even when it alone is over the bound', async () => {
    const store = new PreviewStore(libraryDir, { maxBytes: 10 });
    const file = await store.write('big', Buffer.alloc(100));
    expect(fs.existsSync(file)).toBe(true);
  });
});
