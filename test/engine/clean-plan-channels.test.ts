/**
 * The bulk assistant's channels: `duplicates:plan` plans a clean-up by rule over the whole list,
 * and `duplicates:clean` with the plan's `list` moves exactly that, or nothing once the list changed.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel.js';
import { EngineService } from '../../src/engine/engine-service.js';
import type { CleanPlanPage, CleanReport, UndoReport } from '../../src/shared/types.js';
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
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-plan-channels-'));
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

describe('duplicates:plan and a clean-up of the plan', () => {
  it('should plan the byte copy to move, and nothing with one copy per folder (the copy is in another folder)', async () => {
    const plan = await call<CleanPlanPage>('duplicates:plan', { kind: 'exact' });
    expect(plan.totals).toMatchObject({ groups: 1, groupsTouched: 1, trash: 1, keep: 1 });
    const decisions = plan.groups.flatMap((group) => group.copies.map((copy) => [copy.path, copy.decision]));
    expect(decisions).toEqual([
      [photos.original, 'keep'],
      [photos.byteCopy, 'trash'],
    ]);
    const perFolder = await call<CleanPlanPage>('duplicates:plan', { kind: 'exact', perFolder: true });
    expect(perFolder.totals).toMatchObject({ trash: 0, keep: 2 });
  });

  it('should refuse to plan similar shots: they are never cleaned in bulk', async () => {
    expect(await engine.dispatch('duplicates:plan', { kind: 'shots' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('should refuse a clean-up confirmed on another list than the one now, and move nothing', async () => {
    const refused = await engine.dispatch('duplicates:clean', { kind: 'exact', list: 'lnot-this-one' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/preview again/) as unknown },
    });
    expect(fs.existsSync(photos.byteCopy)).toBe(true);
  });

  it('should move exactly what the plan showed, then undo it', async () => {
    const plan = await call<CleanPlanPage>('duplicates:plan', { kind: 'exact' });
    const planned = plan.groups.flatMap((group) => group.copies.filter((copy) => copy.decision === 'trash').map((copy) => copy.path));
    const report = await call<CleanReport>('duplicates:clean', { kind: 'exact', list: plan.list });
    expect(report.trashed.map((copy) => copy.path)).toEqual(planned);
    expect(fs.existsSync(photos.byteCopy)).toBe(false);
    // The library changed: the old plan's list is refused now.
    const again = await engine.dispatch('duplicates:clean', { kind: 'exact', list: plan.list });
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const undo = await call<UndoReport>('operations:undo');
    expect(undo.restored).toEqual([{ path: photos.byteCopy }]);
  });
});
