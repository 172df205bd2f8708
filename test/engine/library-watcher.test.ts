/**
 * Live library: photos added, deleted and moved under a watched folder are indexed without being
 * asked, in few jobs; a batch waits for a running job; a failing watcher stops, says why, and
 * leaves the engine running. Real folders, real photos, a real library; short batching delays.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EngineService } from '../../src/engine/engine-service.js';
import { IndexJobs, type IndexFunction } from '../../src/engine/index-jobs.js';
import { LibraryWatcher, type WatchActivity } from '../../src/engine/library-watcher.js';
import type { AppEvent, JobSnapshot } from '../../src/shared/ipc-contract.js';
import type { AboutInfo } from '../../src/shared/types.js';
import { copyDarknetPhotos } from '../fixtures/index.js';
import { writeDatedPhotos } from '../e2e/support/photo-folder.js';
import { defined } from '../helpers/defined.js';
import { EMPTY_INDEX_REPORT } from '../helpers/index-report.js';

/** Short enough for a quick test, long enough that one burst of copies is one batch. */
const TIMING = { quietMs: 300, maxWaitMs: 3000 };

const REPORT = EMPTY_INDEX_REPORT;

let tempDir: string;

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-watcher-'));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

function jobsOf(events: readonly AppEvent[]): JobSnapshot[] {
  return events.flatMap((event) => (event.type === 'job' ? [event.job] : []));
}

/** Ids of the live-update jobs seen so far, in start order. */
function watchJobIds(events: readonly AppEvent[]): string[] {
  return [...new Set(jobsOf(events).flatMap((job) => (job.reason === 'watch' ? [job.id] : [])))];
}

async function settled(events: readonly AppEvent[], jobId: string): Promise<JobSnapshot> {
  return vi.waitFor(
    () => {
      const job = defined(
        jobsOf(events).findLast((candidate) => candidate.id === jobId),
        `job ${jobId}`,
      );
      if (job.state === 'running') throw new Error(`job ${jobId} still runs`);
      return job;
    },
    { timeout: 30_000, interval: 20 },
  );
}

/** The library's file rows (readable photos only with `readable`), read from its database as another reader would. */
function libraryPaths(libraryDir: string, which: 'all' | 'readable' = 'all'): string[] {
  const db = new Database(path.join(libraryDir, 'library.db'), { readonly: true });
  try {
    return db
      .prepare<[string], { path: string }>(`SELECT path FROM files WHERE ? = 'all' OR status = 'ok' ORDER BY path`)
      .all(which)
      .map((row) => row.path);
  } finally {
    db.close();
  }
}

