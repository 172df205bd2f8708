/**
 * scripts/fuse-config.mjs sets every fuse on purpose, and scripts/apply-fuses.mjs flips them into a
 * binary and checks the result: here a stand-in file holding an Electron fuse wire (the sentinel,
 * the version, the length, one byte per fuse), since the real Electron binary cannot be downloaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FuseState, FuseV1Options, FuseVersion, getCurrentFuseWire, type FuseV1Config } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/cli';

interface FuseConfigModule {
  readonly DOPPEL_FUSES: FuseV1Config;
}
interface ApplyFusesModule {
  readonly applyFuses: (electronPath: string, options?: { resetAdHocDarwinSignature?: boolean }) => Promise<Record<string, boolean>>;
}

/** Plain .mjs scripts have no type declarations: import them by URL and give their shape here. */
async function importScript<T>(name: string): Promise<T> {
  return (await import(/* @vite-ignore */ pathToFileURL(path.join(REPO_ROOT, 'scripts', name)).href)) as T;
}

const { DOPPEL_FUSES } = await importScript<FuseConfigModule>('fuse-config.mjs');
const { applyFuses } = await importScript<ApplyFusesModule>('apply-fuses.mjs');

/** Marks the fuse wire in an Electron binary (@electron/fuses' SENTINEL, which its package does not export). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

const FUSE_NAMES = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key))) as (keyof typeof FuseV1Options)[];

let dir: string;

beforeEach(() => {
  dir = tempDir('fuses');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A file laid out like an Electron binary around its fuse wire, every fuse enabled (Electron's unfused state differs; any start will do). */
function fakeElectron(wireLength: number): string {
  const file = path.join(dir, 'electron');
  const wire = Buffer.alloc(wireLength, FuseState.ENABLE);
  fs.writeFileSync(
    file,
    Buffer.concat([Buffer.alloc(4096, 7), Buffer.from(SENTINEL), Buffer.from([1, wireLength]), wire, Buffer.alloc(4096, 7)]),
  );
  return file;
}

describe('DOPPEL_FUSES', () => {
  it('should set the fuses the security issue asks for', () => {
    expect(DOPPEL_FUSES.version).toBe(FuseVersion.V1);
    expect(DOPPEL_FUSES[FuseV1Options.RunAsNode]).toBe(false);
    expect(DOPPEL_FUSES[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(DOPPEL_FUSES[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(DOPPEL_FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(DOPPEL_FUSES[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(DOPPEL_FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
  });

  it('should turn off the extra privileges of file:// pages, since the page comes from app://', () => {
    expect(DOPPEL_FUSES[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
  });

  it('should decide every fuse @electron/fuses knows, and require that of the binary', () => {
    expect(DOPPEL_FUSES.strictlyRequireAllFuses).toBe(true);
    for (const name of FUSE_NAMES) expect(typeof DOPPEL_FUSES[FuseV1Options[name]], name).toBe('boolean');
  });
});

describe('applyFuses', () => {
  it('should flip the fuses into the binary and report them as read back', async () => {
    const electron = fakeElectron(FUSE_NAMES.length);
    const applied = await applyFuses(electron);
    expect(applied).toEqual(Object.fromEntries(FUSE_NAMES.map((name) => [name, DOPPEL_FUSES[FuseV1Options[name]]])));
    const wire = await getCurrentFuseWire(electron);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  });

  it('should leave everything around the fuse wire as it was', async () => {
    const electron = fakeElectron(FUSE_NAMES.length);
    const before = fs.readFileSync(electron);
    await applyFuses(electron);
    const after = fs.readFileSync(electron);
    const wireStart = 4096 + SENTINEL.length + 2;
    expect(after.length).toBe(before.length);
    expect(after.subarray(0, wireStart)).toEqual(before.subarray(0, wireStart));
    expect(after.subarray(wireStart + FUSE_NAMES.length)).toEqual(before.subarray(wireStart + FUSE_NAMES.length));
  });

  it('should refuse, untouched, a binary whose fuse wire is shorter than the config', async () => {
    const electron = fakeElectron(FUSE_NAMES.length - 1);
    const before = fs.readFileSync(electron);
    await expect(applyFuses(electron)).rejects.toThrow(/not long enough/);
    expect(fs.readFileSync(electron)).toEqual(before);
  });

  it('should refuse a binary with fuses this version of @electron/fuses does not know', async () => {
    await expect(applyFuses(fakeElectron(FUSE_NAMES.length + 1))).rejects.toThrow(/strictlyRequireAllFuses/);
  });

  it('should refuse a file that is not an Electron binary', async () => {
    const file = path.join(dir, 'not-electron');
    fs.writeFileSync(file, 'hello');
    await expect(applyFuses(file)).rejects.toThrow(/sentinel/);
  });
});
