import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import type { IndexProgress } from '../../src/shared/types';
import { buildLibrary, writeScene } from '../fixtures';
import { tempDir } from '../helpers/cli';
import { defined } from '../helpers/defined';

let work: string;
let photos: string;
let doppel: Doppel;

beforeEach(async () => {
  work = tempDir('incremental');
  photos = path.join(work, 'photos');
  fs.mkdirSync(path.join(photos, 'a'), { recursive: true });
  for (let i = 0; i < 6; i++) await writeScene(path.join(photos, 'a', `scene ${i}.jpg`), 100 + i, { width: 320, height: 240 });
  doppel = await Doppel.open({ libraryDir: path.join(work, 'library'), withoutSimilarity: true });
});

afterEach(async () => {
  await doppel.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('incremental indexing', () => {
  it('should recognise a moved file by its content hash without decoding it again', async () => {
    await doppel.index([photos]);
    fs.mkdirSync(path.join(photos, 'b'));
    fs.renameSync(path.join(photos, 'a', 'scene 1.jpg'), path.join(photos, 'b', 'renamed.jpg'));
    const report = await doppel.index([photos]);
    expect(report).toMatchObject({ scanned: 6, unchanged: 5, indexed: 1, moved: 1, decoded: 0, removed: 1 });
    expect(doppel.thumbnailPath(path.join(photos, 'b', 'renamed.jpg'))).not.toBeNull();
    expect(doppel.thumbnailPath(path.join(photos, 'a', 'scene 1.jpg'))).toBeNull();
  });

  it('should notice deleted and changed files', async () => {
    await doppel.index([photos]);
    fs.rmSync(path.join(photos, 'a', 'scene 2.jpg'));
    await writeScene(path.join(photos, 'a', 'scene 3.jpg'), 999, { width: 320, height: 240 });
    const report = await doppel.index([photos]);
    expect(report).toMatchObject({ scanned: 5, removed: 1, indexed: 1, decoded: 1, unchanged: 4 });
    expect(doppel.stats().files).toBe(5);
  });

  it('should drop a file deleted between the scan and its read, without an error', async () => {
    await doppel.index([photos]);
    const doomed = path.join(photos, 'a', 'scene 5.jpg');
    await writeScene(doomed, 555, { width: 320, height: 240 }); // changed: it will be read again
    const report = await doppel.index([photos], {
      onProgress: (p) => {
        if (p.phase === 'index' && p.done === 0 && fs.existsSync(doomed)) fs.rmSync(doomed);
      },
    });
    expect(report).toMatchObject({ scanned: 6, removed: 1, errors: [] });
    expect(doppel.stats().files).toBe(5);
    expect(doppel.thumbnailPath(doomed)).toBeNull();
  });

  it('should report progress with phases, counts and a rate', async () => {
    const events: IndexProgress[] = [];
    await doppel.index([photos], { onProgress: (p) => events.push(p) });
    const indexing = events.filter((e) => e.phase === 'index');
    expect(indexing[0]).toMatchObject({ done: 0, total: 6 });
    const last = defined(indexing.at(-1), 'last index-phase progress event');
    expect(last).toMatchObject({ done: 6, total: 6, etaSeconds: 0 });
    expect(last.rate).toBeGreaterThan(0);
    expect(events.at(-1)?.phase).toBe('done');
  });

  it('should stop between files when cancelled and continue on the next run', async () => {
    const controller = new AbortController();
    const cancelled = await doppel.index([photos], {
      concurrency: 1,
      progressIntervalMs: 0,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'index' && p.done === 2) controller.abort();
      },
    });
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.indexed).toBe(2);
    const resumed = await doppel.index([photos]);
    expect(resumed).toMatchObject({ cancelled: false, unchanged: 2, indexed: 4 });
  });

  it('should finish pixel comparisons owed by a cancelled run on the next, unchanged run', async () => {
    const pair = path.join(work, 'pair');
    fs.mkdirSync(pair);
    await writeScene(path.join(pair, 'photo.jpg'), 7, { width: 320, height: 240 });
    await sharp(path.join(pair, 'photo.jpg')).png().toFile(path.join(pair, 'photo export.png'));
    const controller = new AbortController();
    await doppel.index([pair], {
      progressIntervalMs: 0,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'index' && p.done === 2) controller.abort(); // both files read, comparison not yet done
      },
    });
    expect((await doppel.duplicates({ kind: 'pixel' })).groups).toEqual([]);
    const again = await doppel.index([pair]);
    expect(again).toMatchObject({ unchanged: 2, indexed: 0 });
    expect((await doppel.duplicates({ kind: 'pixel' })).groups).toHaveLength(1);
  });

  it('should refuse a root that is not a folder', async () => {
    await expect(doppel.index([path.join(work, 'missing')])).rejects.toThrow(/no such folder/);
    await expect(doppel.index([path.join(photos, 'a', 'scene 0.jpg')])).rejects.toThrow(/not a folder/);
  });

  it('should list indexed photos page by page, each page continuing after the last', async () => {
    await doppel.index([photos]);
    const first = doppel.photos({ limit: 4 });
    const rest = doppel.photos({ limit: 4, after: defined(first.next, 'cursor after the first page') });
    expect(doppel.timeline().total).toBe(6);
    expect(first.photos).toHaveLength(4);
    expect(rest.photos).toHaveLength(2);
    expect(rest.next).toBeNull();
    expect(new Set([...first.photos, ...rest.photos].map((p) => p.path)).size).toBe(6);
    expect(first.photos[0]).toMatchObject({ width: 320, height: 240, format: 'jpeg', error: null });
  });

  it('should apply exclude patterns per root', async () => {
    const report = await doppel.index([photos], { excludes: ['**/scene 0.jpg'] });
    expect(report.scanned).toBe(5);
  });
});

describe('what indexing records about each photo', () => {
  it('should store EXIF capture time, camera and upright dimensions', async () => {
    const manifest = await buildLibrary(path.join(work, 'lib-fixture'));
    await doppel.index([manifest.root]);
    const db = new Database(path.join(work, 'library', 'library.db'), { readonly: true });
    const row = (file: string) =>
      db
        .prepare(
          `SELECT c.width, c.height, c.orientation, c.taken_at, c.camera_make, c.camera_model, c.format
           FROM files f JOIN contents c ON c.hash = f.content_hash WHERE f.path = ?`,
        )
        .get(file) as Record<string, unknown>;
    expect(row(manifest.exif.path)).toMatchObject({
      camera_make: manifest.exif.make,
      camera_model: manifest.exif.model,
      taken_at: '2024-07-14T10:11:12',
    });
    for (const oriented of manifest.orientation.files) {
      expect(row(oriented.path)).toMatchObject({
        orientation: oriented.orientation,
        width: manifest.orientation.uprightWidth,
        height: manifest.orientation.uprightHeight,
      });
    }
    expect(row(manifest.formats.heic)).toMatchObject({ format: 'heic' });
    expect(row(manifest.raw.withPreview)).toMatchObject({
      format: 'raw+jpeg',
      width: manifest.raw.previewWidth,
      height: manifest.raw.previewHeight,
    });
    db.close();
  });
});