describe('live library through the engine', () => {
  let engine: EngineService;
  let libraryDir: string;
  let root: string;
  let staging: string[];
  const events: AppEvent[] = [];
  const activity: WatchActivity[] = [];

  async function call<T>(channel: string, input?: unknown): Promise<T> {
    const result = await engine.dispatch(channel, input);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
    return result.value as T;
  }

  beforeAll(async () => {
    libraryDir = path.join(tempDir, 'library');
    root = path.join(tempDir, 'photos');
    fs.mkdirSync(path.join(root, 'a'), { recursive: true });
    fs.mkdirSync(path.join(root, 'b'));
    // Real photographs and small generated ones, made outside the watched folder, copied in later.
    const real = await copyDarknetPhotos(path.join(tempDir, 'staging-real'));
    const generated = await writeDatedPhotos(path.join(tempDir, 'staging-generated'), 13);
    staging = [...real, ...generated.map((photo) => photo.path)];
    fs.copyFileSync(defined(staging[0], 'first staged photo'), path.join(root, 'a', 'first.jpg'));
    engine = await EngineService.open({
      libraryDir,
      onEvent: (event) => events.push(event),
      watch: true,
      watchTiming: TIMING,
      onWatchActivity: (done) => activity.push(done),
    });
    const { jobId } = await call<{ jobId: string }>('library:index', { roots: [root] });
    expect(await settled(events, jobId)).toMatchObject({ state: 'done', report: { indexed: 1 } });
    await engine.watching();
  }, 120_000);

  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning
    await engine?.close();
  });

  it('should say on the About page that it watches the folder', async () => {
    expect((await call<AboutInfo>('app:about')).watcher).toEqual({
      state: 'watching',
      folders: 1,
      message: null,
      roots: [{ path: root, state: 'watching', message: null }],
    });
  });

  it('should index a burst of copied photos on its own, in at most two jobs', async () => {
    const before = watchJobIds(events).length;
    const arrived = path.join(root, 'a', 'arrived');
    fs.mkdirSync(arrived);
    const copies = staging.map((file, i) => path.join(arrived, `${String(i).padStart(2, '0')}-${path.basename(file)}`));
    staging.forEach((file, i) => fs.copyFileSync(file, defined(copies[i], `copy ${i}`)));

    await vi.waitFor(() => expect(libraryPaths(libraryDir, 'readable')).toEqual(expect.arrayContaining(copies)), {
      timeout: 20_000,
      interval: 50,
    });
    const jobs = watchJobIds(events).slice(before);
    for (const jobId of jobs) expect(await settled(events, jobId)).toMatchObject({ state: 'done', reason: 'watch', roots: [root] });
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    expect(jobs.length).toBeLessThanOrEqual(2);
  });

  it('should forget a deleted photo', async () => {
    const deleted = path.join(root, 'a', 'first.jpg');
    fs.rmSync(deleted);
    await vi.waitFor(() => expect(libraryPaths(libraryDir)).not.toContain(deleted), { timeout: 20_000, interval: 50 });
  });

  it('should keep one row, at its new path, for a photo moved between sub-folders', async () => {
    const arrived = path.join(root, 'a', 'arrived');
    const name = defined(fs.readdirSync(arrived)[0], 'an arrived photo');
    const from = path.join(arrived, name);
    const to = path.join(root, 'b', name);
    const rowsBefore = libraryPaths(libraryDir).length;
    fs.renameSync(from, to);
    await vi.waitFor(
      () => {
        const paths = libraryPaths(libraryDir);
        expect(paths).toContain(to);
        expect(paths).not.toContain(from);
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(libraryPaths(libraryDir)).toHaveLength(rowsBefore);
  });

  it('should index the photos of a folder moved in', async () => {
    const outside = path.join(tempDir, 'trip');
    fs.mkdirSync(outside);
    const names = ['trip-1.jpg', 'trip-2.jpg'];
    names.forEach((name, i) => fs.copyFileSync(defined(staging[4 + i], 'a staged photo'), path.join(outside, name)));
    const inside = path.join(root, 'b', 'trip');
    fs.renameSync(outside, inside);
    const moved = names.map((name) => path.join(inside, name));
    await vi.waitFor(() => expect(libraryPaths(libraryDir, 'readable')).toEqual(expect.arrayContaining(moved)), {
      timeout: 20_000,
      interval: 50,
    });
  });

  it('should ignore hidden files and files that are not photos', async () => {
    await waitForLiveUpdatesSettled(events, activity, root);
    const before = watchJobIds(events).length;
    const from = activity.length;
    fs.mkdirSync(path.join(root, '.cache'));
    fs.copyFileSync(defined(staging[1], 'a staged photo'), path.join(root, '.cache', 'hidden.jpg'));
    fs.writeFileSync(path.join(root, 'notes.txt'), 'not a photo');
    // Heard, and left out of any batch: no job can follow.
    await heardMarker(activity, root);
    const heard = activity.slice(from).flatMap((done) => (done.type === 'heard' ? [done] : []));
    expect(heard.map((done) => done.path)).toEqual(expect.arrayContaining([path.join(root, '.cache'), path.join(root, 'notes.txt')]));
    expect(heard.filter((done) => done.counted)).toEqual([]);
    expect(watchJobIds(events).length).toBe(before);
  });

  it('should watch a folder an index job adds, and stop watching a folder taken out of the library', async () => {
    const second = path.join(tempDir, 'second');
    fs.mkdirSync(second);
    const { jobId } = await call<{ jobId: string }>('library:index', { roots: [second] });
    await settled(events, jobId);
    await engine.watching();
    expect((await call<AboutInfo>('app:about')).watcher.folders).toBe(2);

    const added = path.join(second, 'new.jpg');
    fs.copyFileSync(defined(staging[2], 'a staged photo'), added);
    await vi.waitFor(() => expect(libraryPaths(libraryDir)).toContain(added), { timeout: 20_000, interval: 50 });

    await waitForLiveUpdatesSettled(events, activity, root);
    expect(await call('library:removeRoot', { path: second })).toEqual({ removed: 1 });
    expect((await call<AboutInfo>('app:about')).watcher.folders).toBe(1);
    const before = watchJobIds(events).length;
    const from = activity.length;
    const later = path.join(second, 'later.jpg');
    fs.copyFileSync(defined(staging[3], 'a staged photo'), later);
    // The marker is heard after any change made before it (Linux: one inotify queue for every
    // watch of the process, read in order): had `second` still counted, `later` would have.
    await heardMarker(activity, root);
    expect(activity.slice(from).filter((done) => done.type === 'heard' && done.counted)).toEqual([]);
    expect(watchJobIds(events).length).toBe(before);
    expect(libraryPaths(libraryDir)).not.toContain(later);
  });
});

