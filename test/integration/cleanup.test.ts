/**
 * Acting on duplicates from the CLI: `clean`, `undo`, `ignore` and `history` against real photos, a
 * real library and a private freedesktop trash (`XDG_DATA_HOME` in a temp folder, on every call).
 * Each block builds its own folder and library and runs its whole story in `beforeAll`, recording
 * what the disk and the CLI said at each step, so every test only reads and any one can run alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CleanReport, DuplicateGroup, DuplicatesReport, OperationSummary, UndoReport } from '../../src/shared/types';
import { ensureCliBuilt, type CliResult } from '../helpers/cli';
import {
  copyPhoto,
  createCleanupSandbox,
  paintPhoto,
  setMtime,
  sha256,
  snapshot,
  type CleanupSandbox,
  type ProcessEnding,
  type TrashContents,
} from '../helpers/cleanup-sandbox';
import { defined, elementAt } from '../helpers/defined';

const sorted = (paths: readonly string[]): string[] => [...paths].sort();
const byPath = <T extends { readonly path: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => a.path.localeCompare(b.path));
/** True when one group lists every one of `files`. */
const grouped = (groups: readonly DuplicateGroup[], files: readonly string[]): boolean =>
  groups.some((group) => files.every((file) => group.files.includes(file)));
/** The kinds of the groups that list every one of `files` (the painted test pictures may also form near groups). */
/** How the second of two grouped files is marked against the first: 'exact' for byte copies, 'pixel' for pixel copies. */
const relationOf = (groups: readonly DuplicateGroup[], [a, b]: readonly string[]): string | null => {
  const group = groups.find((candidate) => grouped([candidate], [a ?? '', b ?? '']));
  if (!group) return null;
  const later = group.copies.find((copy) => copy.path === a || copy.path === b) === group.copies.find((copy) => copy.path === a) ? b : a;
  const copy = group.copies.find((candidate) => candidate.path === later);
  return copy ? (copy.copyOf?.match ?? copy.match) : null;
};
const reasonFor = (report: CleanReport, file: string): string =>
  defined(
    report.skipped.find((skip) => skip.path === file),
    `skip reason for ${file}`,
  ).reason;
const exactGroups = async (sandbox: CleanupSandbox): Promise<readonly DuplicateGroup[]> =>
  (await sandbox.json<DuplicatesReport>(['duplicates', '--kind', 'exact'])).groups;
const allGroups = async (sandbox: CleanupSandbox): Promise<readonly DuplicateGroup[]> =>
  (await sandbox.json<DuplicatesReport>(['duplicates', '--kind', 'all'])).groups;
const groupSets = (groups: readonly DuplicateGroup[]): string[][] => groups.map((group) => sorted(group.files)).sort();

beforeAll(() => ensureCliBuilt());

