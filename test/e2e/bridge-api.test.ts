/**
 * The bridge speaks the IPC contract over HTTP: same validation, same Result envelope, same
 * dispatcher as the Electron engine process. No browser needed here; every request signs in with
 * the bridge's token (bridge-security.test.ts covers what happens without it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src/bridge/index.js';
import { requestLimits } from '../../src/bridge/request-limits.js';
import type { JobSnapshot } from '../../src/shared/ipc-contract.js';
import type { Result } from '../../src/shared/result.js';
import type { PhotoPage, Timeline } from '../../src/shared/types.js';
import { stringContaining } from '../helpers/matchers.js';
import { authHeaders } from './support/bridge-auth.js';
import { writePhotoFolder, type PhotoFolder } from './support/photo-folder.js';
import { recordEvents } from './support/sse.js';

let tempDir: string;
let bridge: Bridge;
let photos: PhotoFolder;

async function call(
  channel: string,
  input?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Result<unknown> }> {
  const response = await fetch(new URL(`/api/${channel}`, bridge.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(bridge.url), ...headers },
    ...(input === undefined ? {} : { body: JSON.stringify(input) }),
  });
  return { status: response.status, body: (await response.json()) as Result<unknown> };
}

/** A signed-in GET, as the page's <img> tags make it. */
function get(route: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(route, bridge.url), { headers: { ...authHeaders(bridge.url), ...headers } });
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-bridge-'));
  photos = await writePhotoFolder(path.join(tempDir, 'photos'));
  bridge = await startBridge({ libraryDir: path.join(tempDir, 'library'), port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning it
  await bridge?.close();
  await rm(tempDir, { recursive: true, force: true });
});

