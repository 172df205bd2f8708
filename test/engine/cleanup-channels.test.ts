/**
 * Clean-up, undo and history through the contract: the channels every door (Electron, the bridge)
 * reaches them by, validated by the engine and answered in the Result envelope.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CleanReport, DuplicatesPage, NotDuplicatePair, OperationSummary, UndoReport } from '../../src/shared/types.js';
import { asReport } from '../helpers/duplicate-pages.js';
import { useIndexedEngine } from '../helpers/indexed-engine.js';

const setup = useIndexedEngine('doppel-cleanup-channels');
const { call } = setup;

describe('clean-up channels', () => {
  it('should list the byte copy in a dry run and move nothing', async () => {
    const report = await call<CleanReport>('duplicates:clean', { dryRun: true });
    expect(report).toMatchObject({
      operation: null,
      dryRun: true,
      trashed: [{ path: setup.photos.byteCopy, keeper: setup.photos.original }],
    });
    expect(fs.existsSync(setup.photos.byteCopy)).toBe(true);
  });

  it('should trash the byte copy, list the operation in history, and undo it', async () => {
    const report = await call<CleanReport>('duplicates:clean', { kind: 'exact' });
    expect(report.trashed.map((copy) => copy.path)).toEqual([setup.photos.byteCopy]);
    expect(fs.existsSync(setup.photos.byteCopy)).toBe(false);
    const history = await call<OperationSummary[]>('operations:history');
    expect(history[0]).toMatchObject({ operation: report.operation, kind: 'trash', state: 'done', files: 1 });
    const undo = await call<UndoReport>('operations:undo');
    expect(undo).toEqual({ operation: report.operation, restored: [{ path: setup.photos.byteCopy }], failed: [] });
    expect(fs.existsSync(setup.photos.byteCopy)).toBe(true);
  });

  it('should refuse an in-folder keeper rule without a folder, and a relative protected folder', async () => {
    const noFolder = await setup.engine.dispatch('duplicates:clean', { keep: { rule: 'in-folder' } });
    expect(noFolder).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const relative = await setup.engine.dispatch('duplicates:clean', { protectedFolders: ['setup.photos'] });
    expect(relative).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('should say there is nothing to undo once everything is undone', async () => {
    expect(await setup.engine.dispatch('operations:undo', undefined)).toMatchObject({
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
      selection: [{ keep: [setup.photos.pngExport], trash: [setup.photos.byteCopy] }],
    });
    expect(report.trashed).toEqual([
      { path: setup.photos.byteCopy, keeper: setup.photos.pngExport, bytes: fs.statSync(setup.photos.original).size },
    ]);
    expect(fs.existsSync(setup.photos.original)).toBe(true);
    await call<UndoReport>('operations:undo');
    expect(fs.existsSync(setup.photos.byteCopy)).toBe(true);
  });

  it('should skip, with its reason, a chosen copy that is not in the group of the copy kept', async () => {
    const report = await call<CleanReport>('duplicates:clean', {
      kind: 'exact',
      selection: [{ keep: [setup.photos.original], trash: [setup.photos.resized] }],
    });
    expect(report.trashed).toEqual([]);
    expect(report.skipped).toEqual([
      { path: setup.photos.resized, reason: expect.stringMatching(/not a duplicate of the copy kept/) as string },
    ]);
    expect(fs.existsSync(setup.photos.resized)).toBe(true);
  });

  it('should refuse a copy both kept and trashed', async () => {
    const both = await setup.engine.dispatch('duplicates:clean', {
      selection: [{ keep: [setup.photos.original], trash: [setup.photos.original] }],
    });
    expect(both).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('should keep the copy in a saved reference folder first, and leave a group whose copies are all protected', async () => {
    const saved = await call<string[]>('library:setProtectedFolders', { folders: [setup.photos.root] });
    expect(saved).toEqual([setup.photos.root]);
    expect(await call<string[]>('library:protectedFolders')).toEqual([setup.photos.root]);
    const listed = await list({ kind: 'exact' });
    const group = groupOf(listed, setup.photos.byteCopy);
    expect(group?.copies.every((copy) => copy.protected)).toBe(true);
    expect(group?.wastedBytes).toBe(0);
    const report = await call<CleanReport>('duplicates:clean', { kind: 'exact', dryRun: true });
    expect(report.trashed).toEqual([]);
    expect(report.skipped.map((skip) => skip.reason)).toContain('every copy of this picture is in a protected folder');
    await call<string[]>('library:setProtectedFolders', { folders: [] });
    expect(groupOf(await list({ kind: 'exact' }), setup.photos.byteCopy)?.wastedBytes).toBeGreaterThan(0);
  });

  it('should order each group by the keeper rule asked for, the same for the list and the clean', async () => {
    for (const rule of ['shortest-path', 'smallest', 'largest'] as const) {
      const listed = await list({ kind: 'pixel', keep: { rule } });
      const keeper = groupOf(listed, setup.photos.pngExport)?.files[0];
      const plan = await call<CleanReport>('duplicates:clean', { kind: 'pixel', keep: { rule }, dryRun: true });
      expect(plan.trashed.every((copy) => copy.keeper === keeper)).toBe(true);
    }
    const smallest = await list({ kind: 'pixel', keep: { rule: 'smallest' } });
    const largest = await list({ kind: 'pixel', keep: { rule: 'largest' } });
    expect(groupOf(smallest, setup.photos.pngExport)?.files[0]).not.toBe(groupOf(largest, setup.photos.pngExport)?.files[0]);
  });

  it('should take one copy out of its group, leave the others together, list the decision and clear it', async () => {
    const { operation } = await call<{ operation: string }>('duplicates:markNotDuplicates', {
      paths: [setup.photos.pngExport],
      against: [setup.photos.original, setup.photos.byteCopy],
    });
    const listed = await list({ kind: 'all' });
    expect(groupOf(listed, setup.photos.pngExport)?.files ?? []).not.toEqual(expect.arrayContaining([setup.photos.original]));
    expect(groupOf(listed, setup.photos.pngExport)?.files ?? []).not.toEqual(expect.arrayContaining([setup.photos.byteCopy]));
    expect(groupOf(listed, setup.photos.original)?.files).toEqual(expect.arrayContaining([setup.photos.original, setup.photos.byteCopy]));
    const pairs = await call<NotDuplicatePair[]>('duplicates:notDuplicates');
    expect(pairs).toEqual([expect.objectContaining({ operation }) as unknown]);
    expect(await call<{ cleared: number }>('duplicates:clearNotDuplicates')).toEqual({ cleared: 1 });
    expect(await call<NotDuplicatePair[]>('duplicates:notDuplicates')).toEqual([]);
    expect(groupOf(await list({ kind: 'all' }), setup.photos.pngExport)?.files).toContain(setup.photos.original);
  });
});