describe('doppel clean and undo of exact groups', () => {
  let sandbox: CleanupSandbox;
  let photos: Record<'harbour' | 'harbourHoliday' | 'harbourBackup' | 'meadow' | 'meadowBackup' | 'street' | 'streetExport', string>;
  let before: Map<string, string>;
  let groupsBefore: readonly DuplicateGroup[];
  let dryRun: CleanReport;
  let afterDryRun: Map<string, string>;
  let trashAfterDryRun: TrashContents;
  let clean: CleanReport;
  let afterClean: Map<string, string>;
  let trashAfterClean: TrashContents;
  /** SHA-256 and size of each file in the trash after the clean, by the original path its .trashinfo records. */
  let trashed: Map<string, { sha256: string; size: number }>;
  let groupsAfterClean: readonly DuplicateGroup[];
  let undo: UndoReport;
  let afterUndo: Map<string, string>;
  let trashAfterUndo: TrashContents;
  let groupsAfterUndo: readonly DuplicateGroup[];
  let secondUndo: CliResult;
  let history: OperationSummary[];

  beforeAll(async () => {
    sandbox = createCleanupSandbox('clean');
    const at = (relative: string) => path.join(sandbox.photos, relative);
    photos = {
      harbour: at('harbour.jpg'),
      // Same file name twice in the trash: the second gets another name, its .trashinfo still says where it came from.
      harbourHoliday: at('Urlaub 2021 ä/harbour.jpg'),
      harbourBackup: at('backup/harbour.jpg'),
      meadow: at('meadow.jpg'),
      meadowBackup: at('backup/meadow copy.jpg'),
      street: at('street.jpg'),
      streetExport: at('exports/street.png'),
    };
    await Promise.all([paintPhoto(photos.harbour, 1), paintPhoto(photos.meadow, 2), paintPhoto(photos.street, 3)]);
    copyPhoto(photos.harbour, photos.harbourHoliday);
    copyPhoto(photos.harbour, photos.harbourBackup);
    copyPhoto(photos.meadow, photos.meadowBackup);
    fs.mkdirSync(path.dirname(photos.streetExport));
    await sharp(photos.street).png().toFile(photos.streetExport);
    await sandbox.json(['index', sandbox.photos]);

    before = snapshot(sandbox.photos);
    groupsBefore = await exactGroups(sandbox);
    dryRun = await sandbox.json<CleanReport>(['clean', '--dry-run']);
    afterDryRun = snapshot(sandbox.photos);
    trashAfterDryRun = sandbox.trash();

    clean = await sandbox.json<CleanReport>(['clean']);
    afterClean = snapshot(sandbox.photos);
    trashAfterClean = sandbox.trash();
    trashed = new Map(
      trashAfterClean.entries.map((entry) => [
        entry.originalPath,
        { sha256: sha256(entry.trashedPath), size: fs.statSync(entry.trashedPath).size },
      ]),
    );
    groupsAfterClean = await exactGroups(sandbox);

    const operation = defined(clean.operation, 'operation id of the clean-up');
    undo = await sandbox.json<UndoReport>(['undo', operation]);
    afterUndo = snapshot(sandbox.photos);
    trashAfterUndo = sandbox.trash();
    groupsAfterUndo = await exactGroups(sandbox);
    secondUndo = await sandbox.cli(['undo', operation]);
    history = await sandbox.json<OperationSummary[]>(['history']);
  });

  afterAll(() => sandbox.dispose());

  it('should see the two exact groups this folder was built with', () => {
    expect(groupSets(groupsBefore)).toEqual(
      [sorted([photos.harbour, photos.harbourHoliday, photos.harbourBackup]), sorted([photos.meadow, photos.meadowBackup])].sort(),
    );
  });

  it('should change nothing on a dry run: same files, same bytes, empty trash, no operation', () => {
    expect(afterDryRun).toEqual(before);
    expect(trashAfterDryRun.files).toEqual([]);
    expect(trashAfterDryRun.infos).toEqual([]);
    expect(dryRun.dryRun).toBe(true);
    expect(dryRun.operation).toBeNull();
  });

  it('should list on a dry run exactly the copies a real clean then moves, with the same keepers', () => {
    expect(dryRun.trashed).toHaveLength(3);
    expect(byPath(dryRun.trashed)).toEqual(byPath(clean.trashed));
    expect(dryRun.skipped).toEqual(clean.skipped);
    expect(dryRun.freedBytes).toBe(clean.freedBytes);
  });

  it('should leave exactly one copy of each exact group: the keeper it reports', () => {
    expect(clean.dryRun).toBe(false);
    expect(clean.skipped).toEqual([]);
    for (const group of groupsBefore) {
      const left = group.files.filter((file) => afterClean.has(path.relative(sandbox.photos, file)));
      expect(left, JSON.stringify(group.files)).toHaveLength(1);
      const moved = clean.trashed.filter((copy) => group.files.includes(copy.path));
      expect(sorted(moved.map((copy) => copy.path))).toEqual(sorted(group.files.filter((file) => file !== left[0])));
      expect(new Set(moved.map((copy) => copy.keeper))).toEqual(new Set(left));
    }
  });

  it('should put each moved copy in the trash byte for byte, with a .trashinfo recording its original path', () => {
    expect(trashAfterClean.files).toHaveLength(clean.trashed.length);
    expect(trashAfterClean.infos).toEqual(trashAfterClean.files.map((name) => `${name}.trashinfo`));
    expect(sorted([...trashed.keys()])).toEqual(sorted(clean.trashed.map((copy) => copy.path)));
    for (const copy of clean.trashed) {
      const relative = path.relative(sandbox.photos, copy.path);
      expect(trashed.get(copy.path)?.sha256, relative).toBe(before.get(relative));
    }
  });

  it('should report as freed the sum of the sizes of the files it moved', () => {
    const sizes = clean.trashed.map((copy) => defined(trashed.get(copy.path), `trashed ${copy.path}`).size);
    expect(clean.trashed.map((copy) => copy.bytes)).toEqual(sizes);
    expect(clean.freedBytes).toBe(sizes.reduce((sum, size) => sum + size, 0));
  });

  it('should list no exact group right after the clean, without indexing again', () => {
    expect(groupsAfterClean).toEqual([]);
  });

  it('should leave the pixel-identical PNG export alone when cleaning exact groups', () => {
    expect(clean.trashed.map((copy) => copy.path)).not.toContain(photos.streetExport);
    expect(afterClean.get('exports/street.png')).toBe(before.get('exports/street.png'));
  });

  it('should restore on undo every moved file byte for byte to its original path, leaving no .trashinfo', () => {
    expect(undo.operation).toBe(clean.operation);
    expect(undo.failed).toEqual([]);
    expect(sorted(undo.restored.map((file) => file.path))).toEqual(sorted(clean.trashed.map((copy) => copy.path)));
    expect(afterUndo).toEqual(before);
    expect(trashAfterUndo.files).toEqual([]);
    expect(trashAfterUndo.infos).toEqual([]);
  });

  it('should list the exact groups again right after undo, without indexing again', () => {
    expect(groupSets(groupsAfterUndo)).toEqual(groupSets(groupsBefore));
  });

  it('should refuse a second undo of the same operation with exit 2', () => {
    expect(secondUndo.code).toBe(2);
    expect(secondUndo.stderr).toContain(defined(clean.operation, 'operation id'));
  });

  it('should keep the clean-up in history, undone, with the files it moved and the bytes it freed', () => {
    expect(history).toHaveLength(1);
    const entry = elementAt(history, 0, 'history');
    expect(entry).toMatchObject({ operation: clean.operation, kind: 'trash', state: 'undone', files: 3, skipped: 0 });
    expect(entry.freedBytes).toBe(clean.freedBytes);
    expect(entry.undoneAt).toBeGreaterThanOrEqual(entry.createdAt);
  });
});

