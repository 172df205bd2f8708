import fs from 'node:fs/promises';
import sharp from 'sharp';
import { errorMessage } from '../errors';
import { centreHash } from '../media/perceptual-hash';
import { rgbToGray } from '../media/pixel-resize';
import type { PhotoRepository } from '../store/photo.repository';
import type { ThumbnailStore } from '../store/thumbnail.store';

/** Hashes written per transaction. */
const BATCH = 500;

/**
 * Hashes the middle of every readable picture indexed before the library kept that hash (schema
 * version 8), from its thumbnail: the thumbnail is the 256 px working copy the index hashes, so
 * no photo is read again (about 2 ms a picture). Pictures without a thumbnail wait for the
 * thumbnail repair of a later run. Returns how many were filled in; stops between pictures once
 * `signal` is aborted, keeping what it wrote.
 */
export async function fillCentreHashes(deps: {
  readonly photos: Pick<PhotoRepository, 'contentsWithoutCentreHash' | 'setCentreHashes'>;
  readonly thumbnails: Pick<ThumbnailStore, 'pathOf'>;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: (done: number, total: number) => void;
}): Promise<number> {
  const missing = deps.photos.contentsWithoutCentreHash();
  if (missing.length === 0) return 0;
  deps.log(`hashing the middles of ${missing.length} picture(s) indexed before this version, from their thumbnails`);
  deps.onProgress?.(0, missing.length);
  let filled = 0;
  let batch: [string, string][] = [];
  const flush = (): void => {
    deps.photos.setCentreHashes(batch);
    filled += batch.length;
    batch = [];
  };
  for (const [done, contentHash] of missing.entries()) {
    if (deps.signal?.aborted) break;
    const hash = await centreHashOfThumbnail(deps.thumbnails.pathOf(contentHash), deps.log);
    if (hash !== null) batch.push([contentHash, hash]);
    if (batch.length >= BATCH) flush();
    deps.onProgress?.(done + 1, missing.length);
  }
  flush();
  return filled;
}

async function centreHashOfThumbnail(file: string, log: (line: string) => void): Promise<string | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    return null; // no thumbnail yet: the thumbnail repair rebuilds it, a later run hashes it
  }
  try {
    const { data, info } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return centreHash(rgbToGray(new Uint8Array(data.buffer, data.byteOffset, data.length)), info.width, info.height);
  } catch (error) {
    log(`cannot hash the middle of thumbnail ${file}: ${errorMessage(error)}`);
    return null;
  }
}
