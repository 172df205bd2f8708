/**
 * The best-shot measure: sharper pictures of one scene score higher, blown highlights count as
 * clipped, and every content indexed carries both (no thumbnail read when shots are listed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { pictureQuality } from '../../src/core/media/picture-quality';
import { drawScene, sharpOf } from '../fixtures/scene';

async function grayOf(image: sharp.Sharp): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await image.resize(256).grayscale().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

describe('pictureQuality', () => {
  it('should find the sharp picture sharper than its blurred frame, and the blown one clipped', async () => {
    const scene = await sharpOf(await drawScene(4, 1024, 768))
      .png()
      .toBuffer();
    const measure = async (image: sharp.Sharp): Promise<ReturnType<typeof pictureQuality>> => {
      const gray = await grayOf(image);
      return pictureQuality(gray.data, gray.width, gray.height);
    };
    const crisp = await measure(sharp(scene));
    const soft = await measure(sharp(scene).blur(3));
    const blown = await measure(sharp(scene).linear(2.2, 40));
    expect(crisp.sharpness).toBeGreaterThan(soft.sharpness * 2);
    expect(blown.clipped).toBeGreaterThan(crisp.clipped + 0.05);
  });
});

describe('indexing', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-quality-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should keep each content sharpness and exposure, the sharper frame scoring higher', async () => {
    const photos = path.join(dir, 'photos');
    fs.mkdirSync(photos);
    const scene = await sharpOf(await drawScene(6, 1024, 768))
      .png()
      .toBuffer();
    await sharp(scene).jpeg({ quality: 92 }).toFile(path.join(photos, 'crisp.jpg'));
    await sharp(scene).blur(2.5).jpeg({ quality: 92 }).toFile(path.join(photos, 'soft.jpg'));
    const doppel = await Doppel.open({ libraryDir: path.join(dir, 'library') });
    try {
      await doppel.index([photos]);
    } finally {
      await doppel.close();
    }
    const db = new Database(path.join(dir, 'library', 'library.db'), { readonly: true });
    try {
      const rows = db
        .prepare<[], { path: string; sharpness: number | null; clipped: number | null }>(
          'SELECT f.path, c.sharpness, c.clipped FROM files f JOIN contents c ON c.hash = f.content_hash ORDER BY f.path',
        )
        .all();
      expect(rows.map((row) => path.basename(row.path))).toEqual(['crisp.jpg', 'soft.jpg']);
      const [crisp, soft] = rows;
      expect(crisp?.clipped).toBeTypeOf('number');
      expect(crisp?.sharpness ?? 0).toBeGreaterThan((soft?.sharpness ?? Infinity) * 2);
    } finally {
      db.close();
    }
  });
});
