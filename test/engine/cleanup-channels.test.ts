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
import type { CleanReport, DuplicatesPage, NotDuplicatePair, OperationSummary, UndoReport } from '../../src/shared/types.js';
import { asReport } from '../helpers/duplicate-pages.js';
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

describe('the review: chosen copies, reference folders, "not duplicates" per copy', () => {
  const groupOf = (report: ReturnType<typeof asReport>, file: string) => report.groups.find((group) => group.files.includes(file));
  const list = async (input: object) => asReport(await call<DuplicatesPage>('duplicates:list', input));

  it('should trash only the copies the review chose, keeping the copy it chose', async () => {
    // The PNG export has the same pixels as the original: keep the export, trash the byte copy only.
    const report = await call<CleanReport>('duplicates:clean', {
      kind: 'pixel',
      selection: [{ keep: [photos.pngExport], trash: [photos.byteCopy] }],
    });
    expect(report.trashed).toEqual([{ path: photos.byteCopy, keeper: photos.pngExport, bytes: fs.statSync(photos.original).size }]);
    expect(fs.existsSync(photos.original)).toBe(true);
    await call<UndoReport>('operations:undo');
    expect(fs.existsSync(photos.byteCopy)).toBe(true);
  });

  it('should skip, with its reason, a chosen copy that is not in the group of the copy kept', async () => {
    const report = await call<CleanReport>('duplicates:clean', {
      kind: 'exact',
      selection: [{ keep: [photos.original], trash: [photos.resized] }],
    });
    expect(report.trashed).toEqual([]);
    expect(report.skipped).toEqual([{ path: photos.resized, reason: expect.stringMatching(/not a duplicate of the copy kept/) as string }]);
    expect(fs.existsSync(photos.resized)).toBe(true);
  });

  it('should refuse a copy both kept and trashed', async () => {
    const both = await engine.dispatch('duplicates:clean', { selection: [{ keep: [photos.original], trash: [photos.original] }] });
    expect(both).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('should keep the copy in a saved reference folder first, and leave a group whose copies are all protected', async () => {
    const saved = await call<string[]>('library:setProtectedFolders', { folders: [photos.root] });
    expect(saved).toEqual([photos.root]);
    expect(await call<string[]>('library:protectedFolders')).toEqual([photos.root]);
    const listed = await list({ kind: 'exact' });
    const group = groupOf(listed, photos.byteCopy);
    expect(group?.copies.every((copy) => copy.protected)).toBe(true);
    expect(group?.wastedBytes).toBe(0);
    const report = await call<CleanReport>('duplicates:clean', { kind: 'exact', dryRun: true });
    expect(report.trashed).toEqual([]);
    expect(report.skipped.map((skip) => skip.reason)).toContain('every copy of this picture is in a protected folder');
    await call<string[]>('library:setProtectedFolders', { folders: [] });
    expect(groupOf(await list({ kind: 'exact' }), photos.byteCopy)?.wastedBytes).toBeGreaterThan(0);
  });

  it('should order each group by the keeper rule asked for, the same for the list and the clean', async () => {
    for (const rule of ['shortest-path', 'smallest', 'largest'] as const) {
      const listed = await list({ kind: 'pixel', keep: { rule } });
      const keeper = groupOf(listed, photos.pngExport)?.files[0];
      const plan = await call<CleanReport>('duplicates:clean', { kind: 'pixel', keep: { rule }, dryRun: true });
      expect(plan.trashed.every((copy) => copy.keeper === keeper)).toBe(true);
    }
    const smallest = await list({ kind: 'pixel', keep: { rule: 'smallest' } });
    const largest = await list({ kind: 'pixel', keep: { rule: 'largest' } });
    expect(groupOf(smallest, photos.pngExport)?.files[0]).not.toBe(groupOf(largest, photos.pngExport)?.files[0]);
  });

  it('should take one copy out of its group, leave the others together, list the decision and clear it', async () => {
    const { operation } = await call<{ operation: string }>('duplicates:markNotDuplicates', {
      paths: [photos.pngExport],
      against: [photos.original, photos.byteCopy],
    });
    const listed = await list({ kind: 'all' });
    expect(groupOf(listed, photos.pngExport)?.files ?? []).not.toEqual(expect.arrayContaining([photos.original]));
    expect(groupOf(listed, photos.pngExport)?.files ?? []).not.toEqual(expect.arrayContaining([photos.byteCopy]));
    expect(groupOf(listed, photos.original)?.files).toEqual(expect.arrayContaining([photos.original, photos.byteCopy]));
    const pairs = await call<NotDuplicatePair[]>('duplicates:notDuplicates');
    expect(pairs).toEqual([expect.objectContaining({ operation }) as unknown]);
    expect(await call<{ cleared: number }>('duplicates:clearNotDuplicates')).toEqual({ cleared: 1 });
    expect(await call<NotDuplicatePair[]>('duplicates:notDuplicates')).toEqual([]);
    expect(groupOf(await list({ kind: 'all' }), photos.pngExport)?.files).toContain(photos.original);
  });
});
