/**
 * Reading a photo file is bounded: only regular files, only up to the size limit, and only past the
 * header when the header is an image's. A FIFO, /dev/zero or a 2 GB junk file named .jpg used to be
 * read whole (or waited on forever).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/shared/errors';
import { readPhotoFile } from '../../src/core/media/photo-file';
import { imageFormatOfHeader } from '../../src/core/scan/image-types';
import { tempDir } from '../helpers/cli';

let work: string;
let jpeg: string;
let jpegBytes: Buffer;

beforeEach(async () => {
  work = tempDir('photo-file');
  jpeg = path.join(work, 'photo.jpg');
  jpegBytes = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#4080c0' } })
    .jpeg()
    .toBuffer();
  fs.writeFileSync(jpeg, jpegBytes);
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** Resolves with what `promise` settles to, or rejects after `ms` (a read that blocks fails the test instead of hanging it). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<PromiseSettledResult<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    promise
      .then(
        (value) => resolve({ status: 'fulfilled', value }),
        (reason: unknown) => resolve({ status: 'rejected', reason }),
      )
      .finally(() => clearTimeout(timer));
  });
}

function makeFifo(name: string): string {
  const fifo = path.join(work, name);
  execFileSync('mkfifo', [fifo]);
  return fifo;
}

/** Lets any open() still waiting on `fifo` for a writer go (so a failing test leaves no thread blocked). */
function releaseFifo(fifo: string): void {
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody is waiting on it
  }
}

