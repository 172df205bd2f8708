/**
 * What browser mode needs beyond the contract: the original file of a photo for zooming (only an
 * indexed, unchanged photo, and its preview when a browser cannot show its format), "is this photo
 * in my library?" for a file the page uploads (bounded, private, cleaned up), and the page itself
 * for the renderer's own routes, so that links and reloads of `/library` or `/similar?photo=…` work.
 */
import { promises as fs } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src/bridge/index.js';
import { findUpload, receiveUpload, uploadFileName } from '../../src/bridge/find-upload.js';
import { requestLimits } from '../../src/bridge/request-limits.js';
import { isAppRoute } from '../../src/bridge/static-files.js';
import { Doppel } from '../../src/core/doppel.js';
import { ok, type Result } from '../../src/shared/result.js';
import { bridgeOriginalUrl, electronOriginalUrl } from '../../src/shared/thumbnails.js';
import type { FindReport } from '../../src/shared/types.js';
import { stringContaining } from '../helpers/matchers.js';
import { authHeaders } from './support/bridge-auth.js';
import { writePhotoFolder, type PhotoFolder } from './support/photo-folder.js';
import { ensureRendererBuilt } from './support/renderer-build.js';

let tempDir: string;
let bridge: Bridge;
let photos: PhotoFolder;
/** A TIFF copy of the harbour photo: indexed, but not a format a browser shows. */
let tiff: string;
/** Indexed, then rewritten with other pixels: the library no longer knows its bytes. */
let changed: string;
/** Written after indexing: inside the root, unknown to the library. */
let notIndexed: string;
let cookie: string;

function get(route: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(route, bridge.baseUrl), { headers, redirect: 'manual' });
}

function upload(bytes: Uint8Array, fileName: string, headers: Record<string, string> = { cookie }): Promise<Response> {
  return fetch(new URL('/api/find-upload', bridge.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(fileName), ...headers },
    body: bytes,
  });
}

/** Temporary upload folders the bridge left in the system's temp folder. */
async function uploadFolders(): Promise<string[]> {
  return (await fs.readdir(os.tmpdir())).filter((name) => name.startsWith('doppel-find-'));
}

beforeAll(async () => {
  tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'doppel-media-')));
  photos = await writePhotoFolder(path.join(tempDir, 'photos'));
  tiff = path.join(photos.root, 'harbour-scan.tif');
  await sharp(photos.original).tiff().toFile(tiff);
  changed = path.join(photos.root, 'meadow.jpg');
  const libraryDir = path.join(tempDir, 'library');
  const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
  await doppel.index([photos.root]);
  await doppel.close();
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a33' } })
    .jpeg()
    .toFile(changed);
  notIndexed = path.join(photos.root, 'later.jpg');
  await fs.copyFile(changed, notIndexed);
  bridge = await startBridge({ libraryDir, port: 0, host: '127.0.0.1', rendererDir: ensureRendererBuilt() });
  const signIn = await fetch(bridge.url, { redirect: 'manual' });
  cookie = (signIn.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning it
  await bridge?.close();
  await fs.rm(tempDir, { recursive: true, force: true });
});