describe('live library when a folder loops or goes away', () => {
  /** Roots are checked often, so that a folder removed and re-created is seen soon. */
  const timing = { ...TIMING, rootCheckMs: 200 };

  async function openEngine(name: string): Promise<{ engine: EngineService; events: AppEvent[]; libraryDir: string }> {
    const events: AppEvent[] = [];
    const libraryDir = path.join(tempDir, `${name}-library`);
    const engine = await EngineService.open({ libraryDir, onEvent: (event) => events.push(event), watch: true, watchTiming: timing });
    return { engine, events, libraryDir };
  }

  async function call<T>(engine: EngineService, channel: string, input?: unknown): Promise<T> {
    const result = await engine.dispatch(channel, input);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
    return result.value as T;
  }

  async function stagedPhotos(count: number): Promise<string[]> {
    const photos = await writeDatedPhotos(path.join(tempDir, `staging-${count}-${Math.random().toString(36).slice(2)}`), count);
    return photos.map((photo) => photo.path);
  }

  it.runIf(process.platform !== 'win32')(
    'should keep live updates for every folder, and the engine, when one folder holds symlink loops',
    async () => {
      const loopy = path.join(tempDir, 'loopy');
      const calm = path.join(tempDir, 'calm');
      fs.mkdirSync(path.join(loopy, 'a'), { recursive: true });
      fs.mkdirSync(calm);
      // The loops (`ln -s . root/self; ln -s .. root/a/up`), and a link to itself (ELOOP on every stat).
      fs.symlinkSync('.', path.join(loopy, 'self'));
      fs.symlinkSync('..', path.join(loopy, 'a', 'up'));
      fs.symlinkSync('loop', path.join(loopy, 'loop'));
      const [first, second, third] = await stagedPhotos(3);
      fs.copyFileSync(defined(first, 'a staged photo'), path.join(loopy, 'a', 'first.jpg'));

      const unhandled: unknown[] = [];
      const onUnhandled = (error: unknown): void => {
        unhandled.push(error);
      };
      process.on('uncaughtException', onUnhandled);
      process.on('unhandledRejection', onUnhandled);
      const { engine, events, libraryDir } = await openEngine('loopy');
      try {
        const { jobId } = await call<{ jobId: string }>(engine, 'library:index', { roots: [loopy, calm] });
        expect(await settled(events, jobId)).toMatchObject({ state: 'done', report: { indexed: 1 } });
        // Loops are not followed: the walk of the looping folder ends (it never did before).
        await engine.watching();

        const calmPhoto = path.join(calm, 'calm.jpg');
        fs.copyFileSync(defined(second, 'a staged photo'), calmPhoto);
        await vi.waitFor(() => expect(libraryPaths(libraryDir, 'readable')).toContain(calmPhoto), { timeout: 20_000, interval: 50 });
        const loopyPhoto = path.join(loopy, 'a', 'later.jpg');
        fs.copyFileSync(defined(third, 'a staged photo'), loopyPhoto);
        await vi.waitFor(() => expect(libraryPaths(libraryDir, 'readable')).toContain(loopyPhoto), { timeout: 20_000, interval: 50 });

        const { watcher } = await call<AboutInfo>(engine, 'app:about');
        expect(watcher).toMatchObject({ state: 'watching', folders: 2 });
        expect(watcher.roots).toEqual([
          { path: calm, state: 'watching', message: null },
          // The link to itself cannot be followed: said with its folder, which is watched all the same.
          { path: loopy, state: 'watching', message: expect.stringContaining('ELOOP') as string },
        ]);
        expect(unhandled).toEqual([]);
      } finally {
        await engine.close();
        process.off('uncaughtException', onUnhandled);
        process.off('unhandledRejection', onUnhandled);
      }
    },
  );

  it('should say a removed folder is missing, and watch and index it again once it is re-created', async () => {
    const root = path.join(tempDir, 'comeback');
    fs.mkdirSync(root);
    const [first, second, third] = await stagedPhotos(3);
    const old = path.join(root, 'old.jpg');
    fs.copyFileSync(defined(first, 'a staged photo'), old);
    const { engine, events, libraryDir } = await openEngine('comeback');
    try {
      const { jobId } = await call<{ jobId: string }>(engine, 'library:index', { roots: [root] });
      expect(await settled(events, jobId)).toMatchObject({ state: 'done', report: { indexed: 1 } });
      await engine.watching();
      expect((await call<AboutInfo>(engine, 'app:about')).watcher).toEqual({
        state: 'watching',
        folders: 1,
        message: null,
        roots: [{ path: root, state: 'watching', message: null }],
      });

      fs.rmSync(root, { recursive: true });
      await vi.waitFor(
        async () => {
          const { watcher } = await call<AboutInfo>(engine, 'app:about');
          expect(watcher).toMatchObject({ state: 'watching', folders: 0, message: expect.stringContaining('missing') as string });
          expect(watcher.roots).toEqual([{ path: root, state: 'missing', message: expect.any(String) as string }]);
        },
        { timeout: 10_000, interval: 50 },
      );

      // Re-created with other photos (a folder restored, a drive re-mounted): the deleted photo leaves, the new one comes in.
      fs.mkdirSync(root);
      const restored = path.join(root, 'restored.jpg');
      fs.copyFileSync(defined(second, 'a staged photo'), restored);
      await vi.waitFor(() => expect(libraryPaths(libraryDir)).toEqual([restored]), { timeout: 20_000, interval: 50 });
      await vi.waitFor(
        async () =>
          expect((await call<AboutInfo>(engine, 'app:about')).watcher).toEqual({
            state: 'watching',
            folders: 1,
            message: null,
            roots: [{ path: root, state: 'watching', message: null }],
          }),
        { timeout: 10_000, interval: 50 },
      );

      // And it is watched again: a photo added now is indexed on its own.
      const later = path.join(root, 'later.jpg');
      fs.copyFileSync(defined(third, 'a staged photo'), later);
      await vi.waitFor(() => expect(libraryPaths(libraryDir)).toEqual([later, restored]), { timeout: 20_000, interval: 50 });
    } finally {
      await engine.close();
    }
  });
});

