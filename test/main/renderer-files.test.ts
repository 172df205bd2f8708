/** app://doppel/ serves out/renderer and nothing else, with the CSP and nosniff on every answer. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/main/content-security';
import { contentTypeOf, rendererPath, rendererResponse, resolveRendererFile } from '../../src/main/renderer-files';
import { tempDir } from '../helpers/cli';

let root: string;
/** A built renderer: index.html and one script, in a folder next to a secret. */
let renderer: string;

beforeEach(() => {
  root = fs.realpathSync(tempDir('renderer-files'));
  renderer = path.join(root, 'out', 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Doppel</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'out', 'secret.txt'), 'SECRET CONTENTS');
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const get = (url: string): Promise<Response> => rendererResponse(renderer, { url, method: 'GET' });

describe('rendererPath', () => {
  it('should map the root to index.html', () => {
    expect(rendererPath('app://doppel/')).toEqual({ ok: true, segments: ['index.html'] });
  });

  it('should decode each segment', () => {
    expect(rendererPath('app://doppel/assets/a%20b.js?v=1#x')).toEqual({ ok: true, segments: ['assets', 'a b.js'] });
  });

  it('should refuse another scheme, host or user info', () => {
    expect(rendererPath('file:///etc/passwd')).toMatchObject({ ok: false, status: 404 });
    expect(rendererPath('app://other/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(rendererPath('app://x@doppel/index.html')).toMatchObject({ ok: false, status: 404 });
  });

  it('should refuse encoded separators, dot segments, drive colons and NUL', () => {
    for (const url of [
      'app://doppel/assets%2F..%2F..%2Fsecret.txt',
      'app://doppel/%2e%2e%5csecret.txt',
      'app://doppel/..%5C..%5Csecret.txt',
      'app://doppel/C:%5Cwindows',
      'app://doppel/index.html%00.js',
      'app://doppel/assets//index-abc.js',
    ]) {
      expect(rendererPath(url), url).toMatchObject({ ok: false, status: 404 });
    }
  });

  it('should answer 400 for a malformed escape', () => {
    expect(rendererPath('app://doppel/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
  });
});

describe('resolveRendererFile', () => {
  it('should find a file with its MIME type', async () => {
    expect(await resolveRendererFile(renderer, 'app://doppel/assets/index-abc.js')).toEqual({
      ok: true,
      file: path.join(renderer, 'assets', 'index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
  });

  it('should not climb out with dot segments (the URL parser removes them first)', async () => {
    expect(await resolveRendererFile(renderer, 'app://doppel/../secret.txt')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveRendererFile(renderer, 'app://doppel/assets/%2e%2e/%2e%2e/secret.txt')).toMatchObject({ ok: false, status: 404 });
  });

  it('should refuse a symlink inside the renderer folder that leads out of it', async () => {
    fs.symlinkSync(path.join(root, 'out', 'secret.txt'), path.join(renderer, 'assets', 'leak.js'));
    expect(await resolveRendererFile(renderer, 'app://doppel/assets/leak.js')).toMatchObject({ ok: false, status: 404 });
  });

  it('should serve from a renderer folder reached through a symlink', async () => {
    const link = path.join(root, 'linked-renderer');
    fs.symlinkSync(renderer, link, 'dir');
    expect(await resolveRendererFile(link, 'app://doppel/index.html')).toMatchObject({ ok: true, file: path.join(renderer, 'index.html') });
  });

  it('should answer 404 for a folder or a missing file', async () => {
    expect(await resolveRendererFile(renderer, 'app://doppel/assets')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveRendererFile(renderer, 'app://doppel/missing.js')).toMatchObject({ ok: false, status: 404 });
  });
});

describe('rendererResponse', () => {
  it('should serve index.html with the CSP, nosniff and its type', async () => {
    const response = await get('app://doppel/index.html');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<!doctype html><title>Doppel</title>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('should carry the security headers on errors too', async () => {
    const response = await get('app://doppel/../secret.txt');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('SECRET CONTENTS');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('should answer HEAD without a body', async () => {
    const response = await rendererResponse(renderer, { url: 'app://doppel/assets/index-abc.js', method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('should refuse methods other than GET and HEAD', async () => {
    const response = await rendererResponse(renderer, { url: 'app://doppel/index.html', method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('contentTypeOf', () => {
  it('should type what Vite emits and fall back to bytes', () => {
    expect(contentTypeOf('a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('font.woff2')).toBe('font/woff2');
    expect(contentTypeOf('notes.txt')).toBe('application/octet-stream');
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  it('should say what the issue asks, with thumbnails from doppel-thumb: and dropped files from blob:', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' doppel-thumb: data: blob:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
  });

  it('should allow nothing the meta tag of src/renderer/index.html forbids', () => {
    const html = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'src', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    const metaDirectives = new Map(meta.split(';').map((part) => splitDirective(part)));
    for (const [directive, sources] of CONTENT_SECURITY_POLICY.split(';').map((part) => splitDirective(part))) {
      const allowedByMeta = metaDirectives.get(directive) ?? metaDirectives.get('default-src') ?? [];
      if (directive === 'frame-ancestors') continue; // a header-only directive: the meta tag cannot say it
      expect(
        sources.filter((source) => !allowedByMeta.includes(source)),
        directive,
      ).toEqual([]);
    }
  });
});

function splitDirective(part: string): [string, string[]] {
  const [directive = '', ...sources] = part.trim().split(/\s+/);
  return [directive, sources];
}
