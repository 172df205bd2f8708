/**
 * The bulk assistant's channels: `duplicates:plan` plans a clean-up by rule over the whole list,
 * and `duplicates:clean` with the plan's `list` moves exactly that, or nothing once the list changed.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CleanPlanPage, CleanReport, UndoReport } from '../../src/shared/types.js';
import { useIndexedEngine } from '../helpers/indexed-engine.js';

const setup = useIndexedEngine('doppel-plan-channels');
const { call } = setup;

describe('duplicates:plan and a clean-up of the plan', () => {
  it('should plan the byte copy to move, and nothing with one copy per folder (the copy is in another folder)', async () => {
    const plan = await call<CleanPlanPage>('duplicates:plan', { kind: 'exact' });
    expect(plan.totals).toMatchObject({ groups: 1, groupsTouched: 1, trash: 1, keep: 1 });
    const decisions = plan.groups.flatMap((group) => group.copies.map((copy) => [copy.path, copy.decision]));
    expect(decisions).toEqual([
      [setup.photos.original, 'keep'],
      [setup.photos.byteCopy, 'trash'],
    ]);
    const perFolder = await call<CleanPlanPage>('duplicates:plan', { kind: 'exact', perFolder: true });
    expect(perFolder.totals).toMatchObject({ trash: 0, keep: 2 });
  });

  it('should refuse to plan similar shots: they are never cleaned in bulk', async () => {
    expect(await setup.engine.dispatch('duplicates:plan', { kind: 'shots' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('should refuse a clean-up confirmed on another list than the one now, and move nothing', async () => {
    const refused = await setup.engine.dispatch('duplicates:clean', { kind: 'exact', list: 'lnot-this-one' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/preview again/) as unknown },
    });
    expect(fs.existsSync(setup.photos.byteCopy)).toBe(true);
  });

  it('should move exactly what the plan showed, then undo it', async () => {
    const plan = await call<CleanPlanPage>('duplicates:plan', { kind: 'exact' });
    const planned = plan.groups.flatMap((group) => group.copies.filter((copy) => copy.decision === 'trash').map((copy) => copy.path));
    const report = await call<CleanReport>('duplicates:clean', { kind: 'exact', list: plan.list });
    expect(report.trashed.map((copy) => copy.path)).toEqual(planned);
    expect(fs.existsSync(setup.photos.byteCopy)).toBe(false);
    // The library changed: the old plan's list is refused now.
    const again = await setup.engine.dispatch('duplicates:clean', { kind: 'exact', list: plan.list });
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const undo = await call<UndoReport>('operations:undo');
    expect(undo.restored).toEqual([{ path: setup.photos.byteCopy }]);
  });
});
