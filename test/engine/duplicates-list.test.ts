/**
 * `duplicates:list` through the engine on a real library: a page per call, the newest request of a
 * view run only (the older one answers `superseded`), and a new list after the library changed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel.js';
import { EngineService } from '../../src/engine/engine-service.js';
import type { DuplicatesPage } from '../../src/shared/types.js';
import { writePhotoFolder, type PhotoFolder } from '../e2e/support/photo-folder.js';

let tempDir: string;
let photos: PhotoFolder;
let engine: EngineService;
const logged: string[] = [];

async function call<T>(channel: string, input?: unknown): Promise<T> {
  const result = await engine.dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-duplicates-list-'));
  photos = await writePhotoFolder(path.join(tempDir, 'photos'));
  const libraryDir = path.join(tempDir, 'library');
  const doppel = await Doppel.open({ libraryDir, withoutSimilarity: true });
  await doppel.index([photos.root]);
  await doppel.close();
  engine = await EngineService.open({ libraryDir, onEvent: () => {}, log: (line) => logged.push(line) });
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning
  await engine?.close();
  await rm(tempDir, { recursive: true, force: true });
});

describe('duplicates:list through the engine', () => {
  it('should answer superseded to the older request of a view, and the newest in full, without logging a failure', async () => {
    const older = engine.dispatch('duplicates:list', { view: 'duplicates', kind: 'exact' });
    const newer = engine.dispatch('duplicates:list', { view: 'duplicates', kind: 'pixel' });
    expect(await older).toMatchObject({ ok: false, error: { code: 'superseded' } });
    const answer = await newer;
    expect(answer).toMatchObject({ ok: true, value: { totals: { groups: 1 } } });
    expect(logged.filter((line) => line.includes('superseded') || line.includes('replaced'))).toEqual([]);
  });

  it('should answer a page with each path once and the list totals', async () => {
    const page = await call<DuplicatesPage>('duplicates:list', { kind: 'exact', limit: 1 });
    expect(page.totals).toMatchObject({ groups: 1, copies: 2, byKind: { exact: 1 } });
    expect(page.groups[0]?.copies.map((copy) => copy.path).sort()).toEqual([photos.original, photos.byteCopy].sort());
    expect(page.next).toBeNull();
  });

  it('should answer under a new list id once the library changed, the groups the change touched gone', async () => {
    const before = await call<DuplicatesPage>('duplicates:list', { kind: 'exact' });
    await call('duplicates:markNotDuplicates', { paths: [photos.original, photos.byteCopy] });
    const after = await call<DuplicatesPage>('duplicates:list', { kind: 'exact' });
    expect(after.list).not.toBe(before.list);
    expect(after.totals.groups).toBe(0);
    await call('operations:undo');
    const again = await call<DuplicatesPage>('duplicates:list', { kind: 'exact' });
    expect(again.totals.groups).toBe(1);
    expect(again.groups[0]?.id).toBe(before.groups[0]?.id);
  });
});
