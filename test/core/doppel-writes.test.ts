/**
 * Every write goes through the facade's one mutation path, which holds the library's writer lock:
 * with the lock held by someone else, each write of the facade is refused as "library busy" and
 * commits nothing, and no read commits anything. Every public method must be listed below as a
 * write or a read, so a new method cannot slip past this test unclassified.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { WriterLock } from '../../src/core/store/writer-lock';
import { writePhotoFolder, type PhotoFolder } from '../e2e/support/photo-folder';
import { tempDir } from '../helpers/cli';

let work: string;
let libraryDir: string;
let photos: PhotoFolder;
let doppel: Doppel;
/** A connection of the test's own: its data_version moves whenever another connection commits. */
let observer: Database.Database;

type Call = (doppel: Doppel) => unknown;

const WRITES: Record<string, Call> = {
  index: (d) => d.index([photos.root]),
  clean: (d) => d.clean({ kind: 'exact' }),
  undo: (d) => d.undo(),
  markNotDuplicates: (d) => d.markNotDuplicates([photos.original, photos.byteCopy]),
  clearNotDuplicates: (d) => d.clearNotDuplicates(),
  setProtectedFolders: (d) => d.setProtectedFolders([photos.root]),
  removeRoot: (d) => d.removeRoot(photos.root),
  setExcludes: (d) => d.setExcludes(photos.root, ['*.png']),
};

const READS: Record<string, Call> = {
  duplicates: (d) => d.duplicates(),
  libraryVersion: (d) => d.libraryVersion(),
  prepareNearDuplicates: (d) => d.prepareNearDuplicates(),
  cancelNearDuplicates: (d) => d.cancelNearDuplicates('no-such-job'),
  history: (d) => d.history(),
  notDuplicates: (d) => d.notDuplicates(),
  protectedFolders: (d) => d.protectedFolders(),
  roots: (d) => d.roots(),
  find: (d) => d.find(photos.resized),
  similar: (d) => d.similar([photos.original]),
  stats: (d) => d.stats(),
  about: (d) => d.about(),
  decisionsProblem: (d) => d.decisionsProblem(),
  photos: (d) => d.photos(),
  timeline: (d) => d.timeline(),
  photo: (d) => d.photo(photos.original),
  thumbnailPath: (d) => d.thumbnailPath(photos.original),
  thumbnail: (d) => d.thumbnail(photos.original),
  previewPath: (d) => d.previewPath(photos.original),
  originalFile: (d) => d.originalFile(photos.original, () => true),
  // `clean` with dryRun is a read too: listed with its own call below.
};

const dataVersion = (): number => observer.pragma('data_version', { simple: true }) as number;

/** What a call ended with: its value, or the error it threw or rejected with. */
async function outcome(call: () => unknown): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    await call();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

beforeAll(async () => {
  work = tempDir('doppel-writes');
  libraryDir = path.join(work, 'library');
  photos = await writePhotoFolder(path.join(work, 'photos'));
  doppel = await Doppel.open({ libraryDir });
  await doppel.index([photos.root]);
  await doppel.markNotDuplicates([photos.original, photos.resized]);
  observer = new Database(path.join(libraryDir, 'library.db'), { readonly: true });
});

afterAll(async () => {
  observer.close();
  await doppel.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("Doppel's writes", () => {
  it('should list every public method of the facade as a write or a read', () => {
    const methods = Object.getOwnPropertyNames(Doppel.prototype).filter((name) => name !== 'constructor' && name !== 'close');
    const listed = [...Object.keys(WRITES), ...Object.keys(READS)];
    expect(methods.filter((name) => !listed.includes(name))).toEqual([]);
    expect(listed.filter((name) => !methods.includes(name))).toEqual([]);
  });

  it('should refuse every write as "library busy" while another writer holds the library, committing nothing', async () => {
    const lock = WriterLock.tryAcquire(libraryDir, 'a test holding the library');
    expect(lock).not.toBeNull();
    try {
      for (const [name, write] of Object.entries(WRITES)) {
        const before = dataVersion();
        const result = await outcome(() => write(doppel));
        expect(result, name).toMatchObject({ ok: false, error: { code: 'job_running' } });
        expect(dataVersion(), `${name} committed`).toBe(before);
      }
    } finally {
      lock?.release();
    }
  });

  it('should commit nothing on any read, even with the library free to write', async () => {
    for (const [name, read] of Object.entries({ ...READS, dryRun: (d: Doppel) => d.clean({ kind: 'all', dryRun: true }) })) {
      const before = dataVersion();
      expect(await outcome(() => read(doppel)), name).toEqual({ ok: true });
      expect(dataVersion(), `${name} committed`).toBe(before);
    }
  });

  it('should let a short write join a long one this process holds the library for', async () => {
    const indexing = doppel.index([photos.root]); // holds the writer lock from this call on
    const marked = await doppel.markNotDuplicates([photos.original, photos.pngExport]);
    await indexing;
    expect(marked).toMatch(/^[0-9a-f-]{36}$/);
    expect(doppel.notDuplicates().map((pair) => pair.operation)).toContain(marked);
    // A second long write is not a short one: it waits for the first, or is refused.
    const again = doppel.index([photos.root]);
    await expect(doppel.undo()).rejects.toMatchObject({ code: 'job_running' });
    await again;
  });
});