describe('LibraryWatcher', () => {
  /** An index job that runs until the test lets it finish. */
  function heldIndex(): { index: IndexFunction; release: () => void; calls: string[][] } {
    const calls: string[][] = [];
    const waiting: (() => void)[] = [];
    const index: IndexFunction = async (roots) => {
      calls.push(roots);
      await new Promise<void>((resolve) => waiting.push(resolve));
      return REPORT;
    };
    return { index, calls, release: () => waiting.splice(0).forEach((resolve) => resolve()) };
  }

  it('should hold a batch while a job runs and start it when that job ends', async () => {
    const folder = path.join(tempDir, 'held');
    fs.mkdirSync(folder);
    const { index, calls, release } = heldIndex();
    const jobs = new IndexJobs(
      index,
      () => {},
      () => {},
    );
    const activity: WatchActivity[] = [];
    const watcher = new LibraryWatcher({
      libraryDir: path.join(tempDir, 'held-library'),
      roots: () => [{ path: folder, excludes: [], missing: false }],
      jobs,
      log: () => {},
      timing: TIMING,
      onActivity: (done) => activity.push(done),
    });
    watcher.start();
    try {
      await watcher.ready();
      jobs.start([folder]); // the user's job, still running when the batch falls due
      fs.writeFileSync(path.join(folder, 'new.jpg'), 'bytes');
      // The batch fell due and was held, not started: the user's job still runs.
      await vi.waitFor(() => expect(activity).toContainEqual({ type: 'held', folders: [folder] }), { timeout: 20_000, interval: 10 });
      expect(activity.filter((done) => done.type === 'flushed')).toEqual([]);
      expect(calls).toEqual([[folder]]);

      release();
      await vi.waitFor(() => expect(calls).toEqual([[folder], [folder]]), { timeout: 5000, interval: 10 });
      expect(jobs.list()[0]).toMatchObject({ state: 'running', reason: 'watch' });
      release();
    } finally {
      await watcher.close();
    }
  });

  it.runIf(process.platform === 'linux')('should watch folders, not each photo (one inotify watch per folder)', async () => {
    const folder = path.join(tempDir, 'many');
    for (const sub of ['2023', '2024']) {
      fs.mkdirSync(path.join(folder, sub), { recursive: true });
      for (let i = 0; i < 40; i += 1) fs.writeFileSync(path.join(folder, sub, `photo-${i}.jpg`), `bytes ${i}`);
    }
    const watcher = new LibraryWatcher({
      libraryDir: path.join(tempDir, 'many-library'),
      roots: () => [{ path: folder, excludes: [], missing: false }],
      jobs: new IndexJobs(
        () => Promise.resolve(REPORT),
        () => {},
        () => {},
      ),
      log: () => {},
      timing: TIMING,
    });
    const before = inotifyWatches();
    watcher.start();
    try {
      await watcher.ready();
      expect(inotifyWatches() - before).toBe(3); // the folder and its two sub-folders; none of the 80 photos
    } finally {
      await watcher.close();
    }
  });

  it('should keep an error to its folder, and hear errors while and after closing', async () => {
    const bad = path.join(tempDir, 'erring');
    const good = path.join(tempDir, 'steady');
    fs.mkdirSync(bad);
    fs.mkdirSync(good);
    const logged: string[] = [];
    const created = new Map<string, FSWatcher>();
    const eloop = (): Error =>
      Object.assign(new Error(`ELOOP: too many symbolic links encountered, stat '${bad}/self/self'`), { code: 'ELOOP' });
    const { index, calls, release } = heldIndex();
    const watcher = new LibraryWatcher({
      libraryDir: path.join(tempDir, 'erring-library'),
      roots: () => [
        { path: bad, excludes: [], missing: false },
        { path: good, excludes: [], missing: false },
      ],
      jobs: new IndexJobs(
        index,
        () => {},
        () => {},
      ),
      log: (line) => logged.push(line),
      timing: TIMING,
      // Real watchers; the first one then meets a symlink loop, as chokidar reports it.
      watch: (target, options) => {
        const real = chokidarWatch(target, options);
        created.set(target, real);
        if (target === bad) real.once('ready', () => real.emit('error', eloop()));
        return real;
      },
    });
    watcher.start();
    try {
      await watcher.ready();
      await vi.waitFor(() => expect(logged.join('\n')).toContain('ELOOP'), { timeout: 5000, interval: 10 });
      expect(watcher.state).toMatchObject({ state: 'watching', folders: 2 });
      expect(watcher.state.roots).toEqual([
        { path: bad, state: 'watching', message: expect.stringContaining('ELOOP') as string },
        { path: good, state: 'watching', message: null },
      ]);
      const badWatcher = defined(created.get(bad), 'the erring watcher');
      expect(() => badWatcher.emit('error', eloop())).not.toThrow();

      // The other folder still gets its live updates.
      fs.writeFileSync(path.join(good, 'new.jpg'), 'bytes');
      await vi.waitFor(() => expect(calls).toEqual([[good]]), { timeout: 5000, interval: 10 });
      release();
    } finally {
      await watcher.close();
    }
    // chokidar's close() drops every listener; its walks still running may report an error later.
    for (const closed of created.values()) expect(() => closed.emit('error', eloop())).not.toThrow();
  });

  it('should stop, say why, and throw nothing when the system runs out of watches', async () => {
    const folder = path.join(tempDir, 'limited');
    fs.mkdirSync(folder);
    const logged: string[] = [];
    const watcher = new LibraryWatcher({
      libraryDir: path.join(tempDir, 'limited-library'),
      roots: () => [{ path: folder, excludes: [], missing: false }],
      jobs: new IndexJobs(
        () => Promise.resolve(REPORT),
        () => {},
        () => {},
      ),
      log: (line) => logged.push(line),
      timing: TIMING,
      // A real watcher that then hits the inotify limit, as chokidar reports it.
      watch: (target, options) => {
        const real = chokidarWatch(target, options);
        real.once('ready', () => {
          const limit = Object.assign(new Error(`ENOSPC: System limit for number of file watchers reached, watch '${target}'`), {
            code: 'ENOSPC',
          });
          real.emit('error', limit);
        });
        return real;
      },
    });
    watcher.start();
    try {
      await watcher.ready();
      await vi.waitFor(() => expect(watcher.state.state).toBe('failed'), { timeout: 5000, interval: 10 });
      expect(watcher.state).toEqual({
        state: 'failed',
        folders: 0,
        message: expect.stringContaining('fs.inotify.max_user_watches') as string,
        roots: [],
      });
      expect(watcher.state.message).toContain(folder);
      expect(logged.some((line) => line.includes('Live updates stopped'))).toBe(true);
    } finally {
      await watcher.close();
    }
  });
});