describe('GET /original', () => {
  const original = (file: string): string => `/original?path=${encodeURIComponent(file)}`;

  it('should serve the bytes of an indexed JPEG as they are on disk', async () => {
    const response = await get(original(photos.original), { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await response.arrayBuffer()).equals(await fs.readFile(photos.original))).toBe(true);
  });

  it('should serve a PNG as a PNG', async () => {
    const response = await get(original(photos.pngExport), { cookie });
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer()).equals(await fs.readFile(photos.pngExport))).toBe(true);
  });

  it('should answer a format a browser cannot show (TIFF) with its JPEG preview', async () => {
    const response = await get(original(tiff), { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).format).toBe('jpeg');
  });

  it('should not serve a file the library did not index, even inside its folders', async () => {
    const response = await get(original(notIndexed), { cookie });
    expect(response.status).toBe(404);
  });

  it('should not serve a file whose bytes changed since it was indexed', async () => {
    const response = await get(original(changed), { cookie });
    expect(response.status).toBe(404);
  });

  it('should not serve files outside the library folders', async () => {
    const responses = await Promise.all([get(original('/etc/passwd'), { cookie }), get('/original?path=harbour.jpg', { cookie })]);
    expect(responses.map((response) => response.status)).toEqual([404, 404]);
    expect(await responses[0].text()).not.toContain('root:');
  });

  it('should answer 401 without a session, and 403 to another site', async () => {
    expect((await get(original(photos.original))).status).toBe(401);
    expect((await get(original(photos.original), { cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });
});

describe('POST /api/find-upload', () => {
  it('should find a library photo from its uploaded bytes, and leave no temporary file behind', async () => {
    const before = await uploadFolders();
    const response = await upload(await fs.readFile(photos.original), 'IMG_2041.jpg');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Result<FindReport>;
    expect(body.ok).toBe(true);
    if (!body.ok) return;
    expect([...body.value.exact].sort()).toEqual([photos.byteCopy, photos.original].sort());
    expect(body.value.pixel).toContain(photos.pngExport);
    expect(await uploadFolders()).toEqual(before);
  });

  it('should accept the bridge token instead of the cookie, for scripts', async () => {
    const response = await upload(await fs.readFile(photos.byteCopy), 'copy.jpg', authHeaders(bridge.url));
    expect(response.status).toBe(200);
  });

  it("should name the user's file, not the temporary copy, when the bytes are no photo", async () => {
    const response = await upload(Buffer.from('just some notes'), 'notes.jpg');
    const body = (await response.json()) as Result<FindReport>;
    expect(body).toEqual({ ok: false, error: { code: 'unsupported_format', message: stringContaining('notes.jpg') } });
    expect(JSON.stringify(body)).not.toContain('doppel-find-');
  });

  it('should refuse a body larger than the upload limit by its declared length, with 413', async () => {
    const before = await uploadFolders();
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(new URL('/api/find-upload', bridge.baseUrl), {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/octet-stream', 'content-length': String(requestLimits.maxUploadBytes + 1) },
      });
      request.once('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      request.once('error', reject);
      request.write(Buffer.alloc(1024)); // the rest never comes: the answer must not wait for it
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual({ ok: false, error: { code: 'invalid_input', message: stringContaining('250 MB') } });
    expect(await uploadFolders()).toEqual(before);
  });

  it('should refuse uploads without a session, from another site, or as a form could send them', async () => {
    const bytes = await fs.readFile(photos.original);
    const responses = await Promise.all([
      upload(bytes, 'a.jpg', {}),
      upload(bytes, 'a.jpg', { cookie, origin: 'https://evil.example' }),
      upload(bytes, 'a.jpg', { cookie, 'sec-fetch-site': 'cross-site' }),
      upload(bytes, 'a.jpg', { cookie, 'content-type': 'text/plain' }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([401, 403, 403, 400]);
    expect(await responses[3].json()).toEqual({
      ok: false,
      error: { code: 'transport', message: stringContaining('application/octet-stream') },
    });
  });
});

describe('findUpload', () => {
  let tempRoot: string;

  beforeEach(async () => {
    tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'doppel-upload-'));
  });

  afterEach(async () => {
    await fs.rm(tempRoot, { recursive: true, force: true });
  });

  /** A request as the bridge gets it: a body stream with a method and headers. */
  function request(chunks: readonly Buffer[], headers: Record<string, string> = {}): IncomingMessage {
    return Object.assign(Readable.from(chunks), {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'IMG_1.jpg', ...headers },
    }) as unknown as IncomingMessage;
  }

  it('should refuse a body that outgrows the limit without declaring it, and remove what it wrote', async () => {
    const searched: string[] = [];
    const answer = await findUpload(request([Buffer.alloc(600), Buffer.alloc(600)]), {
      maxBytes: 1000,
      tempRoot,
      find: (file) => {
        searched.push(file);
        return Promise.resolve(ok({}));
      },
    });
    expect(answer).toEqual({
      status: 413,
      result: { ok: false, error: { code: 'invalid_input', message: stringContaining('IMG_1.jpg') } },
    });
    expect(searched).toEqual([]);
    expect(await fs.readdir(tempRoot)).toEqual([]);
  });

  it('should search a private copy of the bytes under a safe name, then remove it', async () => {
    let seen: { name: string; bytes: string; folderMode: number; fileMode: number } | undefined;
    const answer = await findUpload(request([Buffer.from('photo bytes')], { 'x-file-name': encodeURIComponent('../../Été 1.JPG') }), {
      maxBytes: 1000,
      tempRoot,
      find: async (file) => {
        const [folderStat, fileStat] = await Promise.all([fs.stat(path.dirname(file)), fs.stat(file)]);
        seen = {
          name: path.relative(tempRoot, file).split(path.sep).slice(1).join('/'),
          bytes: await fs.readFile(file, 'utf8'),
          folderMode: folderStat.mode & 0o777,
          fileMode: fileStat.mode & 0o777,
        };
        return ok({ exact: [], pixel: [], near: [] });
      },
    });
    expect(answer.result.ok).toBe(true);
    expect(seen).toEqual({ name: 'Été 1.JPG', bytes: 'photo bytes', folderMode: 0o700, fileMode: 0o600 });
    expect(await fs.readdir(tempRoot)).toEqual([]);
  });

  it('should remove the copy when the search throws', async () => {
    const search = findUpload(request([Buffer.from('x')]), {
      maxBytes: 1000,
      tempRoot,
      find: () => Promise.reject(new Error('disk on fire')),
    });
    await expect(search).rejects.toThrow('disk on fire');
    expect(await fs.readdir(tempRoot)).toEqual([]);
  });

  it('should count every byte of an oversized body but keep only up to the limit', async () => {
    const file = path.join(tempRoot, 'upload.jpg');
    const received = await receiveUpload(Readable.from([Buffer.alloc(700), Buffer.alloc(700), Buffer.alloc(700)]), file, 1000);
    expect(received).toEqual({ ok: false, size: 2100 });
    expect((await fs.stat(file)).size).toBe(700);
  });
});

describe('uploadFileName', () => {
  it('should keep a plain name', () => {
    expect(uploadFileName('IMG_2041.HEIC')).toBe('IMG_2041.HEIC');
  });

  it('should keep only the last segment of a path, decoded', () => {
    expect(uploadFileName('..%2F..%2Fetc%2FIMG%201.CR2')).toBe('IMG 1.CR2');
    expect(uploadFileName('C:\\Users\\me\\photo.jpg')).toBe('photo.jpg');
  });

  it('should drop leading dots and characters a file system or shell might read', () => {
    expect(uploadFileName('.hidden$`;|.png')).toBe('hidden.png');
  });

  it('should fall back to `upload` for an empty or missing name', () => {
    expect(uploadFileName(undefined)).toBe('upload');
    expect(uploadFileName('..')).toBe('upload');
  });

  it('should shorten a long name and keep its extension', () => {
    const name = uploadFileName(`${'a'.repeat(300)}.jpeg`);
    expect(name).toHaveLength(100);
    expect(name.endsWith('.jpeg')).toBe(true);
  });
});

describe('renderer routes', () => {
  it('should serve the page for the renderer routes once signed in', async () => {
    for (const route of ['/library?sort=name', '/folders', '/about', '/duplicates', '/similar?photo=%2Fp%2Fa.jpg', '/find', '/settings']) {
      const response = await get(route, { cookie });
      expect(response.status, route).toBe(200);
      expect(response.headers.get('content-type'), route).toBe('text/html; charset=utf-8');
      expect(await response.text(), route).toContain('<div id="app">');
    }
  });

  it('should show the sign-in page for a route without a session', async () => {
    const response = await get('/similar?photo=x');
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain('Open Doppel from its link');
    expect(html).not.toContain('<div id="app">');
  });

  it('should answer 404, not the page, for missing assets and the bridge own routes', async () => {
    for (const route of ['/assets/nope.js', '/favicon.ico', '/api', '/thumb/x', '/original/x']) {
      expect((await get(route, { cookie })).status, route).toBe(404);
    }
  });

  it('should sign in from a route with the token, and redirect to / only', async () => {
    const response = await get(`/similar?photo=x&token=${bridge.token}`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
  });
});

describe('isAppRoute', () => {
  it('should take extensionless paths outside the bridge routes', () => {
    expect(['/', '/library', '/similar', '/library/', '/folders/a'].filter((route) => isAppRoute(route))).toHaveLength(5);
  });

  it('should leave files, assets and bridge routes alone', () => {
    expect(
      ['/assets/x.js', '/assets/x', '/icon.svg', '/api', '/api/x', '/thumb', '/preview/x', '/original'].filter((route) =>
        isAppRoute(route),
      ),
    ).toEqual([]);
  });
});

describe('original URLs', () => {
  it('should name the photo in the query, as thumbnails and previews do', () => {
    expect(bridgeOriginalUrl('http://127.0.0.1:5000/', '/p/a b.jpg')).toBe('http://127.0.0.1:5000/original?path=%2Fp%2Fa%20b.jpg');
    expect(electronOriginalUrl('/p/a.jpg')).toBe('doppel-thumb://original/?path=%2Fp%2Fa.jpg');
  });
});
