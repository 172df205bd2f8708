/**
 * Forgetting the saved near pairs (src/core/store/near-pair.store.ts): only the pair files of the
 * library folder go, never anything else in it or outside it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { forgetNearPairs, nearPairsFile } from '../../src/core/store/near-pair.store';

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it("should remove every model's saved pairs from the library folder and nothing else", () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-forget-pairs-'));
  const library = path.join(dir, 'library');
  fs.mkdirSync(path.join(library, 'thumbs'), { recursive: true });
  const pairs = [nearPairsFile(library, 'mobilenet-v3-small-075'), nearPairsFile(library, null)];
  const kept = [
    path.join(library, 'library.db'),
    path.join(library, 'vectors-mobilenet-v3-small-075.faiss'),
    path.join(library, 'photo.near-pairs.jpg'),
    path.join(library, 'thumbs', 'vectors-x.near-pairs'),
    path.join(dir, 'vectors-beside-the-library.near-pairs'),
  ];
  for (const file of [...pairs, ...kept]) fs.writeFileSync(file, 'x');
  forgetNearPairs(library);
  expect(pairs.filter((file) => fs.existsSync(file))).toEqual([]);
  expect(kept.filter((file) => fs.existsSync(file))).toEqual(kept);
});

it('should do nothing for a library folder that is not there', () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-forget-pairs-'));
  expect(() => forgetNearPairs(path.join(dir, 'gone'))).not.toThrow();
});
