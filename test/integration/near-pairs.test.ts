/**
 * The near-duplicate comparison runs in a worker thread of the built bundles (dist/cli.mjs starts
 * dist/near-pairs-worker.mjs), saves its pairs in the library folder for the next run, and reports
 * progress as `nearPairs` events through `doppel serve` while the server keeps answering.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../src/shared/ipc-contract';
import type { Result } from '../../src/shared/result';
import type { DuplicatesPage, DuplicatesReport, LibraryStats, NearPairsProgress } from '../../src/shared/types';
import { authHeaders } from '../e2e/support/bridge-auth';
import { recordEvents } from '../e2e/support/sse';
import { buildLibrary, type LibraryManifest } from '../fixtures';
import { REPO_ROOT, ensureCliBuilt, runCli, runCliJson, tempDir } from '../helpers/cli';

let work: string;
let manifest: LibraryManifest;
let library: string;

beforeAll(async () => {
  ensureCliBuilt();
  work = tempDir('near-pairs');
  manifest = await buildLibrary(path.join(work, 'Photos'));
  library = path.join(work, 'library');
  await runCliJson(['index', manifest.root, '--library', library]);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function savedPairFiles(): string[] {
  return fs.readdirSync(library).filter((name) => name.endsWith('.near-pairs'));
}

function groupSets(report: DuplicatesReport): string[] {
  return report.groups.map((group) => [...group.files].sort().join(' ')).sort();
}

describe('near-duplicate comparison in the built app', () => {
  it('should report the comparison through `doppel serve` as nearPairs events while other calls answer', async () => {
    const server = await startServer(library);
    const events = await recordEvents(server.url);
    try {
      const listing = call<DuplicatesPage>(server.url, 'duplicates:list', { kind: 'near' });
      const stats = await call<LibraryStats>(server.url, 'library:stats');
      expect(stats.ok && stats.value.files).toBeGreaterThan(0);
      const report = await listing;
      expect(report.ok && report.value.groups.length).toBeGreaterThan(0);
      await until(() => nearPairEvents(events.events).some((progress) => progress.state !== 'running'), 'the final nearPairs event');
      const progress = nearPairEvents(events.events);
      expect(progress[0]).toMatchObject({ state: 'running', mode: 'full' });
      expect(progress.at(-1)).toMatchObject({ state: 'done', mode: 'full' });
      expect(progress.at(-1)?.done).toBe(progress.at(-1)?.total);
    } finally {
      events.stop();
      await server.stop();
    }
    expect(savedPairFiles()).toHaveLength(1);
  });

  it('should start the next run from the saved pairs, in a worker thread: the same groups, no search', async () => {
    const searched = await runCli(['duplicates', '--kind', 'near', '--json', '--library', library], { DOPPEL_DEBUG: '1' });
    expect(searched.code, searched.stderr).toBe(0);
    expect(searched.stderr).toContain('pairs brought up to date in worker thread');
    expect(searched.stderr).not.toMatch(/nearest neighbours of|hash pairs of/);
    const again = await runCliJson<DuplicatesReport>(['duplicates', '--kind', 'near', '--library', library]);
    expect(groupSets(again)).toEqual(groupSets(JSON.parse(searched.stdout) as DuplicatesReport));
  });

  it('should search everything again when the saved pairs are gone, and find the same groups', async () => {
    const before = await runCliJson<DuplicatesReport>(['duplicates', '--kind', 'near', '--threshold', '0.9', '--library', library]);
    for (const name of savedPairFiles()) fs.rmSync(path.join(library, name));
    const searched = await runCli(['duplicates', '--kind', 'near', '--threshold', '0.9', '--json', '--library', library], {
      DOPPEL_DEBUG: '1',
    });
    expect(searched.stderr).toMatch(/hash pairs of \d+ pictures/);
    expect(groupSets(JSON.parse(searched.stdout) as DuplicatesReport)).toEqual(groupSets(before));
  });
});

function nearPairEvents(events: readonly AppEvent[]): NearPairsProgress[] {
  return events.flatMap((event) => (event.type === 'nearPairs' ? [event.progress] : []));
}

async function call<T>(url: string, channel: string, input?: unknown): Promise<Result<T>> {
  const response = await fetch(new URL(`/api/${channel}`, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(url) },
    ...(input === undefined ? {} : { body: JSON.stringify(input) }),
  });
  return (await response.json()) as Result<T>;
}

async function until(probe: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Server {
  readonly url: string;
  stop(): Promise<void>;
}

/** `doppel serve` from the built CLI; answers once it printed its sign-in address. */
async function startServer(libraryDir: string): Promise<Server> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'doppel.mjs'), 'serve', '--no-open', '--port', '0', '--library', libraryDir],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (!(url = /https?:\/\/\S+token=\S+/.exec(output)?.[0])) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`doppel serve did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}
