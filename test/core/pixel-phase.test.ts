import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { writeScene } from '../fixtures';
import { tempDir } from '../helpers/cli';

let work: string;

beforeEach(() => {
  work = tempDir('pixel-phase');
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

it('should save pixel hashes as it goes, so a run killed in the pixel phase keeps most of its work', async () => {
  const photos = path.join(work, 'photos');
  fs.mkdirSync(photos);
  // 20 JPEGs and a lossless PNG of each: 40 contents whose signatures collide, each needing a pixel hash.
  for (let i = 0; i < 20; i++) {
    const jpeg = path.join(photos, `scene ${i}.jpg`);
    await writeScene(jpeg, 700 + i, { width: 160, height: 120 });
    await sharp(jpeg)
      .png()
      .toFile(path.join(photos, `scene ${i}.png`));
  }
  const libraryDir = path.join(work, 'library');
  const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
  const savedWhile: number[] = [];
  const reader = (): number => {
    const db = new Database(path.join(libraryDir, 'library.db'), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM contents WHERE pixel_hash IS NOT NULL').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  await doppel.index([photos], {
    progressIntervalMs: 0,
    onProgress: (progress) => {
      // Another connection sees what is committed: before the phase ends, most hashes already are.
      if (progress.phase === 'pixel' && progress.done === 36) savedWhile.push(reader());
    },
  });
  await doppel.close();
  expect(savedWhile).toHaveLength(1);
  expect(savedWhile[0]).toBeGreaterThanOrEqual(32);
  expect(reader()).toBe(40);
  expect((await pixelGroups(libraryDir)).length).toBe(20);
});

async function pixelGroups(libraryDir: string): Promise<readonly unknown[]> {
  const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
  try {
    return (await doppel.duplicates({ kind: 'pixel' })).groups;
  } finally {
    await doppel.close();
  }
}
