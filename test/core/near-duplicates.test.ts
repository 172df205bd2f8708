import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CandidateGroup } from '../../src/core/duplicates/file-groups';
import { inlineNearPairRunner, type NearPairRunner } from '../../src/core/duplicates/near/near-pair-job';
import { NearDuplicatesCancelledError, NearDuplicatesService } from '../../src/core/duplicates/near/near-duplicates.service';
import { nearPairsFile } from '../../src/core/store/near-pair.store';
import { limits } from '../../src/shared/limits';
import type { NearPairsProgress } from '../../src/shared/types';
import { FromScratchNearDuplicates } from './support/from-scratch-near-groups';
import { DIM, MODEL, createSyntheticLibrary, type SyntheticLibrary } from './support/synthetic-library';
import fs from 'node:fs';

/** Slider settings from the loosest to the strictest, with mixed ones between. */
const SETTINGS: readonly [threshold: number, hashDistance: number][] = [
  [0.7, 10],
  [0.8, 8],
  [0.75, 6],
  [0.85, 10],
  [0.9, 3],
  [0.72, 0],
  [0.99, 0],
];

let library: SyntheticLibrary | null = null;

afterEach(() => {
  library?.close();
  library = null;
});

function open(clusters: number): SyntheticLibrary {
  library = createSyntheticLibrary({ clusters });
  return library;
}

function service(lib: SyntheticLibrary, events: NearPairsProgress[] = [], runner?: NearPairRunner): NearDuplicatesService {
  return new NearDuplicatesService({
    libraryDir: lib.libraryDir,
    modelId: MODEL,
    dim: DIM,
    runner: runner ?? inlineNearPairRunner({ groups: lib.groups, embeddings: lib.embeddings, vectors: lib.vectors, modelId: MODEL }),
    onProgress: (progress) => events.push(progress),
  });
}

function fromScratch(lib: SyntheticLibrary, threshold: number, hashDistance: number): CandidateGroup[] {
  return new FromScratchNearDuplicates({ groups: lib.groups, embeddings: lib.embeddings, vectors: lib.vectors, modelId: MODEL }).groups(
    threshold,
    hashDistance,
  );
}

/** Groups as a set: each group's files sorted, the groups sorted. */
function asSet(groups: readonly CandidateGroup[]): string[] {
  return groups.map((group) => [...group.files].sort().join(' ')).sort();
}

/** The stored pairs' groups at every setting equal grouping from scratch (plain stars on both sides). */
async function expectGroupsFromScratch(near: NearDuplicatesService, lib: SyntheticLibrary): Promise<void> {
  for (const [threshold, hashDistance] of SETTINGS) {
    const groups = await near.nearDuplicateGroups({ threshold, hashDistance, starsOnly: true });
    expect(asSet(groups), `similarity ${threshold}, hash distance ${hashDistance}`).toEqual(
      asSet(fromScratch(lib, threshold, hashDistance)),
    );
  }
}

