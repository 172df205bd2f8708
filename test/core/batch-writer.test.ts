import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/core/indexing/batch-writer';
import type { DecodedContentConsumer } from '../../src/core/indexing/decoded-content-consumer';
import type { WritableOutcome } from '../../src/core/indexing/file-indexer';
import { openLibraryDatabase, type SqliteDatabase } from '../../src/core/store/library.database';
import { PhotoRepository } from '../../src/core/store/photo.repository';
import { tempDir } from '../helpers/cli';

let dir: string;
let db: SqliteDatabase;
let photos: PhotoRepository;
let rootId: number;

beforeEach(() => {
  dir = tempDir('batch-writer');
  db = openLibraryDatabase(dir);
  photos = new PhotoRepository(db);
  rootId = photos.upsertRoot('/photos', []).id;
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A newly decoded photo, as the file indexer hands it over. */
function decodedPhoto(n: number): Extract<WritableOutcome, { kind: 'indexed' }> {
  const hash = n.toString(16).padStart(64, '0');
  return {
    kind: 'indexed',
    file: { rootId, path: `/photos/${n}.jpg`, size: 100, mtimeMs: 1, dev: 1, ino: n, contentHash: hash, status: 'ok', error: null },
    content: {
      hash,
      size: 100,
      format: 'jpeg',
      width: 4,
      height: 3,
      orientation: 1,
      takenAt: null,
      cameraMake: null,
      cameraModel: null,
      perceptualHash: n.toString(16).padStart(16, '0'),
      perceptualHashVariants: [],
    },
    modelInput: new Uint8Array([n]),
  };
}

/** An embedder stand-in that records batches and, while held, does not finish them. */
function recordingConsumer() {
  const batches: string[][] = [];
  let release = (): void => {};
  let held: Promise<void> = Promise.resolve();
  const consumer: DecodedContentConsumer = {
    modelInputSize: 1,
    async consume(batch) {
      batches.push(batch.map((item) => item.contentHash));
      await held;
    },
    finish: () => Promise.resolve(),
  };
  const hold = (): void => {
    held = new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  return { consumer, batches, hold, release: () => release() };
}

/** Lets queued writes start (they begin on a later turn than the `add` that queued them). */
const startedWriting = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const storedFiles = (): number => photos.filesOfRoot(rootId).size;

describe('batch writer', () => {
  it('should write a full batch at once and what is left on close', async () => {
    const { consumer, batches } = recordingConsumer();
    const writer = new BatchWriter({ photos, consumer, batchSize: 2 });
    writer.add(decodedPhoto(1));
    writer.add(decodedPhoto(2));
    await writer.written();
    expect(storedFiles()).toBe(2);
    writer.add(decodedPhoto(3));
    expect(storedFiles()).toBe(2);
    await writer.close();
    expect(storedFiles()).toBe(3);
    expect(batches.map((batch) => batch.length)).toEqual([2, 1]);
  });

  it('should be behind only while a full batch waits for the one being embedded', async () => {
    const { consumer, hold, release } = recordingConsumer();
    hold();
    const writer = new BatchWriter({ photos, consumer, batchSize: 2 });
    writer.add(decodedPhoto(1));
    writer.add(decodedPhoto(2));
    await startedWriting();
    expect(writer.isBehind).toBe(false); // one batch in the writer: decoding may go on
    writer.add(decodedPhoto(3));
    writer.add(decodedPhoto(4));
    expect(writer.isBehind).toBe(true); // a second batch waits: decoding must wait too
    release();
    await writer.written();
    expect(writer.isBehind).toBe(false);
    expect(storedFiles()).toBe(4);
  });

  it('should pass only newly decoded contents to the consumer', async () => {
    const { consumer, batches } = recordingConsumer();
    const writer = new BatchWriter({ photos, consumer, batchSize: 32 });
    const original = decodedPhoto(1);
    writer.add(original);
    const copy = { ...original.file, path: '/photos/copy.jpg', ino: 99 };
    writer.add({ kind: 'indexed', file: copy, content: null, modelInput: null }); // known content: not decoded
    await writer.close();
    expect(storedFiles()).toBe(2);
    expect(batches).toEqual([[original.file.contentHash]]);
  });
});
