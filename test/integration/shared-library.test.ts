/**
 * One library, several processes: `doppel serve` (or the desktop app) stays open while a CLI
 * `index` or `clean` runs. Two `Doppel` instances in one process stand for them (separate SQLite
 * connections; the writer lock is refused between connections of one process as between processes),
 * and the real CLI checks the cross-process case.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { WRITER_LOCK_FILE, WriterLock } from '../../src/core/store/writer-lock';
import { writeScene } from '../fixtures';
import { ensureCliBuilt, runCli, tempDir } from '../helpers/cli';
import { defined } from '../helpers/defined';

const require = createRequire(import.meta.url);

let work: string;
let photos: string;
let library: string;
const opened: Doppel[] = [];

async function open(options: { withoutSimilarity?: boolean } = {}): Promise<Doppel> {
  const doppel = await Doppel.open({ libraryDir: library, ...options });
  opened.push(doppel);
  return doppel;
}

beforeEach(async () => {
  work = tempDir('shared-library');
  photos = path.join(work, 'photos');
  library = path.join(work, 'library');
  fs.mkdirSync(photos, { recursive: true });
  for (let i = 0; i < 4; i++) await writeScene(path.join(photos, `scene ${i}.jpg`), 300 + i, { width: 320, height: 240 });
});

afterEach(async () => {
  for (const doppel of opened.splice(0)) await doppel.close();
  fs.rmSync(work, { recursive: true, force: true });
});

function positionsAndEmbeddings(): { positions: number; embeddings: number } {
  const db = new Database(path.join(library, 'library.db'), { readonly: true });
  try {
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    return { positions: count('SELECT count(*) AS n FROM vector_positions'), embeddings: count('SELECT count(*) AS n FROM embeddings') };
  } finally {
    db.close();
  }
}

describe('one writer per library', () => {
  it('should refuse a second writer at once, saying who writes, when it is not told to wait', async () => {
    const first = await open({ withoutSimilarity: true });
    const second = await open({ withoutSimilarity: true });
    const running = first.index([photos]);
    await expect(second.index([photos])).rejects.toMatchObject({
      code: 'job_running',
      message: expect.stringMatching(
        new RegExp(`Another Doppel \\(process ${process.pid}, indexing since .*\\) is writing the library`),
      ) as string,
    });
    await running;
  });

  it('should make a second writer wait for the first, telling it once why, then run', async () => {
    const first = await open({ withoutSimilarity: true });
    const second = await open({ withoutSimilarity: true });
    const waits: string[] = [];
    const [firstReport, secondReport] = await Promise.all([
      first.index([photos]),
      second.index([photos], { onWaitForWriter: (message) => waits.push(message) }),
    ]);
    expect(waits).toEqual([expect.stringContaining('waiting')]);
    expect(firstReport.decoded).toBe(4);
    // The second run saw the first one's work: nothing was decoded twice.
    expect(secondReport).toMatchObject({ unchanged: 4, decoded: 0 });
  });

  it('should make a CLI index wait, saying why on stderr, while another process writes', async () => {
    ensureCliBuilt();
    fs.mkdirSync(library, { recursive: true });
    const held = defined(WriterLock.tryAcquire(library, 'indexing'), 'the writer lock');
    let heard = '';
    let saidItWaits = (): void => {};
    const waiting = new Promise<void>((resolve) => (saidItWaits = resolve));
    const cli = runCli(
      ['index', photos, '--library', library, '--json'],
      {},
      {
        onStderr: (text) => {
          heard += text;
          if (/is writing the library at .*; waiting/.test(heard)) saidItWaits();
        },
      },
    );
    // Released once the CLI says it waits (not after a guess at how long it takes to start), or
    // failed at once if it exits without waiting, or says nothing for 30 s.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silent = new Promise<'silent'>((resolve) => (timer = setTimeout(() => resolve('silent'), 30_000)));
    const early = await Promise.race([waiting.then(() => null), cli, silent]);
    clearTimeout(timer);
    held.release();
    if (early === 'silent') throw new Error(`the CLI did not say within 30 s that it waits for the writer; stderr: ${heard}`);
    if (early) throw new Error(`the CLI exited ${early.code} without waiting for the writer: ${early.stderr}`);
    const result = await cli;
    expect(result.stderr).toMatch(
      /Another Doppel \(process \d+, indexing since .*\) is writing the library at .*: try again when it finishes; waiting/,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ decoded: 4 });
  });

  it('should free the library when the process holding it is killed', async () => {
    fs.mkdirSync(library, { recursive: true });
    // A child takes the lock the way WriterLock does and is killed with SIGKILL: no clean-up runs.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const D = require(${JSON.stringify(require.resolve('better-sqlite3'))});
         new D(${JSON.stringify(path.join(library, WRITER_LOCK_FILE))}, { timeout: 0 }).exec('BEGIN EXCLUSIVE');
         console.log('locked'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    expect(WriterLock.tryAcquire(library, 'probe')).toBeNull();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const lock = WriterLock.tryAcquire(library, 'probe');
    expect(lock).not.toBeNull();
    lock?.release();
  });

  it('should let a reader list duplicates while a writer indexes, and see what it committed', async () => {
    const reader = await open();
    const writer = await open();
    await writer.index([photos]);
    expect((await reader.duplicates({ kind: 'all' })).groups).toHaveLength(0); // near groups are now cached
    await sharp(path.join(photos, 'scene 1.jpg')).resize(200).jpeg({ quality: 70 }).toFile(path.join(photos, 'scene 1 small.jpg'));
    await writer.index([photos]);
    // No restart: the reader's next question sees the other connection's commit.
    const { groups } = await reader.duplicates({ kind: 'all' });
    expect(groups.map((group) => group.files.map((file) => path.basename(file)).sort())).toEqual([['scene 1 small.jpg', 'scene 1.jpg']]);
    expect(reader.stats().files).toBe(5);
  });
});

describe('vectors shared between processes', () => {
  it('should keep every photo in similar search when another process indexed the library meanwhile', async () => {
    const server = await open();
    await server.index([photos]);
    await server.similar([path.join(photos, 'scene 0.jpg')]); // the server now holds the vector index in memory
    const cli = await open();
    await writeScene(path.join(photos, 'scene 4.jpg'), 304, { width: 320, height: 240 });
    await cli.index([photos]);

    // The server sees the CLI's photo without a restart…
    const [fromServer] = await server.similar([path.join(photos, 'scene 4.jpg')], { limit: 10 });
    expect(fromServer?.results.map((hit) => path.basename(hit.path))).toHaveLength(4);
    // …and its own next run appends after the CLI's positions instead of colliding with them.
    await writeScene(path.join(photos, 'scene 5.jpg'), 305, { width: 320, height: 240 });
    const report = await server.index([photos]);
    expect(report.errors).toEqual([]);
    expect(positionsAndEmbeddings()).toEqual({ positions: 6, embeddings: 6 });
    const [newest] = await cli.similar([path.join(photos, 'scene 0.jpg')], { limit: 10 });
    expect(newest?.results.map((hit) => path.basename(hit.path)).sort()).toEqual([
      'scene 1.jpg',
      'scene 2.jpg',
      'scene 3.jpg',
      'scene 4.jpg',
      'scene 5.jpg',
    ]);
  });

  it('should put back into the vector index a vector a dead run stored but never indexed', async () => {
    const doppel = await open();
    await doppel.index([photos]);
    await doppel.close();
    const db = new Database(path.join(library, 'library.db'));
    db.prepare('DELETE FROM vector_positions WHERE position = (SELECT max(position) FROM vector_positions)').run();
    db.close();
    expect(positionsAndEmbeddings()).toEqual({ positions: 3, embeddings: 4 });

    const again = await open();
    const report = await again.index([photos]); // nothing changed on disk
    expect(report).toMatchObject({ unchanged: 4, errors: [] });
    expect(positionsAndEmbeddings()).toEqual({ positions: 4, embeddings: 4 });
  });
});
