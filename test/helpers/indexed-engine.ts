/**
 * An engine over a freshly indexed photo folder, for tests that go through the contract's channels:
 * the trash lives in the test's own XDG_DATA_HOME (never the real one), and everything is removed
 * after the file's tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Doppel } from '../../src/core/doppel.js';
import { EngineService } from '../../src/engine/engine-service.js';
import { writePhotoFolder, type PhotoFolder } from '../e2e/support/photo-folder.js';

export interface IndexedEngine {
  readonly tempDir: string;
  readonly photos: PhotoFolder;
  readonly engine: EngineService;
  /** The channel's value, or an error naming its code and message. */
  readonly call: <T>(channel: string, input?: unknown) => Promise<T>;
}

/** Sets up (beforeAll) and tears down (afterAll) the engine; read the fields inside tests only. */
export function useIndexedEngine(prefix: string): IndexedEngine {
  let tempDir: string | undefined;
  let photos: PhotoFolder | undefined;
  let engine: EngineService | undefined;
  const previousDataHome = process.env.XDG_DATA_HOME;
  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useIndexedEngine: ${name} is read before beforeAll ran`);
    return value;
  };

  beforeAll(async () => {
    tempDir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
    process.env.XDG_DATA_HOME = path.join(tempDir, 'xdg');
    photos = await writePhotoFolder(path.join(tempDir, 'photos'));
    const libraryDir = path.join(tempDir, 'library');
    const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
    await doppel.index([photos.root]);
    await doppel.close();
    engine = await EngineService.open({ libraryDir, onEvent: () => {} });
  });

  afterAll(async () => {
    await engine?.close();
    process.env.XDG_DATA_HOME = previousDataHome;
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });

  return {
    get tempDir() {
      return ready(tempDir, 'tempDir');
    },
    get photos() {
      return ready(photos, 'photos');
    },
    get engine() {
      return ready(engine, 'engine');
    },
    call: async <T>(channel: string, input?: unknown): Promise<T> => {
      const result = await ready(engine, 'engine').dispatch(channel, input);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
      return result.value as T;
    },
  };
}