/** Inotify watches this process holds now (Linux: one `inotify wd:` line per watch in /proc/self/fdinfo). */
function inotifyWatches(): number {
  let watches = 0;
  for (const fd of fs.readdirSync('/proc/self/fdinfo')) {
    try {
      watches += fs
        .readFileSync(path.join('/proc/self/fdinfo', fd), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('inotify wd:')).length;
    } catch {
      // closed since the folder was listed
    }
  }
  return watches;
}

let markers = 0;

/**
 * Writes a file that is not a photo into the watched `folder` and waits until the watcher says it
 * heard it: the changes made before it in that folder have been heard by then (a folder's watch
 * reports in order). Live updates leave the marker out, so it starts no job.
 */
async function heardMarker(activity: readonly WatchActivity[], folder: string): Promise<void> {
  markers += 1;
  const marker = path.join(folder, `marker-${markers}.txt`);
  fs.writeFileSync(marker, '');
  await vi.waitFor(
    () => {
      if (!activity.some((done) => done.type === 'heard' && done.path === marker)) throw new Error(`live updates have not heard ${marker}`);
    },
    { timeout: 20_000, interval: 10 },
  );
}

/**
 * Waits until live updates are at rest: every change made so far heard (a marker in `folder`), every
 * batch they counted flushed to a job, and no job running.
 */
async function waitForLiveUpdatesSettled(events: readonly AppEvent[], activity: readonly WatchActivity[], folder: string): Promise<void> {
  await heardMarker(activity, folder);
  await vi.waitFor(
    () => {
      const lastCounted = activity.findLastIndex((done) => done.type === 'heard' && done.counted);
      const lastFlushed = activity.findLastIndex((done) => done.type === 'flushed');
      if (lastCounted > lastFlushed) throw new Error('a batch of changes is still gathering or held');
      const latest = new Map(jobsOf(events).map((job) => [job.id, job.state]));
      if ([...latest.values()].includes('running')) throw new Error('a job still runs');
    },
    { timeout: 30_000, interval: 20 },
  );
}
