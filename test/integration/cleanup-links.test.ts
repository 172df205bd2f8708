/**
 * Clean-up and undo on real folders, where a path is not always the file it was: folders swapped
 * for symlinks after indexing, copies replaced by hard links, protected folders reached through a
 * symlink, roots that are symlinks, names too long for a trash entry, undo killed half way and
 * content altered in the trash. Each block runs its story in `beforeAll` and its tests only read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CleanReport, DuplicateGroup, DuplicatesReport, UndoReport } from '../../src/shared/types';
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

const sorted = (paths: readonly string[]): string[] => [...paths].sort();
const cleanReport = (result: CliResult): CleanReport => JSON.parse(result.stdout) as CleanReport;
const undoReport = (result: CliResult): UndoReport => JSON.parse(result.stdout) as UndoReport;
const exactGroups = async (sandbox: CleanupSandbox): Promise<readonly DuplicateGroup[]> =>
  (await sandbox.json<DuplicatesReport>(['duplicates', '--kind', 'exact'])).groups;

/** Paints one picture as byte copies at `copies` (relative), the first the oldest, so the default rule keeps it. */
async function byteCopies(sandbox: CleanupSandbox, seed: number, copies: readonly string[]): Promise<void> {
  const [first, ...others] = copies.map((relative) => path.join(sandbox.photos, relative));
  if (first === undefined) throw new Error('byteCopies needs a file');
  await paintPhoto(first, seed);
  setMtime(first, '2020-01-01T10:00:00Z');
  for (const copy of others) {
    copyPhoto(first, copy);
    setMtime(copy, '2021-01-01T10:00:00Z');
  }
}

beforeAll(() => ensureCliBuilt());

describe('doppel clean when a folder became a symlink to the keeper after indexing', () => {
  let sandbox: CleanupSandbox;
  const file = (relative: string) => path.join(sandbox.photos, relative);
  let keptBytes: string;
  let clean: CliResult;
  let trash: TrashContents;

  beforeAll(async () => {
    sandbox = createCleanupSandbox('swapped');
    await byteCopies(sandbox, 21, ['a/x.jpg', 'b/x.jpg']);
    await byteCopies(sandbox, 22, ['c/y.jpg', 'd/y.jpg']);
    // Same time on both (cp -p): only the inode tells the kept copy from the one that now leads to it.
    setMtime(file('d/y.jpg'), '2020-01-01T10:00:00Z');
    await sandbox.json(['index', sandbox.photos]);
    const { groups } = await sandbox.json<DuplicatesReport>(['duplicates', '--kind', 'exact']);
    expect(groups.map((group) => group.files[0])).toContain(file('c/y.jpg')); // the keeper of the second group
    keptBytes = sha256(file('a/x.jpg'));
    // The copy's folder now leads to the keeper's; the keeper's folder now leads to the copy's.
    fs.rmSync(file('b'), { recursive: true });
    fs.symlinkSync('a', file('b'));
    fs.renameSync(file('c'), file('c-moved'));
    fs.renameSync(file('d'), file('c'));
    fs.symlinkSync('c', file('d'));
    clean = await sandbox.cli(['clean', '--json']);
    trash = sandbox.trash();
  });

  afterAll(() => sandbox.dispose());

  it('should keep the only copy of each picture in place, byte for byte, with nothing in the trash', () => {
    expect(sha256(file('a/x.jpg'))).toBe(keptBytes);
    expect(fs.existsSync(file('c/y.jpg'))).toBe(true);
    expect(trash.files).toEqual([]);
    expect(trash.infos).toEqual([]);
  });

  it('should say each copy is the same file as the copy kept', () => {
    const report = cleanReport(clean);
    expect(report.trashed).toEqual([]);
    expect(sorted(report.skipped.map((skip) => skip.path))).toEqual([file('b/x.jpg'), file('d/y.jpg')]);
    for (const skip of report.skipped) expect(skip.reason).toMatch(/same file as the copy kept/);
  });

  it('should exit non-zero when it moved nothing, saying so', async () => {
    expect(clean.code).toBe(1);
    const text = await sandbox.cli(['clean']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^Moved nothing: all 2 copies were left in place/);
  });
});