describe('doppel clean safety checks', () => {
  let sandbox: CleanupSandbox;
  let report: CleanReport;
  let trash: TrashContents;
  const file = (relative: string) => path.join(sandbox.photos, relative);
  let rewrittenBytes: string;
  let before: Map<string, string>;

  beforeAll(async () => {
    sandbox = createCleanupSandbox('safety');
    // The keeper of each group is its oldest copy (the default rule's tie-break at equal resolution and size).
    const groups = [
      { name: 'mill', seed: 4, copies: ['copies/mill-touched.jpg', 'copies/mill-rewritten.jpg', 'copies/mill-untouched.jpg'] },
      { name: 'kite', seed: 5, copies: ['copies/kite-1.jpg', 'copies/kite-2.jpg'] },
      { name: 'pier', seed: 6, copies: ['reference/pier.jpg', 'reference/pier-2.jpg'] },
    ];
    for (const { name, seed, copies } of groups) {
      const keeper = file(`originals/${name}.jpg`);
      await paintPhoto(keeper, seed);
      setMtime(keeper, '2020-01-01T10:00:00Z');
      for (const copy of copies) {
        copyPhoto(keeper, file(copy));
        setMtime(file(copy), '2021-01-01T10:00:00Z');
      }
    }
    await paintPhoto(file('originals/hill.jpg'), 7);
    fs.mkdirSync(file('hard-links'));
    fs.linkSync(file('originals/hill.jpg'), file('hard-links/hill.jpg'));
    await sandbox.json(['index', sandbox.photos]);

    // After indexing: one copy only touched, one rewritten with other bytes, one keeper deleted.
    setMtime(file('copies/mill-touched.jpg'), '2022-01-01T10:00:00Z');
    await paintPhoto(file('copies/mill-rewritten.jpg'), 9);
    rewrittenBytes = sha256(file('copies/mill-rewritten.jpg'));
    fs.rmSync(file('originals/kite.jpg'));
    before = snapshot(sandbox.photos);

    report = await sandbox.json<CleanReport>(['clean', '--protect', file('reference')]);
    trash = sandbox.trash();
  });

  afterAll(() => sandbox.dispose());

  it('should skip a copy whose modification time changed since it was indexed, leaving it in place', () => {
    expect(reasonFor(report, file('copies/mill-touched.jpg'))).toMatch(/changed since it was indexed/);
    expect(sha256(file('copies/mill-touched.jpg'))).toBe(before.get('copies/mill-touched.jpg'));
  });

  it('should skip a copy rewritten with other bytes since it was indexed, leaving it in place', () => {
    expect(reasonFor(report, file('copies/mill-rewritten.jpg'))).toMatch(/changed since it was indexed/);
    expect(sha256(file('copies/mill-rewritten.jpg'))).toBe(rewrittenBytes);
  });

  it('should still move the unchanged copy of a group where another copy was skipped', () => {
    expect(report.trashed).toContainEqual({
      path: file('copies/mill-untouched.jpg'),
      keeper: file('originals/mill.jpg'),
      bytes: fs.statSync(file('originals/mill.jpg')).size,
    });
  });

  it('should skip every other copy of a group whose keeper was deleted, naming the copy to keep', () => {
    for (const copy of ['copies/kite-1.jpg', 'copies/kite-2.jpg']) {
      expect(reasonFor(report, file(copy))).toContain(file('originals/kite.jpg'));
      expect(sha256(file(copy))).toBe(before.get(copy));
    }
  });

  it('should keep the copy under a --protect folder (a reference copy is kept first) and never move another protected copy', () => {
    expect(report.trashed).toContainEqual({
      path: file('originals/pier.jpg'),
      keeper: file('reference/pier.jpg'),
      bytes: fs.statSync(file('reference/pier.jpg')).size,
    });
    expect(reasonFor(report, file('reference/pier-2.jpg'))).toMatch(/protected folder/);
    for (const copy of ['reference/pier.jpg', 'reference/pier-2.jpg']) expect(sha256(file(copy))).toBe(before.get(copy));
  });

  it('should skip a hard link to the keeper, which would free no space', () => {
    expect(reasonFor(report, file('hard-links/hill.jpg'))).toMatch(/hard link/);
    expect(fs.statSync(file('originals/hill.jpg')).nlink).toBe(2);
  });

  it('should move nothing but the copies that passed every check', () => {
    expect(report.skipped).toHaveLength(6);
    expect(trash.entries.map((entry) => entry.originalPath).sort()).toEqual([
      file('copies/mill-untouched.jpg'),
      file('originals/pier.jpg'),
    ]);
    expect(report.freedBytes).toBe(report.trashed.reduce((sum, copy) => sum + copy.bytes, 0));
    expect(report.trashed).toHaveLength(2);
  });
});

