import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Doppel } from '../src/core/doppel';

export interface CleanupBenchResult {
  readonly copies: number;
  readonly indexSeconds: number;
  readonly cleanSeconds: number;
  readonly trashed: number;
  readonly skipped: number;
  readonly freedMB: number;
  readonly undoSeconds: number;
  readonly restored: number;
  /** Restored files whose bytes equal what was there before the clean-up. */
  readonly restoredByteForByte: number;
  readonly groupsAfterUndo: number;
}

/**
 * Clean-up and undo of `copies` byte-identical copies (`copies / 4` distinct 1 MP photos with 4
 * copies each in 4 folders), through the real core and the real freedesktop trash in a temporary
 * XDG_DATA_HOME. Every copy is re-hashed before it moves (exact groups), so this is the honest cost.
 */
export async function runCleanupBench(options: { copies?: number } = {}): Promise<CleanupBenchResult> {
  const copies = options.copies ?? 1000;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-bench-cleanup-'));
  process.env.XDG_DATA_HOME = path.join(work, 'xdg');
  try {
    const photos = path.join(work, 'photos');
    const folders = ['camera', 'backup', 'phone', 'shared'].map((name) => path.join(photos, name));
    folders.forEach((folder) => fs.mkdirSync(folder, { recursive: true }));
    for (let seed = 0; seed < copies / folders.length; seed += 1) {
      const bytes = await photo(seed);
      for (const folder of folders) fs.writeFileSync(path.join(folder, `IMG_${String(seed).padStart(4, '0')}.jpg`), bytes);
    }
    const before = new Map(listFiles(photos).map((file) => [file, sha256(file)]));

    const doppel = await Doppel.open({ libraryDir: path.join(work, 'library'), withoutSimilarity: true });
    try {
      let started = performance.now();
      await doppel.index([photos]);
      const indexSeconds = (performance.now() - started) / 1000;

      started = performance.now();
      const clean = await doppel.clean({ kind: 'exact' });
      const cleanSeconds = (performance.now() - started) / 1000;

      started = performance.now();
      const undo = await doppel.undo(clean.operation ?? undefined);
      const undoSeconds = (performance.now() - started) / 1000;

      const restoredByteForByte = undo.restored.filter(({ path: file }) => fs.existsSync(file) && sha256(file) === before.get(file)).length;
      const { groups } = await doppel.duplicates({ kind: 'exact' });
      return {
        copies: before.size,
        indexSeconds: round(indexSeconds),
        cleanSeconds: round(cleanSeconds),
        trashed: clean.trashed.length,
        skipped: clean.skipped.length,
        freedMB: round(clean.freedBytes / 1e6),
        undoSeconds: round(undoSeconds),
        restored: undo.restored.length,
        restoredByteForByte,
        groupsAfterUndo: groups.length,
      };
    } finally {
      await doppel.close();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A distinct 1 MP JPEG (about 100-200 kB): noise seeded by `seed`. */
async function photo(seed: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 1200,
      height: 900,
      channels: 3,
      background: { r: seed % 256, g: (seed * 7) % 256, b: 90 },
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .jpeg({ quality: 85 })
    .toBuffer();
}

function listFiles(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true })
    .map((entry) => path.join(folder, String(entry)))
    .filter((file) => fs.statSync(file).isFile());
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
