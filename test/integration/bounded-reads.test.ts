/**
 * The CLI on files that are not photos: a device or a FIFO named as the query fails at once with a
 * clear error (they used to hang, or grow the process past 7 GB), and under --json stdout holds the
 * JSON only, even when libheif prints its complaints about a damaged HEIC.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexReport } from '../../src/shared/types';
import { REPO_ROOT, ensureCliBuilt, runCli, tempDir, type CliResult } from '../helpers/cli';

let work: string;
let library: string;
let damagedHeic: string;

/** A real HEVC HEIC (heif-enc, as the fixture library uses) cut in the middle of its image data. */
async function writeDamagedHeic(target: string): Promise<void> {
  const png = `${target}.png`;
  const full = `${target}.full.heic`;
  await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3080c0' } }).toFile(png);
  execFileSync('heif-enc', ['-q', '60', png, '-o', full]);
  const heic = fs.readFileSync(full);
  let offset = 0;
  while (offset + 8 <= heic.length && heic.toString('latin1', offset + 4, offset + 8) !== 'mdat') {
    offset += Math.max(8, heic.readUInt32BE(offset)); // a size under 8 (0: "to the end") would loop forever
  }
  if (offset + 8 > heic.length) throw new Error(`no mdat box in ${full}`);
  const mdatData = heic.readUInt32BE(offset) - 8;
  fs.writeFileSync(target, heic.subarray(0, offset + 8 + Math.floor(mdatData / 2)));
  fs.rmSync(png);
  fs.rmSync(full);
}

/**
 * `runCli`, killed after `ms`: before the fix these commands hung on the FIFO, or read /dev/zero
 * until the machine ran out of memory (10 GB in 40 s), so a regression must not outlive the test.
 */
function runCliWithin(args: readonly string[], ms: number): Promise<CliResult & { killed: boolean }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'doppel.mjs'), ...args],
      { cwd: REPO_ROOT, timeout: ms, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, killed: child.killed });
      },
    );
  });
}

beforeAll(async () => {
  ensureCliBuilt();
  work = tempDir('bounded');
  library = path.join(work, 'library');
  fs.mkdirSync(path.join(work, 'photos'));
  damagedHeic = path.join(work, 'photos', 'damaged.heic');
  await writeDamagedHeic(damagedHeic);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('doppel find on a file that is not a photo', () => {
  it.skipIf(!fs.existsSync('/dev/zero'))('should refuse /dev/zero at once as not a regular file', async () => {
    const result = await runCliWithin(['find', '/dev/zero', '--library', library, '--json'], 15_000);
    expect(result).toMatchObject({ killed: false, code: 2, stdout: '' });
    expect(result.stderr).toContain('Cannot read /dev/zero: not a regular file (a character device)');
  });

  it.skipIf(process.platform === 'win32')('should refuse a FIFO at once instead of waiting for a writer', async () => {
    const fifo = path.join(work, 'stream.jpg');
    execFileSync('mkfifo', [fifo]);
    const result = await runCliWithin(['find', fifo, '--library', library, '--json'], 15_000);
    expect(result).toMatchObject({ killed: false, code: 2, stdout: '' });
    expect(result.stderr).toContain(`Cannot read ${fifo}: not a regular file (a FIFO)`);
  });
});

describe('--json with a damaged HEIC', () => {
  it('should keep stdout to the index report, with libheif noise in the log', async () => {
    const result = await runCli(['index', path.join(work, 'photos'), '--library', library, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as IndexReport;
    expect(report.errors).toEqual([{ path: damagedHeic, reason: expect.stringMatching(/HEIC/) as string }]);
    expect(result.stderr).toMatch(/Decoding image failed|Could not parse HEIF file/); // the noise, in its place
  });

  it('should print nothing to stdout when find fails on it', async () => {
    const result = await runCli(['find', damagedHeic, '--library', library, '--json']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain(`Cannot decode ${damagedHeic}`);
  });
});
