import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PixelIdentityService } from '../../src/core/indexing/pixel-identity.service';
import { encodePixelSignature, type PixelSignature, type PixelSignatureKind } from '../../src/core/media/pixel-signature';
import { openLibraryDatabase, type SqliteDatabase } from '../../src/core/store/library.database';
import { PhotoRepository, type ContentRecord } from '../../src/core/store/photo.repository';
import { tempDir } from '../helpers/cli';

let dir: string;
let db: SqliteDatabase;
let photos: PhotoRepository;
let rootId: number;

beforeEach(() => {
  dir = tempDir('pixel-candidates');
  db = openLibraryDatabase(dir);
  photos = new PhotoRepository(db);
  rootId = photos.upsertRoot('/photos', []).id;
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A 4 x 3 grid whose cells are `level` (in gray levels) plus a ramp. */
function grid(level: number, kind: PixelSignatureKind = 'jpeg-dc'): PixelSignature {
  const cells = Uint16Array.from({ length: 12 }, (_, i) => Math.round((level + i * 10) * 16));
  return { kind, columns: 4, rows: 3, cells, clipped: new Uint8Array(12) };
}

/** Saves a readable 4000 x 3000 content; all of them share one perceptual hash (burst frames do). */
function save(n: number, signature: PixelSignature | null): string {
  const hash = n.toString(16).padStart(64, '0');
  const content: ContentRecord = {
    hash,
    size: 100,
    format: 'jpeg',
    width: 4000,
    height: 3000,
    orientation: 1,
    takenAt: null,
    cameraMake: null,
    cameraModel: null,
    perceptualHash: 'c3a1f0e09b8d7766',
    perceptualHashVariants: [],
    pixelSignature: signature ? encodePixelSignature(signature) : null,
  };
  photos.saveBatch(
    [content],
    [{ rootId, path: `/photos/${n}.jpg`, size: 100, mtimeMs: 1, dev: 1, ino: n, contentHash: hash, status: 'ok', error: null }],
  );
  return hash;
}

function candidates(): string[] {
  const service = new PixelIdentityService(photos, () => {});
  return service
    .candidatesNeedingPixelHash(photos.signatures())
    .map((candidate) => candidate.hash)
    .sort();
}

describe('pixel-hash candidates', () => {
  it('should leave out look-alikes whose pixel signatures differ', () => {
    save(1, grid(100));
    save(2, grid(101)); // one level brighter: another frame
    expect(candidates()).toEqual([]);
  });

  it('should hash both contents when their signatures match', () => {
    const a = save(1, grid(100));
    const b = save(2, grid(100));
    save(3, grid(103));
    expect(candidates()).toEqual([a, b]);
  });

  it('should keep the perceptual-hash rule for a content without a signature (indexed before migration 4)', () => {
    const a = save(1, null);
    const b = save(2, grid(100));
    const c = save(3, grid(120));
    expect(candidates()).toEqual([a, b, c]);
  });

  it('should hash a pair of kinds that cannot be compared', () => {
    const a = save(1, grid(100, 'jpeg'));
    const b = save(2, grid(140, 'exact'));
    expect(candidates()).toEqual([a, b]);
  });

  it('should store the signature with the content and read it back unchanged', () => {
    const signature = grid(77, 'block-means');
    signature.clipped[5] = 1;
    const hash = save(1, signature);
    const stored = photos.pixelSignatures([hash]).get(hash);
    expect(stored && Buffer.from(stored).equals(Buffer.from(encodePixelSignature(signature)))).toBe(true);
  });
});