describe('doppel clean of a copy replaced by a hard link to its keeper', () => {
  let sandbox: CleanupSandbox;
  const file = (relative: string) => path.join(sandbox.photos, relative);
  let clean: CliResult;

  beforeAll(async () => {
    sandbox = createCleanupSandbox('relinked');
    await paintPhoto(file('a/z.jpg'), 23);
    copyPhoto(file('a/z.jpg'), file('b/z.jpg'));
    // Same size and time as indexed: only the inode tells the link from the copy it replaced.
    for (const copy of ['a/z.jpg', 'b/z.jpg']) setMtime(file(copy), '2020-01-01T10:00:00Z');
    await sandbox.json(['index', sandbox.photos]);
    fs.rmSync(file('b/z.jpg'));
    fs.linkSync(file('a/z.jpg'), file('b/z.jpg'));
    clean = await sandbox.cli(['clean', '--json']);
  });

  afterAll(() => sandbox.dispose());

  it('should leave the hard link in place and move nothing, freeing nothing', () => {
    const report = cleanReport(clean);
    expect(report.trashed).toEqual([]);
    expect(report.freedBytes).toBe(0);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]?.reason).toMatch(/hard link/);
    expect(fs.statSync(file('a/z.jpg')).nlink).toBe(2);
    expect(sandbox.trash().files).toEqual([]);
  });
});

describe('doppel clean of protected folders reached through symlinks', () => {
  let sandbox: CleanupSandbox;
  let root: string;
  let before: Map<string, string>;
  let report: CleanReport;
  let rootLink: string;
  let realRoot: string;
  let beforeLinked: Map<string, string>;
  let linkedReport: CleanReport;

  beforeAll(async () => {
    sandbox = createCleanupSandbox('protected-links');
    // A shortcut inside the root to the protected folder: the scan reaches its files through it first.
    root = sandbox.photos;
    await byteCopies(sandbox, 24, ['elsewhere/p.jpg', 'Z-reference/p.jpg']);
    await byteCopies(sandbox, 25, ['other/q.jpg', 'Z-reference/q.jpg']);
    fs.symlinkSync('Z-reference', path.join(root, 'A-shortcut'));
    before = snapshot(path.join(root, 'Z-reference'));
    await sandbox.json(['index', root]);
    await sandbox.json(['protect', path.join(root, 'Z-reference')]);
    report = await sandbox.json<CleanReport>(['clean']);

    // A root added through a symlink (~/Pictures -> /data/Pictures), protected by its real path.
    realRoot = path.join(path.dirname(sandbox.photos), 'data', 'Pictures');
    rootLink = path.join(path.dirname(sandbox.photos), 'Pictures');
    await paintPhoto(path.join(realRoot, 'Originals', 'r.jpg'), 26);
    copyPhoto(path.join(realRoot, 'Originals', 'r.jpg'), path.join(realRoot, 'Other', 'r.jpg'));
    setMtime(path.join(realRoot, 'Originals', 'r.jpg'), '2021-01-01T10:00:00Z');
    setMtime(path.join(realRoot, 'Other', 'r.jpg'), '2020-01-01T10:00:00Z');
    fs.symlinkSync(realRoot, rootLink);
    beforeLinked = snapshot(path.join(realRoot, 'Originals'));
    await sandbox.json(['index', rootLink]);
    linkedReport = await sandbox.json<CleanReport>(['clean', '--protect', path.join(realRoot, 'Originals')]);
  });

  afterAll(() => sandbox.dispose());

  it('should leave every file of a protected folder reached through a shortcut in place', () => {
    expect(snapshot(path.join(root, 'Z-reference'))).toEqual(before);
    for (const moved of report.trashed) expect(fs.realpathSync(path.dirname(moved.keeper))).toBe(path.join(root, 'Z-reference'));
    expect(sorted(report.trashed.map((moved) => moved.path))).toEqual([path.join(root, 'elsewhere/p.jpg'), path.join(root, 'other/q.jpg')]);
  });

  it('should protect a folder named by its real path under a root added through a symlink', () => {
    expect(snapshot(path.join(realRoot, 'Originals'))).toEqual(beforeLinked);
    expect(linkedReport.trashed.map((moved) => moved.path)).toEqual([path.join(rootLink, 'Other', 'r.jpg')]);
    expect(fs.existsSync(path.join(realRoot, 'Other', 'r.jpg'))).toBe(false);
  });
});