describe('readPhotoFile', () => {
  it('should return the bytes of a JPEG with the SHA-256 of those bytes as its content hash', async () => {
    const read = await readPhotoFile(jpeg);
    expect(read.bytes.equals(jpegBytes)).toBe(true);
    expect(read.size).toBe(jpegBytes.length);
    expect(read.mtimeMs).toBe(fs.statSync(jpeg).mtimeMs);
    expect(read.contentHash).toBe(createHash('sha256').update(jpegBytes).digest('hex'));
  });

  it('should hash a file of several read chunks as one whole', async () => {
    const big = Buffer.concat([jpegBytes, Buffer.alloc(3_500_000, 7)]);
    fs.writeFileSync(jpeg, big);
    expect((await readPhotoFile(jpeg)).contentHash).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it.skipIf(process.platform === 'win32')('should refuse a FIFO at once, and five such reads must not stall a normal read', async () => {
    const fifo = makeFifo('stream.jpg');
    try {
      const started = Date.now();
      const fifoReads = Promise.allSettled(Array.from({ length: 5 }, () => readPhotoFile(fifo)));
      const normal = await within(readPhotoFile(jpeg), 5000, 'a read of a regular file beside five FIFO reads');
      const refused = await within(fifoReads, 5000, 'five reads of a FIFO');
      expect(Date.now() - started).toBeLessThan(1000);
      expect(normal.status).toBe('fulfilled');
      expect(refused.status === 'fulfilled' && refused.value.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
      await expect(readPhotoFile(fifo)).rejects.toThrow(`Cannot read ${fifo}: not a regular file (a FIFO)`);
    } finally {
      for (let i = 0; i < 5; i++) releaseFifo(fifo);
    }
  });

  it.skipIf(!fs.existsSync('/dev/zero'))('should refuse /dev/zero as not a regular file, without reading from it', async () => {
    const before = process.memoryUsage().arrayBuffers;
    await expect(readPhotoFile('/dev/zero')).rejects.toThrow('Cannot read /dev/zero: not a regular file (a character device)');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20e6);
  });

  it('should refuse a folder', async () => {
    await expect(readPhotoFile(work)).rejects.toThrow(`Cannot read ${work}: it is a folder, not an image`);
  });

  it('should refuse a 50 MB junk file named .jpg after reading only its header', async () => {
    const junk = path.join(work, 'junk.jpg');
    fs.writeFileSync(junk, 'This is not a photo.\n');
    fs.truncateSync(junk, 50e6); // sparse: the test itself allocates nothing
    const before = process.memoryUsage();
    const error = await readPhotoFile(junk).catch((e: unknown) => e);
    const after = process.memoryUsage();
    expect(error).toMatchObject({
      code: ErrorCodes.unsupportedFormat,
      message: expect.stringMatching(
        /^Cannot decode .*junk\.jpg: not a recognised image: the first bytes are not those of a JPEG, PNG/,
      ) as string,
    });
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(20e6);
    expect(after.rss - before.rss).toBeLessThan(20e6);
  });

  it('should refuse a file over the limit without reading it, saying the sizes and how to change the limit', async () => {
    const huge = path.join(work, 'huge.jpg');
    fs.writeFileSync(huge, jpegBytes);
    fs.truncateSync(huge, 1.9e9); // sparse, with a real JPEG header
    await expect(readPhotoFile(huge)).rejects.toThrow(
      `Cannot read ${huge}: 1.9 GB is over the 1 GB limit for one photo (set with --max-file-mb)`,
    );
    await expect(readPhotoFile(jpeg, { maxBytes: 100 })).rejects.toMatchObject({
      code: ErrorCodes.decodeFailed,
      message: `Cannot read ${jpeg}: ${jpegBytes.length} B is over the 100 B limit for one photo (set with --max-file-mb)`,
    });
  });

  it('should say an empty file is empty', async () => {
    const empty = path.join(work, 'empty.jpg');
    fs.writeFileSync(empty, '');
    await expect(readPhotoFile(empty)).rejects.toThrow('empty file (0 bytes)');
  });

  it('should give up with FileChangedError on a file that keeps changing while it is read', async () => {
    const growing = path.join(work, 'growing.jpg');
    fs.writeFileSync(growing, Buffer.concat([jpegBytes, Buffer.alloc(40e6)]));
    let writing = true;
    const append = (): void => {
      if (!writing) return;
      fs.appendFileSync(growing, 'x');
      setImmediate(append);
    };
    append();
    try {
      await expect(readPhotoFile(growing)).rejects.toMatchObject({
        name: 'FileChangedError',
        code: ErrorCodes.fileChanged,
        message: expect.stringMatching(/file changed while being read/) as string,
      });
    } finally {
      writing = false;
    }
  });

  it('should fail with ENOENT for a missing file', async () => {
    await expect(readPhotoFile(path.join(work, 'gone.jpg'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('imageFormatOfHeader', () => {
  const ascii = (text: string) => Buffer.from(text, 'latin1');
  const ftyp = (major: string, ...compatible: string[]) => {
    const box = Buffer.alloc(16 + 4 * compatible.length);
    box.writeUInt32BE(box.length, 0);
    box.write(`ftyp${major}`, 4, 'latin1');
    compatible.forEach((brand, i) => box.write(brand, 16 + 4 * i, 'latin1'));
    return Buffer.concat([box, Buffer.alloc(32)]);
  };

  it.each([
    ['jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe1])],
    ['png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['gif', ascii('GIF89a')],
    ['webp', ascii('RIFF\x10\x00\x00\x00WEBPVP8 ')],
    ['tiff', ascii('II*\x00\x08\x00\x00\x00')],
    ['tiff', ascii('MM\x00*\x00\x00\x00\x08')],
    ['heif', ftyp('heic')],
    ['heif', ftyp('mif1', 'MiHE', 'heic')],
    ['avif', ftyp('mif1', 'avif')],
    ['cr3', ftyp('crx ')],
    ['raf', ascii('FUJIFILMCCD-RAW 0201')],
    ['orf', ascii('IIRO\x08\x00\x00\x00')],
    ['rw2', ascii('IIU\x00\x18\x00\x00\x00')],
    ['x3f', ascii('FOVb')],
    ['mrw', ascii('\x00MRM')],
  ])('should recognise %s', (format, header) => {
    expect(imageFormatOfHeader(header)).toBe(format);
  });

  it.each([
    ['text', ascii('This is a text file with a .jpg name.\n')],
    ['an MP4 video', ftyp('isom', 'mp41')],
    ['a WAV file', ascii('RIFF\x10\x00\x00\x00WAVEfmt ')],
    ['a short file', Buffer.from([0xff, 0xd8])],
  ])('should not take %s for an image', (_what, header) => {
    expect(imageFormatOfHeader(header)).toBeNull();
  });
});