describe('bridge API', () => {
  it('should listen on 127.0.0.1 only', () => {
    expect(new URL(bridge.url).hostname).toBe('127.0.0.1');
  });

  it('should answer library:stats with an empty library in the envelope', async () => {
    const { status, body } = await call('library:stats');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, value: { files: 0, roots: [], libraryDir: path.join(tempDir, 'library') } });
  });

  it('should reject input that fails the contract with invalid_input', async () => {
    const { status, body } = await call('find:query', { path: 'relative/photo.jpg' });
    expect(status).toBe(400);
    expect(body).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: stringContaining('path: must be an absolute path') },
    });
  });

  it('should reject unknown fields (strict schemas)', async () => {
    const { body } = await call('library:index', { roots: [photos.root], extra: 1 });
    expect(body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('should answer an unknown channel with unknown_channel', async () => {
    const { status, body } = await call('library:format', {});
    expect(status).toBe(404);
    expect(body).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('should refuse calls from another origin', async () => {
    const response = await fetch(new URL('/api/library:stats', bridge.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(bridge.url), origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
  });

  it('should refuse calls without a JSON content type', async () => {
    const response = await fetch(new URL('/api/library:stats', bridge.url), { method: 'POST', headers: authHeaders(bridge.url), body: '' });
    const body = (await response.json()) as Result<unknown>;
    expect(body).toMatchObject({ ok: false, error: { code: 'transport' } });
  });

  it('should refuse a missing folder at once, naming it, without starting a job', async () => {
    const missing = path.join(tempDir, 'no-such-folder');
    const started = await call('library:index', { roots: [missing] });
    expect(started.status).toBe(400);
    expect(started.body).toMatchObject({ ok: false, error: { code: 'invalid_input', message: stringContaining(missing) } });
    const jobs = (await call('jobs:list', undefined)).body as Result<JobSnapshot[]>;
    expect(jobs.ok && jobs.value.some((job) => job.roots.includes(missing))).toBe(false);
  });

  it('should index as a job: id at once, throttled progress events, then the report', async () => {
    const recorder = await recordEvents(bridge.url);
    const started = await call('library:index', { roots: [photos.root] });
    expect(started.body.ok).toBe(true);
    const { jobId } = (started.body as { value: { jobId: string } }).value;
    const finished = await waitFor(
      () =>
        recorder.events
          .map((event) => (event.type === 'job' && event.job.id === jobId ? event.job : null))
          .find((job): job is JobSnapshot => job !== null && job.state !== 'running'),
      'the job to finish',
    );
    recorder.stop();
    expect(finished).toMatchObject({ state: 'done', report: { scanned: photos.all.length, cancelled: false, errors: [] } });
    const running = recorder.events.filter((event) => event.type === 'job' && event.job.state === 'running');
    expect(running.length).toBeGreaterThan(0);

    const jobs = (await call('jobs:list')).body as { value: JobSnapshot[] };
    expect(jobs.value[0]).toMatchObject({ id: jobId, state: 'done' });
  });

  it('should answer jobs:cancel for a finished job with cancelled: false', async () => {
    const jobs = (await call('jobs:list')).body as { value: JobSnapshot[] };
    const { body } = await call('jobs:cancel', { jobId: jobs.value[0]?.id ?? 'none' });
    expect(body).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('should list the byte copy as an exact duplicate group', async () => {
    const { body } = await call('duplicates:list', { kind: 'exact' });
    expect(body).toMatchObject({ ok: true });
    const groups = (body as { value: { groups: { kind: string; copies: { path: string }[] }[] } }).value.groups;
    expect(groups).toHaveLength(1);
    expect((groups[0]?.copies ?? []).map((copy) => copy.path).sort()).toEqual([photos.original, photos.byteCopy].sort());
  });

  it('should page library:photos by cursor, every photo once, as many as library:timeline counts', async () => {
    const timeline = (await call('library:timeline', { sort: 'name' })).body as Result<Timeline>;
    if (!timeline.ok) throw new Error('library:timeline failed');
    expect(timeline.value.total).toBe(photos.all.length);
    const paths: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const answer = (await call('library:photos', { sort: 'name', limit: 3, ...(after ? { after } : {}) })).body as Result<PhotoPage>;
      if (!answer.ok) throw new Error('library:photos failed');
      paths.push(...answer.value.photos.map((photo) => photo.path));
      after = answer.value.next;
      pages += 1;
    } while (after !== null && pages <= photos.all.length);
    expect(pages).toBe(Math.ceil(photos.all.length / 3));
    expect([...paths].sort()).toEqual([...photos.all].sort());
    expect(paths.map((file) => path.basename(file).toLowerCase())).toEqual(
      photos.all.map((file) => path.basename(file).toLowerCase()).sort(),
    );
  });

  it('should reject a library:photos page bigger than 500, an offset, or a cursor it did not give out', async () => {
    const tooBig = await call('library:photos', { limit: 501 });
    expect(tooBig.body).toMatchObject({ ok: false, error: { code: 'invalid_input', message: stringContaining('limit') } });
    const offset = await call('library:photos', { offset: 4, limit: 10 });
    expect(offset.body).toMatchObject({ ok: false, error: { code: 'invalid_input', message: stringContaining('offset') } });
    const garbage = await call('library:photos', { after: 'not-a-cursor', limit: 10 });
    expect(garbage.body).toMatchObject({ ok: false, error: { code: 'invalid_input', message: stringContaining('Invalid page cursor') } });
  });

  it('should answer library:photo with the byte copy and the pixel copy of a photo', async () => {
    const { body } = await call('library:photo', { path: photos.original });
    expect(body).toMatchObject({
      ok: true,
      value: {
        path: photos.original,
        root: photos.root,
        format: 'jpeg',
        exactCopies: [photos.byteCopy],
        pixelCopies: [photos.pngExport],
        error: null,
      },
    });
    const unknown = await call('library:photo', { path: path.join(photos.root, 'copies') });
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'invalid_input', message: stringContaining('is not in the library') } });
  });

  it('should serve the thumbnail of an indexed photo as WebP', async () => {
    const response = await get(`/thumb?path=${encodeURIComponent(photos.original)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(8, 12).toString('ascii')).toBe('WEBP');
  });

  it('should not serve files that are not thumbnails of indexed photos', async () => {
    const outside = await get(`/thumb?path=${encodeURIComponent('/etc/passwd')}`);
    expect(outside.status).toBe(404);
    const traversal = await get('/..%2f..%2f..%2fetc%2fpasswd');
    expect(await traversal.text()).not.toContain('root:');
  });

  it('should serve a large JPEG preview of an indexed photo', async () => {
    const response = await get(`/preview?path=${encodeURIComponent(photos.original)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toBe('private, max-age=60');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  });

  it('should not serve previews of files the library did not index', async () => {
    const outside = await get(`/preview?path=${encodeURIComponent('/etc/passwd')}`);
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toContain('root:');
    expect((await get('/preview?path=harbour.jpg')).status).toBe(404);
    expect((await get('/preview')).status).toBe(404);
  });

  it('should refuse previews asked for by another origin', async () => {
    const route = `/preview?path=${encodeURIComponent(photos.original)}`;
    expect((await get(route, { origin: 'https://evil.example' })).status).toBe(403);
  });
});

/** What came back for a signed-in `POST /api/library:stats` sent with node:http, and over which socket. */
interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly reusedSocket: boolean;
  readonly localPort: number | undefined;
}

/**
 * Sends `body` to library:stats over `agent` (a new connection when false): as one piece with its
 * length declared, or as `chunks` without one (chunked encoding). Rejects on a reset.
 */
function rawCall(options: { agent: http.Agent | false; body?: Buffer; chunks?: readonly Buffer[] }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL('/api/library:stats', bridge.baseUrl), {
      method: 'POST',
      agent: options.agent,
      headers: {
        'content-type': 'application/json',
        ...authHeaders(bridge.url),
        ...(options.body ? { 'content-length': String(options.body.length) } : {}),
      },
      timeout: 30_000,
    });
    request.once('response', (response: IncomingMessage) => {
      const localPort = response.socket.localPort; // the agent takes the socket back at 'end'
      const received: Buffer[] = [];
      response.on('data', (chunk: Buffer) => received.push(chunk));
      response.once('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(received).toString('utf8'),
          reusedSocket: request.reusedSocket,
          localPort,
        }),
      );
    });
    request.once('timeout', () => request.destroy(new Error('no answer within 30 s')));
    request.once('error', reject);
    if (options.body) request.end(options.body);
    else {
      for (const chunk of options.chunks ?? []) request.write(chunk);
      request.end();
    }
  });
}