describe('doppel undo through a symlinked root', () => {
  let sandbox: CleanupSandbox;
  let link: string;
  let real: string;
  let before: Map<string, string>;
  let cleaned: CleanReport;
  let undo: CliResult;
  let groupsAfter: readonly DuplicateGroup[];

  beforeAll(async () => {
    sandbox = createCleanupSandbox('linked-root');
    real = path.join(sandbox.photos, 'data', 'Pictures');
    link = path.join(sandbox.photos, 'Pictures');
    await paintPhoto(path.join(real, 'a', 'm.jpg'), 27);
    setMtime(path.join(real, 'a', 'm.jpg'), '2020-01-01T10:00:00Z');
    copyPhoto(path.join(real, 'a', 'm.jpg'), path.join(real, 'b', 'm.jpg'));
    copyPhoto(path.join(real, 'a', 'm.jpg'), path.join(real, 'c', 'm.jpg'));
    fs.symlinkSync(path.join('data', 'Pictures'), link);
    before = snapshot(real);
    await sandbox.json(['index', link]);
    cleaned = await sandbox.json<CleanReport>(['clean']);
    undo = await sandbox.cli(['undo', '--json']);
    groupsAfter = await exactGroups(sandbox);
  });

  afterAll(() => sandbox.dispose());

  it('should move both copies and put both back byte for byte', () => {
    expect(cleaned.trashed).toHaveLength(2);
    expect(undo.code).toBe(0);
    expect(undoReport(undo).restored).toHaveLength(2);
    expect(snapshot(real)).toEqual(before);
    expect(sandbox.trash().infos).toEqual([]);
  });

  it('should list the group again under the paths it was indexed by', () => {
    expect(groupsAfter.map((group) => sorted(group.files))).toEqual([
      sorted(['a', 'b', 'c'].map((folder) => path.join(link, folder, 'm.jpg'))),
    ]);
  });
});

describe('doppel clean and undo of a file whose name is too long for a trash entry', () => {
  let sandbox: CleanupSandbox;
  let longName: string;
  let cleaned: CleanReport;
  let trash: TrashContents;
  let undo: CliResult;
  let bytes: string;

  beforeAll(async () => {
    sandbox = createCleanupSandbox('long-name');
    // 250 bytes: with `.trashinfo` its trash entry's info file would pass the 255-byte name limit.
    longName = `${'é'.repeat(60)}${'n'.repeat(126)}.jpg`;
    await byteCopies(sandbox, 28, ['keep.jpg', path.join('copies', longName)]);
    bytes = sha256(path.join(sandbox.photos, 'keep.jpg'));
    await sandbox.json(['index', sandbox.photos]);
    cleaned = await sandbox.json<CleanReport>(['clean']);
    trash = sandbox.trash();
    undo = await sandbox.cli(['undo', '--json']);
  });

  afterAll(() => sandbox.dispose());

  it('should move it under a shortened trash name whose info file fits, recording the full path', () => {
    expect(Buffer.byteLength(longName)).toBe(250);
    expect(cleaned.trashed.map((moved) => moved.path)).toEqual([path.join(sandbox.photos, 'copies', longName)]);
    const [entry] = trash.entries;
    expect(entry?.originalPath).toBe(path.join(sandbox.photos, 'copies', longName));
    for (const name of trash.infos) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(trash.files[0]?.endsWith('.jpg')).toBe(true);
  });

  it('should put it back under its full name', () => {
    expect(undo.code).toBe(0);
    expect(sha256(path.join(sandbox.photos, 'copies', longName))).toBe(bytes);
    expect(sandbox.trash().files).toEqual([]);
  });
});

