/** The About page's answer (`app:about`): versions, the model and where it runs (and why), live updates. */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineService } from '../../src/engine/engine-service.js';
import type { AboutInfo } from '../../src/shared/types.js';

let tempDir: string;

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-about-'));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

async function aboutOf(options: { watch: boolean }): Promise<AboutInfo> {
  const libraryDir = path.join(tempDir, options.watch ? 'watched' : 'plain');
  const engine = await EngineService.open({ libraryDir, onEvent: () => {}, ...options });
  try {
    await engine.watching();
    const result = await engine.dispatch('app:about', undefined);
    if (!result.ok) throw new Error(`app:about failed: ${result.error.message}`);
    return result.value as AboutInfo;
  } finally {
    await engine.close();
  }
}

describe('app:about', () => {
  it('should report the app version, the platform and the versions of what runs', async () => {
    const about = await aboutOf({ watch: false });
    const { version } = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(about).toMatchObject({ version, platform: process.platform, arch: process.arch, libraryDir: path.join(tempDir, 'plain') });
    expect(about.versions).toEqual({
      node: process.versions.node,
      electron: null, // plain Node: browser mode
      sqlite: expect.stringMatching(/^3\.\d+\.\d+$/) as string,
      libvips: sharp.versions.vips,
      sharp: sharp.versions.sharp,
      onnxruntime: '1.30.0',
      faiss: null,
    });
  });

  it('should name the model and every execution provider tried, with its outcome', async () => {
    const about = await aboutOf({ watch: false });
    expect(about.model).not.toBeNull();
    expect(about.modelError).toBeNull();
    const provider = about.executionProvider ?? '';
    // The last note is the provider in use; each one before it says why it was passed over.
    expect(about.providerNotes.at(-1)).toBe(`${provider}: used`);
    for (const note of about.providerNotes.slice(0, -1)) expect(note).toMatch(/^\w+: .+/);
    if (process.platform === 'linux' && provider === 'cpu') expect(about.providerNotes[0]).toMatch(/^cuda: /);
  });

  it('should say live updates are off without them, and how many folders it watches with them', async () => {
    expect((await aboutOf({ watch: false })).watcher).toEqual({ state: 'off', folders: 0, message: null, roots: [] });
    expect((await aboutOf({ watch: true })).watcher).toEqual({ state: 'watching', folders: 0, message: null, roots: [] });
  });
});