/** `size` bytes of valid JSON: one long string. */
function jsonOfSize(size: number): Buffer {
  return Buffer.from(JSON.stringify('x'.repeat(size - 2)));
}

describe('bridge connections', () => {
  it('should keep an idle signed-in keep-alive socket open through a 6 s client stall, and answer on it', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await rawCall({ agent });
      expect(first.status).toBe(200);
      // The one real wait: longer than Node's default keepAliveTimeout (5 s), which reset the next request.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const second = await rawCall({ agent });
      expect({ status: second.status, reusedSocket: second.reusedSocket, localPort: second.localPort }).toEqual({
        status: 200,
        reusedSocket: true,
        localPort: first.localPort,
      });
    } finally {
      agent.destroy();
    }
  });
});

describe('bridge request bodies', () => {
  const tooLarge = {
    ok: false,
    error: {
      code: 'invalid_input',
      message: stringContaining(`Input for library:stats is larger than ${requestLimits.maxBodyBytes} bytes`),
    },
  };

  it('should answer a JSON body over the limit with 413 and the error envelope, not a reset', async () => {
    const justOver = jsonOfSize(requestLimits.maxBodyBytes + 1);
    const fourTimes = jsonOfSize(4 * requestLimits.maxBodyBytes);
    const chunked = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 0x20)); // 4 MiB of spaces, no length declared
    // Several times: the reset this replaces came and went with timing.
    for (let round = 0; round < 3; round += 1) {
      const answers = [
        await rawCall({ agent: false, body: justOver }),
        await rawCall({ agent: false, body: fourTimes }),
        await rawCall({ agent: false, chunks: chunked }),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(413);
        expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(JSON.parse(answer.body)).toEqual(tooLarge);
      }
    }
  });

  it('should keep a connection whose over-limit body it read, and close one whose body it did not', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const drained = await rawCall({ agent, body: jsonOfSize(2 * requestLimits.maxBodyBytes) });
      expect(drained.status).toBe(413);
      const next = await rawCall({ agent });
      expect({ status: next.status, reusedSocket: next.reusedSocket }).toEqual({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
    }
    // Declared far past what is worth reading: answered at once, unread; only 1 KiB of it is ever sent.
    const { status, body, connection } = await new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
      const request = http.request(new URL('/api/library:stats', bridge.baseUrl), {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          ...authHeaders(bridge.url),
          'content-length': String(requestLimits.maxDrainedBodyBytes + 1),
        },
        timeout: 30_000,
      });
      request.once('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            connection: response.headers.connection,
          }),
        );
      });
      request.once('timeout', () => request.destroy(new Error('no answer within 30 s')));
      request.once('error', reject);
      request.write(Buffer.alloc(1024, 0x20));
    });
    expect({ status, connection }).toEqual({ status: 413, connection: 'close' });
    expect(JSON.parse(body)).toEqual(tooLarge);
  });
});
