import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planIndex } from '../../src/core/indexing/index-plan';
import type { ScannedFile } from '../../src/core/scan/scanner';
import type { StoredFile } from '../../src/core/store/photo.repository';

const root = path.resolve('/photos');
const at = (name: string): string => path.join(root, name);

function scanned(name: string, size = 100, mtimeMs = 1): ScannedFile {
  return { rootPath: root, path: at(name), size, mtimeMs, dev: 1, ino: 1 };
}

function stored(id: number, name: string, size = 100, mtimeMs = 1): [string, StoredFile] {
  return [at(name), { id, path: at(name), size, mtimeMs, contentHash: 'c', status: 'ok' }];
}

describe('index plan', () => {
  it('should skip a file only when its size and modification time are unchanged', () => {
    const library = new Map([stored(1, 'same.jpg'), stored(2, 'resized.jpg', 50), stored(3, 'touched.jpg', 100, 2)]);
    const plan = planIndex(library, [scanned('same.jpg'), scanned('resized.jpg'), scanned('touched.jpg'), scanned('new.jpg')], []);
    expect(plan.unchanged.map((file) => file.id)).toEqual([1]);
    expect(plan.work.map((file) => path.basename(file.path))).toEqual(['resized.jpg', 'touched.jpg', 'new.jpg']);
    expect(plan.removedIds).toEqual([]);
  });

  it('should remove files the scan did not find', () => {
    const plan = planIndex(new Map([stored(1, 'kept.jpg'), stored(2, 'deleted.jpg')]), [scanned('kept.jpg')], []);
    expect(plan.removedIds).toEqual([2]);
  });

  it('should keep the files of a folder it could not list', () => {
    const library = new Map([stored(1, path.join('locked', 'a.jpg')), stored(2, path.join('locked-not', 'b.jpg'))]);
    const plan = planIndex(library, [], [at('locked')]);
    expect(plan.removedIds).toEqual([2]);
  });
});
