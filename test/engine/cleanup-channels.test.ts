/**
 * Clean-up, undo and history through the contract: the channels every door (Electron, the bridge)
 * reaches them by, validated by the engine and answered in the Result envelope.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel.js';
import { EngineService } from '../../src/engine/engine-service.js';
import type { CleanReport, OperationSummary, UndoReport } from '../../src/shared/types.js';
import { writePhotoFolder, type PhotoFolder } from '../e2e/support/photo-folder.js';

let tempDir: string;
let photos: PhotoFolder;
let engine: EngineService;
const previousDataHome = process.env.XDG_DATA_HOME;

async function call<T>(channel: string, input?: unknown): Promise<T> {
  const result = await engine.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-cleanup-channels-'));
  process.env.XDG_DATA_HOME = path.join(tempDir, 'xdg'); // the engine's trash: never the real one
  photos = await writePhotoFolder(path.join(tempDir, 'photos'));
  const libraryDir = path.join(tempDir, 'library');
  const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
  await doppel.index([photos.root]);
  await doppel.close();
  engine = await EngineService.open({ libraryDir, onEvent: () => {} });
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning
  await engine?.close();
  process.env.XDG_DATA_HOME = previousDataHome;
  await rm(tempDir, { recursive: true, force: true });
});

describe('clean-up channels', () => {
  it('should list the byte copy in a dry run and move nothing', async () => {
    const report = await call<CleanReport>('duplicates:clean', { dryRun: true });
    expect(report).toMatchObject({ operation: null, dryRun: true, trashed: [{ path: photos.byteCopy, keeper: photos.original }] });
    expect(fs.existsSync(photos.byteCopy)).toBe(true);
  });

  it('should trash the byte copy, list the operation in history, and undo it', async () => {
    const report = await call<CleanReport>('duplicates:clean', { kind: 'exact' });
    expect(report.trashed.map((copy) => copy.path)).toEqual([photos.byteCopy]);
    expect(fs.existsSync(photos.byteCopy)).toBe(false);
    const history = await call<OperationSummary[]>('operations:history');
    expect(history[0]).toMatchObject({ operation: report.operation, kind: 'trash', state: 'done', files: 1 });
    const undo = await call<UndoReport>('operations:undo');
    expect(undo).toEqual({ operation: report.operation, restored: [{ path: photos.byteCopy }], failed: [] });
    expect(fs.existsSync(photos.byteCopy)).toBe(true);
  });

  it('should refuse an in-folder keeper rule without a folder, and a relative protected folder', async () => {
    const noFolder = await engine.dispatch('duplicates:clean', { keep: { rule: 'in-folder' } });
    expect(noFolder).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const relative = await engine.dispatch('duplicates:clean', { protectedFolders: ['photos'] });
    expect(relative).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('should say there is nothing to undo once everything is undone', async () => {
    expect(await engine.dispatch('operations:undo', undefined)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: 'Nothing to undo' },
    });
  });
});
