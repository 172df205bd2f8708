/**
 * One engine process runs the near-duplicate search in the real worker thread (the built bundles:
 * dist/cli.mjs starts dist/near-pairs-worker.mjs; under vitest the sources have no built worker
 * beside them, so the engine there searches inline), then answers Find and Similar from its own
 * vector index. Both threads load the FAISS addon, and the engine keeps serving after the worker
 * is gone: issue 18 saw it abort here (FATAL ERROR: v8::HandleScope::CreateHandle()), 5 runs in 5.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/result';
import type { DuplicatesPage, FindReport, LibraryStats, SimilarReport } from '../../src/shared/types';
import { authHeaders } from '../e2e/support/bridge-auth';
import { writePhotoFolder, type PhotoFolder } from '../e2e/support/photo-folder';
import { REPO_ROOT, ensureCliBuilt, runCliJson, tempDir } from '../helpers/cli';

let work: string;
let photos: PhotoFolder;
let library: string;

beforeAll(async () => {
  ensureCliBuilt();
  work = tempDir('near-then-find');
  photos = await writePhotoFolder(path.join(work, 'Photos'));
  library = path.join(work, 'library');
  await runCliJson(['index', photos.root, '--library', library]);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('an engine after a near-duplicate search in its worker thread', () => {
  it('should answer Find and Similar from the same `doppel serve` process', async () => {
    // dist/cli.mjs runs the search in this worker when it lies beside it (near-pairs.test.ts checks the CLI says so).
    expect(fs.existsSync(path.join(REPO_ROOT, 'dist', 'near-pairs-worker.mjs'))).toBe(true);
    const server = await startServer(library);
    try {
      const near = await server.call<DuplicatesPage>('duplicates:list', { kind: 'near' });
      expect(near.ok && near.value.groups.some((group) => group.copies.some((copy) => copy.path === photos.resized))).toBe(true);

      const found = await server.call<FindReport>('find:query', { path: photos.original });
      expect(found.ok, JSON.stringify(found)).toBe(true);
      if (!found.ok) return;
      expect(found.value.exact).toContain(photos.byteCopy);
      expect(found.value.pixel).toContain(photos.pngExport);
      expect(found.value.near.map((hit) => hit.path)).toContain(photos.resized);

      const similar = await server.call<readonly SimilarReport[]>('similar:query', { paths: [photos.resized] });
      expect(similar.ok, JSON.stringify(similar)).toBe(true);
      if (!similar.ok) return;
      const [report] = similar.value;
      expect(report?.error).toBeUndefined();
      expect(report?.results.map((hit) => hit.path)).toContain(photos.original);
      expect(report?.results[0]?.score).toBeGreaterThan(0.9);

      // A second search in a new worker, then Find again: the engine's thread is unharmed by either.
      fs.rmSync(path.join(library, fs.readdirSync(library).find((name) => name.endsWith('.near-pairs')) ?? 'none'), { force: true });
      const again = await server.call<DuplicatesPage>('duplicates:list', { kind: 'near', threshold: 0.9 });
      expect(again.ok).toBe(true);
      const foundAgain = await server.call<FindReport>('find:query', { path: photos.resized });
      expect(foundAgain.ok && foundAgain.value.near.map((hit) => hit.path)).toContain(photos.original);
      const stats = await server.call<LibraryStats>('library:stats');
      expect(stats.ok && stats.value.files).toBe(photos.all.length);
      expect(server.output()).not.toMatch(/FATAL ERROR|Segmentation fault/);
    } finally {
      await server.stop();
    }
  });
});

interface Server {
  /** A signed-in call; a server that died instead of answering fails it with everything it printed. */
  call<T>(channel: string, input?: unknown): Promise<Result<T>>;
  output(): string;
  stop(): Promise<void>;
}

/** `doppel serve` from the built CLI; answers once it printed its sign-in address. */
async function startServer(libraryDir: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'doppel.mjs'), 'serve', '--no-open', '--port', '0', '--library', libraryDir],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ended: { how?: string } = {}; // set by the child's exit callback
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended.how = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    }),
  );
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (!(url = /https?:\/\/\S+token=\S+/.exec(output)?.[0])) {
    if (Date.now() > deadline || ended.how !== undefined) throw new Error(`doppel serve did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const signedIn = url;
  return {
    call: async <T>(channel: string, input?: unknown): Promise<Result<T>> => {
      try {
        const response = await fetch(new URL(`/api/${channel}`, signedIn), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...authHeaders(signedIn) },
          ...(input === undefined ? {} : { body: JSON.stringify(input) }),
        });
        return (await response.json()) as Result<T>;
      } catch (error) {
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
        throw new Error(
          `${channel} got no answer (${(error as Error).message}); doppel serve: ${ended.how ?? 'still running'}\n${output}`,
          {
            cause: error,
          },
        );
      }
    },
    output: () => output,
    stop: async () => {
      if (ended.how === undefined) child.kill('SIGINT');
      await exited;
    },
  };
}