describe('near-duplicate groups from stored pairs', () => {
  it('should give the same groups as grouping from scratch at every setting', async () => {
    const lib = open(40);
    lib.add(0, 400);
    const near = service(lib);
    await expectGroupsFromScratch(near, lib);
    // The settings must tell apart: many photos grouped at the loosest, few at the strictest.
    const grouped = (threshold: number, hashDistance: number): number =>
      fromScratch(lib, threshold, hashDistance).reduce((sum, group) => sum + group.files.length, 0);
    expect(grouped(0.7, 10)).toBeGreaterThan(300);
    expect(grouped(0.99, 0)).toBeLessThan(grouped(0.7, 10) / 2);
  });

  it('should give the same groups as from scratch where photos have more close neighbours than are searched', async () => {
    const lib = open(6);
    lib.add(0, 500);
    const near = service(lib);
    await expectGroupsFromScratch(near, lib);
  });

  it('should search only the added photos after an index run, and match grouping from scratch', async () => {
    const lib = open(40);
    lib.add(0, 300);
    const events: NearPairsProgress[] = [];
    const near = service(lib, events);
    await near.nearDuplicateGroups();
    expect(events.at(-1)).toMatchObject({ state: 'done', mode: 'full', total: 300 + 282 });

    lib.add(300, 100);
    lib.remove([10, 11, 12, 150]);
    near.invalidate();
    events.length = 0;
    await expectGroupsFromScratch(near, lib);
    // 100 new photos, 94 of them with a vector: searched once, whatever the settings asked since.
    expect(events.filter((event) => event.state !== 'running')).toEqual([
      expect.objectContaining({ state: 'done', mode: 'update', total: 194 }),
    ]);
  });

  it("should drop the photos a clean-up took away without reading every picture's row, and match grouping from scratch", async () => {
    const lib = open(40);
    lib.add(0, 300);
    const events: NearPairsProgress[] = [];
    const near = service(lib, events);
    await near.nearDuplicateGroups();
    const pictureRows = vi.spyOn(lib.groups, 'pictures');
    lib.remove([10, 11, 12, 150]);
    near.invalidate();
    events.length = 0;
    await expectGroupsFromScratch(near, lib);
    // From scratch reads them (the reference); the update did not, and searched nothing.
    expect(pictureRows.mock.calls.length).toBe(SETTINGS.length);
    expect(events).toEqual([]);
    // A photo added after it is searched as before.
    lib.add(300, 5);
    near.invalidate();
    await near.nearDuplicateGroups();
    expect(events.at(-1)).toMatchObject({ state: 'done', mode: 'update' });
  });

  it('should start a new session from the saved pairs instead of searching every photo again', async () => {
    const lib = open(40);
    lib.add(0, 200);
    const first = await service(lib).nearDuplicateGroups();
    expect(fs.existsSync(nearPairsFile(lib.libraryDir, MODEL))).toBe(true);

    const events: NearPairsProgress[] = [];
    expect(asSet(await service(lib, events).nearDuplicateGroups())).toEqual(asSet(first));
    expect(events).toEqual([]); // nothing changed: no search at all

    lib.add(200, 20);
    const later: NearPairsProgress[] = [];
    await service(lib, later).nearDuplicateGroups();
    expect(later.at(-1)).toMatchObject({ state: 'done', mode: 'update' });
  });

  it('should search every photo again when the saved pairs are damaged', async () => {
    const lib = open(40);
    lib.add(0, 120);
    const expected = asSet(await service(lib).nearDuplicateGroups());
    const file = nearPairsFile(lib.libraryDir, MODEL);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    fs.writeFileSync(file, bytes);
    const events: NearPairsProgress[] = [];
    expect(asSet(await service(lib, events).nearDuplicateGroups())).toEqual(expected);
    expect(events.at(-1)).toMatchObject({ state: 'done', mode: 'full' });
  });

  it('should answer every caller waiting on one search with one search', async () => {
    const lib = open(40);
    lib.add(0, 120);
    let runs = 0;
    const inline = inlineNearPairRunner({ groups: lib.groups, embeddings: lib.embeddings, vectors: lib.vectors, modelId: MODEL });
    const near = service(lib, [], (job, options) => {
      runs += 1;
      return inline(job, options);
    });
    const answers = await Promise.all(
      SETTINGS.map(([threshold, hashDistance]) => near.nearDuplicateGroups({ threshold, hashDistance, starsOnly: true })),
    );
    expect(runs).toBe(1);
    expect(answers.map(asSet)).toEqual(SETTINGS.map(([threshold, hashDistance]) => asSet(fromScratch(lib, threshold, hashDistance))));
  });

  it('should search again for a caller that asked after the library changed during a search', async () => {
    const lib = open(40);
    lib.add(0, 60);
    let runs = 0;
    const inline = inlineNearPairRunner({ groups: lib.groups, embeddings: lib.embeddings, vectors: lib.vectors, modelId: MODEL });
    const near = service(lib, [], (job, options) => {
      runs += 1;
      return inline(job, options);
    });
    const before = near.nearDuplicateGroups({ starsOnly: true });
    lib.add(60, 30);
    near.invalidate();
    const after = near.nearDuplicateGroups({ starsOnly: true });
    await Promise.all([before, after]);
    expect(runs).toBe(2);
    expect(asSet(await after)).toEqual(asSet(fromScratch(lib, limits.nearThreshold.default, limits.nearHashDistance.default)));
  });

  it('should fail the waiting callers when the search is cancelled, and report it', async () => {
    const lib = open(40);
    lib.add(0, 20);
    const events: NearPairsProgress[] = [];
    const near = service(lib, events, (_job, options) => {
      options.onProgress?.(0, 10, 'full');
      return new Promise((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const answer = near.nearDuplicateGroups();
    await Promise.resolve();
    const id = events[0]?.id ?? '';
    expect(near.cancel('another-id')).toBe(false);
    expect(near.cancel(id)).toBe(true);
    await expect(answer).rejects.toBeInstanceOf(NearDuplicatesCancelledError);
    expect(events.map((event) => event.state)).toEqual(['running', 'cancelled']);
  });
});