describe('doppel undo killed half way', () => {
  for (const fault of ['undo:after-put-back', 'undo:after-link'] as const) {
    describe(fault, () => {
      let sandbox: CleanupSandbox;
      let before: Map<string, string>;
      let crash: ProcessEnding;
      let undo: CliResult;
      let trash: TrashContents;
      let groupsAfter: readonly DuplicateGroup[];

      beforeAll(async () => {
        sandbox = createCleanupSandbox('undo-crash');
        await byteCopies(sandbox, 29, ['k.jpg', 'a/k.jpg', 'b/k.jpg']);
        before = snapshot(sandbox.photos);
        await sandbox.json(['index', sandbox.photos]);
        await sandbox.json(['clean']);
        crash = await sandbox.ending(['undo', '--json'], { DOPPEL_FAULT: fault });
        undo = await sandbox.cli(['undo', '--json']);
        trash = sandbox.trash();
        groupsAfter = await exactGroups(sandbox);
      });

      afterAll(() => sandbox.dispose());

      it('should die by SIGKILL in the middle of putting the first file back', () => {
        expect(crash).toMatchObject({ code: null, signal: 'SIGKILL' });
      });

      it('should finish on the next undo: every file back byte for byte, one link each, nothing left in the trash', () => {
        expect(undo.code).toBe(0);
        expect(undoReport(undo).failed).toEqual([]);
        expect(snapshot(sandbox.photos)).toEqual(before);
        for (const relative of before.keys()) expect(fs.statSync(path.join(sandbox.photos, relative)).nlink).toBe(1);
        expect(trash).toEqual({ files: [], infos: [], entries: [] });
      });

      it('should list the group again', () => {
        expect(groupsAfter.map((group) => group.files.length)).toEqual([3]);
      });
    });
  }
});

describe('doppel undo of a file altered in the trash', () => {
  let sandbox: CleanupSandbox;
  const file = (relative: string) => path.join(sandbox.photos, relative);
  let undo: UndoReport;
  let groupsAfterUndo: readonly DuplicateGroup[];
  let groupsAfterIndex: readonly DuplicateGroup[];
  let alteredBytes: string;

  beforeAll(async () => {
    sandbox = createCleanupSandbox('altered');
    await byteCopies(sandbox, 30, ['s.jpg', 'a/s.jpg']);
    await sandbox.json(['index', sandbox.photos]);
    await sandbox.json(['clean']);
    const [entry] = sandbox.trash().entries;
    if (!entry) throw new Error('nothing was trashed');
    await paintPhoto(entry.trashedPath, 31); // another picture, written in place in the trash
    alteredBytes = sha256(entry.trashedPath);
    undo = await sandbox.json<UndoReport>(['undo']);
    groupsAfterUndo = await exactGroups(sandbox);
    await sandbox.json(['index', sandbox.photos]);
    groupsAfterIndex = await exactGroups(sandbox);
  });

  afterAll(() => sandbox.dispose());

  it('should put it back as it is, saying it must be indexed again', () => {
    expect(sha256(file('a/s.jpg'))).toBe(alteredBytes);
    expect(undo.restored).toEqual([{ path: file('a/s.jpg'), note: expect.stringMatching(/changed while it was in the trash/) as string }]);
  });

  it('should not call it a byte copy of the photo it no longer is, before or after indexing again', () => {
    expect(groupsAfterUndo).toEqual([]);
    expect(groupsAfterIndex).toEqual([]);
  });
});

describe('doppel clean killed after claiming a place in the trash, before journaling it', () => {
  let sandbox: CleanupSandbox;
  let before: Map<string, string>;
  let crash: ProcessEnding;
  let trashAfterCrash: TrashContents;
  let trashAfterSettling: TrashContents;

  beforeAll(async () => {
    sandbox = createCleanupSandbox('claim-crash');
    await byteCopies(sandbox, 32, ['t.jpg', 'a/t.jpg']);
    before = snapshot(sandbox.photos);
    await sandbox.json(['index', sandbox.photos]);
    crash = await sandbox.ending(['clean', '--json'], { DOPPEL_FAULT: 'clean:after-claim' });
    trashAfterCrash = sandbox.trash();
    await sandbox.json(['history']); // the next writer to open the library settles the journal
    trashAfterSettling = sandbox.trash();
  });

  afterAll(() => sandbox.dispose());

  it('should leave a claimed .trashinfo and no file in the trash when it dies', () => {
    expect(crash).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(trashAfterCrash.files).toEqual([]);
    expect(trashAfterCrash.entries.map((entry) => entry.originalPath)).toEqual([path.join(sandbox.photos, 'a', 't.jpg')]);
  });

  it('should give the claim back on the next open, leaving the trash empty and the photos in place', () => {
    expect(trashAfterSettling).toEqual({ files: [], infos: [], entries: [] });
    expect(snapshot(sandbox.photos)).toEqual(before);
  });
});