describe('doppel clean keeper rules', () => {
  let sandbox: CleanupSandbox;
  const file = (relative: string) => path.join(sandbox.photos, relative);
  let defaultPlan: CleanReport;
  let defaultPixelPlan: CleanReport;
  let keepFolderPlan: CleanReport;
  let largestPlan: CleanReport;
  let shortestPathPlan: CleanReport;

  // Dry runs only (a dry run lists exactly what a real clean moves, pinned above), so the rules share one index.
  beforeAll(async () => {
    sandbox = createCleanupSandbox('keep');
    await paintPhoto(file('camera/dune.jpg'), 13);
    setMtime(file('camera/dune.jpg'), '2020-01-01T10:00:00Z');
    for (const [copy, date] of [
      ['old/dune.jpg', '2021-01-01T10:00:00Z'],
      ['best/dune.jpg', '2022-01-01T10:00:00Z'],
    ] as const) {
      copyPhoto(file('camera/dune.jpg'), file(copy));
      setMtime(file(copy), date);
    }
    await paintPhoto(file('harbour.jpg'), 1);
    fs.mkdirSync(file('exports/full size'), { recursive: true });
    await sharp(file('harbour.jpg')).png().toFile(file('exports/full size/harbour-export.png'));
    await sandbox.json(['index', sandbox.photos]);

    defaultPlan = await sandbox.json<CleanReport>(['clean', '--dry-run']);
    defaultPixelPlan = await sandbox.json<CleanReport>(['clean', '--dry-run', '--kind', 'pixel']);
    keepFolderPlan = await sandbox.json<CleanReport>(['clean', '--dry-run', '--keep-folder', file('best')]);
    largestPlan = await sandbox.json<CleanReport>(['clean', '--dry-run', '--kind', 'pixel', '--keep', 'largest']);
    shortestPathPlan = await sandbox.json<CleanReport>(['clean', '--dry-run', '--kind', 'pixel', '--keep', 'shortest-path']);
  });

  afterAll(() => sandbox.dispose());

  const plan = (report: CleanReport) => byPath(report.trashed).map(({ path: moved, keeper }) => ({ moved, keeper }));

  it('should keep the oldest of equal byte copies by default', () => {
    expect(plan(defaultPlan)).toEqual([
      { moved: file('best/dune.jpg'), keeper: file('camera/dune.jpg') },
      { moved: file('old/dune.jpg'), keeper: file('camera/dune.jpg') },
    ]);
  });

  it('should keep the copy under --keep-folder and move the others', () => {
    expect(plan(keepFolderPlan)).toEqual([
      { moved: file('camera/dune.jpg'), keeper: file('best/dune.jpg') },
      { moved: file('old/dune.jpg'), keeper: file('best/dune.jpg') },
    ]);
  });

  it('should keep the JPEG over its bigger pixel-identical PNG export by default', () => {
    // Same pixels: the camera's format is the original, the bigger export only costs space.
    expect(plan(defaultPixelPlan)).toEqual([{ moved: file('exports/full size/harbour-export.png'), keeper: file('harbour.jpg') }]);
  });

  it('should keep the PNG export over its smaller pixel-identical JPEG with --keep largest', () => {
    expect(fs.statSync(file('exports/full size/harbour-export.png')).size).toBeGreaterThan(fs.statSync(file('harbour.jpg')).size);
    expect(plan(largestPlan)).toEqual([{ moved: file('harbour.jpg'), keeper: file('exports/full size/harbour-export.png') }]);
  });

  it('should keep the JPEG over its deeper PNG export with --keep shortest-path', () => {
    expect(plan(shortestPathPlan)).toEqual([{ moved: file('exports/full size/harbour-export.png'), keeper: file('harbour.jpg') }]);
  });

  describe('bad input', () => {
    it('should reject an unknown --keep rule with exit 2, moving nothing', async () => {
      const before = snapshot(sandbox.photos);
      const result = await sandbox.cli(['clean', '--keep', 'nonsense']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "--keep must be one of highest-resolution, largest, smallest, oldest, newest, shortest-path, in-folder (got 'nonsense')",
      );
      expect(snapshot(sandbox.photos)).toEqual(before);
      expect(sandbox.trash().infos).toEqual([]);
    });

    it('should reject ignore with a single file with exit 2', async () => {
      const result = await sandbox.cli(['ignore', file('harbour.jpg')]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('ignore needs at least two files');
    });

    it('should reject ignore of a file that is not in the library with exit 2, naming it', async () => {
      const stray = path.join(path.dirname(sandbox.photos), 'stray.jpg');
      await paintPhoto(stray, 20);
      const result = await sandbox.cli(['ignore', file('harbour.jpg'), stray]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(stray);
    });

    it('should reject undo of an unknown operation with exit 2', async () => {
      const result = await sandbox.cli(['undo', 'unknown-id']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('unknown-id');
    });

    it('should say "Nothing to undo" with exit 2 when no operation was ever made', async () => {
      const result = await sandbox.cli(['undo']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Nothing to undo');
    });
  });
});

describe('doppel clean --kind all: one review of byte, pixel and resized copies', () => {
  let sandbox: CleanupSandbox;
  const file = (relative: string) => path.join(sandbox.photos, relative);
  let listed: DuplicatesReport;
  let listedSmallestFirst: DuplicatesReport;
  let report: CleanReport;
  let protectedList: { protectedFolders: string[] };
  let protectedReport: CleanReport;
  let afterUnprotect: { protectedFolders: string[] };
  let pairsListed: unknown[];
  let cleared: { cleared: number };

  beforeAll(async () => {
    sandbox = createCleanupSandbox('all-kinds');
    await paintPhoto(file('camera/bay.jpg'), 21, 640, 480);
    copyPhoto(file('camera/bay.jpg'), file('backup/bay.jpg'));
    setMtime(file('camera/bay.jpg'), '2020-01-01T10:00:00Z'); // the older of the byte copies: the one kept
    fs.mkdirSync(file('exports'));
    await sharp(file('camera/bay.jpg')).png().toFile(file('exports/bay.png'));
    await sharp(file('camera/bay.jpg')).resize(320).jpeg({ quality: 80 }).toFile(file('exports/bay-small.jpg'));
    await sandbox.json(['index', sandbox.photos]);
    listed = await sandbox.json<DuplicatesReport>(['duplicates', '--kind', 'all']);
    listedSmallestFirst = await sandbox.json<DuplicatesReport>(['duplicates', '--kind', 'all', '--keep', 'smallest']);

    protectedList = await sandbox.json(['protect', file('backup')]);
    protectedReport = await sandbox.json<CleanReport>(['clean', '--kind', 'all', '--dry-run']);
    afterUnprotect = await sandbox.json(['unprotect', file('backup')]);

    await sandbox.json(['ignore', file('camera/bay.jpg'), file('exports/bay-small.jpg')]);
    pairsListed = await sandbox.json<unknown[]>(['ignore', '--list']);
    cleared = await sandbox.json(['ignore', '--clear']);

    report = await sandbox.json<CleanReport>(['clean', '--kind', 'all']);
  });

  afterAll(() => sandbox.dispose());

  it('should list the four files as one group, the older full-size JPEG kept (not its bigger PNG export), the others marked', () => {
    expect(listed.groups).toHaveLength(1);
    const copies = elementAt(listed.groups, 0, 'group').copies;
    expect(copies[0]).toMatchObject({ path: file('camera/bay.jpg'), match: 'keeper', score: 1 });
    expect(copies.slice(1, 3).map((copy) => [copy.path, copy.match])).toEqual([
      [file('backup/bay.jpg'), 'exact'],
      [file('exports/bay.png'), 'pixel'],
    ]);
    expect(copies[3]).toMatchObject({ path: file('exports/bay-small.jpg'), match: 'near' });
    expect(listed.wastedBytes).toBe(listed.groups[0]?.wasted_bytes);
  });

  it('should put the copy the --keep rule prefers first', () => {
    expect(listedSmallestFirst.groups[0]?.files[0]).toBe(file('exports/bay-small.jpg'));
  });

  it('should keep the copy in a saved protected folder first and trash the others against it', () => {
    expect(protectedList).toEqual({ protectedFolders: [file('backup')] });
    expect(new Set(protectedReport.trashed.map((copy) => copy.keeper))).toEqual(new Set([file('backup/bay.jpg')]));
    expect(afterUnprotect).toEqual({ protectedFolders: [] });
  });

  it('should list a "not duplicates" decision and clear it', () => {
    expect(pairsListed).toEqual([
      expect.objectContaining({
        a: expect.any(String) as unknown,
        b: expect.any(String) as unknown,
        operation: expect.any(String) as unknown,
      }),
    ]);
    expect(cleared).toEqual({ cleared: 1 });
  });

  it('should move the byte copy, the PNG export and the resized copy, keeping the camera JPEG', () => {
    expect(report.skipped).toEqual([]);
    expect(sorted(report.trashed.map((copy) => copy.path))).toEqual(
      sorted([file('backup/bay.jpg'), file('exports/bay.png'), file('exports/bay-small.jpg')]),
    );
    expect(fs.existsSync(file('camera/bay.jpg'))).toBe(true);
    expect(sorted(sandbox.trash().entries.map((entry) => entry.originalPath))).toEqual(sorted(report.trashed.map((copy) => copy.path)));
  });
});

describe('doppel undo when the original path is taken again', () => {
  let sandbox: CleanupSandbox;
  let copy: string;
  let copyBytes: string;
  let clean: CleanReport;
  let blocked: CliResult;
  let blockerAfterUndo: string;
  let trashAfterBlockedUndo: TrashContents;
  let trashedBytesAfterBlockedUndo: string;
  let retry: UndoReport;
  let trashAfterRetry: TrashContents;

  beforeAll(async () => {
    sandbox = createCleanupSandbox('undo-taken');
    const keeper = path.join(sandbox.photos, 'tide.jpg');
    copy = path.join(sandbox.photos, 'copy', 'tide.jpg');
    await paintPhoto(keeper, 8);
    setMtime(keeper, '2020-01-01T10:00:00Z');
    copyPhoto(keeper, copy);
    copyBytes = sha256(copy);
    await sandbox.json(['index', sandbox.photos]);
    clean = await sandbox.json<CleanReport>(['clean']);

    fs.writeFileSync(copy, 'a new file at the old path');
    const operation = defined(clean.operation, 'operation id of the clean-up');
    blocked = await sandbox.cli(['undo', operation, '--json']);
    blockerAfterUndo = fs.readFileSync(copy, 'utf8');
    trashAfterBlockedUndo = sandbox.trash();
    trashedBytesAfterBlockedUndo = sha256(elementAt(trashAfterBlockedUndo.entries, 0, 'trash entries').trashedPath);

    fs.rmSync(copy);
    retry = await sandbox.json<UndoReport>(['undo', operation]);
    trashAfterRetry = sandbox.trash();
  });

  afterAll(() => sandbox.dispose());

  it('should refuse to restore over the new file with exit 1 and a reason saying the path is taken', () => {
    expect(clean.trashed.map((moved) => moved.path)).toEqual([copy]);
    expect(blocked.code).toBe(1);
    const report = JSON.parse(blocked.stdout) as UndoReport;
    expect(report.restored).toEqual([]);
    expect(report.failed.map((failed) => failed.path)).toEqual([copy]);
    expect(elementAt(report.failed, 0, 'failed restores').reason).toMatch(/taken/);
  });

  it('should leave both the new file and the trashed copy intact', () => {
    expect(blockerAfterUndo).toBe('a new file at the old path');
    expect(trashAfterBlockedUndo.entries.map((entry) => entry.originalPath)).toEqual([copy]);
    expect(trashedBytesAfterBlockedUndo).toBe(copyBytes);
  });

  it('should restore the copy once its path is free again', () => {
    expect(retry.restored).toEqual([{ path: copy }]);
    expect(retry.failed).toEqual([]);
    expect(sha256(copy)).toBe(copyBytes);
    expect(trashAfterRetry.files).toEqual([]);
    expect(trashAfterRetry.infos).toEqual([]);
  });
});

describe('doppel clean killed after journaling a file', () => {
  let sandbox: CleanupSandbox;
  const file = (relative: string) => path.join(sandbox.photos, relative);
  let before: Map<string, string>;
  let groupsBefore: readonly DuplicateGroup[];
  let crash: ProcessEnding;
  let afterCrash: Map<string, string>;
  let trashAfterCrash: TrashContents;
  let history: OperationSummary[];
  let trashAfterSettling: TrashContents;
  let groupsAfterSettling: readonly DuplicateGroup[];
  let undoOfNothing: CliResult;
  let nextClean: CleanReport;
  let trashAfterNextClean: TrashContents;

  beforeAll(async () => {
    sandbox = createCleanupSandbox('crash');
    await paintPhoto(file('reef.jpg'), 14);
    setMtime(file('reef.jpg'), '2020-01-01T10:00:00Z');
    copyPhoto(file('reef.jpg'), file('a/reef.jpg'));
    copyPhoto(file('reef.jpg'), file('b/reef.jpg'));
    await sandbox.json(['index', sandbox.photos]);
    before = snapshot(sandbox.photos);
    groupsBefore = await exactGroups(sandbox);

    crash = await sandbox.ending(['clean', '--json'], { DOPPEL_FAULT: 'clean:after-journal' });
    afterCrash = snapshot(sandbox.photos);
    trashAfterCrash = sandbox.trash();
    // The first command after the crash settles the journal when it opens the library.
    history = await sandbox.json<OperationSummary[]>(['history']);
    trashAfterSettling = sandbox.trash();
    groupsAfterSettling = await exactGroups(sandbox);
    undoOfNothing = await sandbox.cli(['undo']);
    nextClean = await sandbox.json<CleanReport>(['clean']);
    trashAfterNextClean = sandbox.trash();
  });

  afterAll(() => sandbox.dispose());

  it('should die by SIGKILL after reserving the first copy in the trash, before moving it', () => {
    expect(crash).toMatchObject({ code: null, signal: 'SIGKILL', stdout: '' });
    expect(trashAfterCrash.files).toEqual([]);
    expect(trashAfterCrash.infos).toHaveLength(1);
    expect(afterCrash).toEqual(before);
  });

  it('should show the interrupted clean-up in history as done, with nothing moved and the journaled copy skipped', () => {
    expect(history).toHaveLength(1);
    expect(elementAt(history, 0, 'history')).toMatchObject({ kind: 'trash', state: 'done', files: 0, skipped: 1, freedBytes: 0 });
  });

  it('should remove the reserved .trashinfo when it settles the journal', () => {
    expect(trashAfterSettling.infos).toEqual([]);
    expect(trashAfterSettling.files).toEqual([]);
  });

  it('should keep every copy in the library and in its group', () => {
    expect(groupSets(groupsAfterSettling)).toEqual(groupSets(groupsBefore));
    expect(groupSets(groupsBefore)).toEqual([sorted([file('reef.jpg'), file('a/reef.jpg'), file('b/reef.jpg')])]);
  });

  it('should offer nothing to undo: the interrupted clean-up moved nothing', () => {
    expect(undoOfNothing.code).toBe(2);
    expect(undoOfNothing.stderr).toContain('Nothing to undo');
  });

  it('should clean normally after the crash', () => {
    expect(nextClean.operation).not.toBeNull();
    expect(sorted(nextClean.trashed.map((moved) => moved.path))).toEqual([file('a/reef.jpg'), file('b/reef.jpg')]);
    expect(sorted(trashAfterNextClean.entries.map((entry) => entry.originalPath))).toEqual([file('a/reef.jpg'), file('b/reef.jpg')]);
    expect(fs.existsSync(file('reef.jpg'))).toBe(true);
  });
});

describe('doppel ignore', () => {
  let sandbox: CleanupSandbox;
  const file = (relative: string) => path.join(sandbox.photos, relative);
  let fern: readonly string[];
  let lake: readonly string[];
  let renamedFern: readonly string[];
  let renamedLake: readonly string[];
  let exactOperation: string;
  let pixelOperation: string;
  let groupsBefore: readonly DuplicateGroup[];
  let afterExactMark: readonly DuplicateGroup[];
  let afterPixelMark: readonly DuplicateGroup[];
  let afterReindex: readonly DuplicateGroup[];
  let afterRename: readonly DuplicateGroup[];
  let historyWhileMarked: OperationSummary[];
  let exactUndo: UndoReport;
  let afterExactUndo: readonly DuplicateGroup[];
  let afterPixelUndo: readonly DuplicateGroup[];
  let historyAfterUndo: OperationSummary[];

  beforeAll(async () => {
    sandbox = createCleanupSandbox('ignore');
    fern = [file('fern.jpg'), file('copies/fern.jpg')];
    lake = [file('lake.jpg'), file('exports/lake.png')];
    renamedFern = [file('fern.jpg'), file('renamed/fern-renamed.jpg')];
    renamedLake = [file('lake.jpg'), file('renamed/lake-renamed.png')];
    await Promise.all([paintPhoto(file('fern.jpg'), 10), paintPhoto(file('lake.jpg'), 11)]);
    copyPhoto(file('fern.jpg'), file('copies/fern.jpg'));
    fs.mkdirSync(file('exports'));
    await sharp(file('lake.jpg')).png().toFile(file('exports/lake.png'));
    await sandbox.json(['index', sandbox.photos]);
    groupsBefore = await allGroups(sandbox);

    exactOperation = (await sandbox.json<{ operation: string }>(['ignore', ...fern])).operation;
    afterExactMark = await allGroups(sandbox);
    pixelOperation = (await sandbox.json<{ operation: string }>(['ignore', ...lake])).operation;
    afterPixelMark = await allGroups(sandbox);
    await sandbox.json(['index', sandbox.photos]);
    afterReindex = await allGroups(sandbox);
    fs.mkdirSync(file('renamed'));
    fs.renameSync(file('copies/fern.jpg'), file('renamed/fern-renamed.jpg'));
    fs.renameSync(file('exports/lake.png'), file('renamed/lake-renamed.png'));
    await sandbox.json(['index', sandbox.photos]);
    afterRename = await allGroups(sandbox);
    historyWhileMarked = await sandbox.json<OperationSummary[]>(['history']);

    exactUndo = await sandbox.json<UndoReport>(['undo', exactOperation]);
    afterExactUndo = await allGroups(sandbox);
    await sandbox.json(['undo', pixelOperation]);
    afterPixelUndo = await allGroups(sandbox);
    historyAfterUndo = await sandbox.json<OperationSummary[]>(['history']);
  });

  afterAll(() => sandbox.dispose());

  it('should start with the byte copies marked exact and the JPEG and its PNG export marked pixel', () => {
    expect(relationOf(groupsBefore, fern)).toBe('exact');
    expect(relationOf(groupsBefore, lake)).toBe('pixel');
  });

  it('should drop the exact group of byte copies marked as not duplicates, and only that group', () => {
    expect(grouped(afterExactMark, fern)).toBe(false);
    expect(grouped(afterExactMark, lake)).toBe(true);
  });

  it('should drop the pixel group of a JPEG and its PNG export marked as not duplicates', () => {
    expect(grouped(afterPixelMark, lake)).toBe(false);
  });

  it('should keep both decisions when the folder is indexed again', () => {
    expect(grouped(afterReindex, fern)).toBe(false);
    expect(grouped(afterReindex, lake)).toBe(false);
  });

  it('should keep both decisions when a file is renamed and the folder indexed again', () => {
    expect(grouped(afterRename, renamedFern)).toBe(false);
    expect(grouped(afterRename, renamedLake)).toBe(false);
  });

  it('should bring each group back, under the new names, when its decision is undone', () => {
    expect(exactUndo).toEqual({ operation: exactOperation, restored: [], failed: [] });
    expect(grouped(afterExactUndo, renamedFern)).toBe(true);
    expect(grouped(afterExactUndo, renamedLake)).toBe(false);
    expect(grouped(afterPixelUndo, renamedLake)).toBe(true);
  });

  it('should list each decision in history as a not-duplicates operation, newest first', () => {
    expect(historyWhileMarked.map(({ operation, kind, state }) => ({ operation, kind, state }))).toEqual([
      { operation: pixelOperation, kind: 'not-duplicates', state: 'done' },
      { operation: exactOperation, kind: 'not-duplicates', state: 'done' },
    ]);
    expect(historyAfterUndo.map((entry) => entry.state)).toEqual(['undone', 'undone']);
  });
});
