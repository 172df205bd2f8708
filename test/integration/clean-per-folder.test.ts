/**
 * "Keep one per folder" from the CLI on real files: `duplicates --keep-per-folder --format csv`
 * says what `clean --keep-per-folder` then moves, and nothing else moves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CleanReport } from '../../src/shared/types';
import { ensureCliBuilt } from '../helpers/cli';
import { copyPhoto, createCleanupSandbox, paintPhoto, setMtime, type CleanupSandbox } from '../helpers/cleanup-sandbox';

describe('doppel clean --keep-per-folder', () => {
  let sandbox: CleanupSandbox;
  let files: Record<'album' | 'albumCopy' | 'phone' | 'phoneCopy' | 'other', string>;
  let csv: string;
  let report: CleanReport;

  beforeAll(async () => {
    ensureCliBuilt();
    sandbox = createCleanupSandbox('doppel-per-folder-');
    const at = (...parts: string[]): string => path.join(sandbox.photos, ...parts);
    files = {
      album: at('Albums, "Summer"', 'beach.jpg'),
      albumCopy: at('Albums, "Summer"', 'beach copy.jpg'),
      phone: at('Phone', 'beach.jpg'),
      phoneCopy: at('Phone', 'beach (1).jpg'),
      other: at('Phone', 'street.jpg'),
    };
    await paintPhoto(files.album, 3);
    copyPhoto(files.album, files.albumCopy);
    copyPhoto(files.album, files.phone);
    copyPhoto(files.album, files.phoneCopy);
    await paintPhoto(files.other, 11);
    // The oldest in each folder is the one the rule keeps there.
    setMtime(files.album, '2020-01-01T00:00:00Z');
    setMtime(files.albumCopy, '2021-01-01T00:00:00Z');
    setMtime(files.phone, '2020-06-01T00:00:00Z');
    setMtime(files.phoneCopy, '2019-01-01T00:00:00Z');
    expect((await sandbox.cli(['index', sandbox.photos])).code).toBe(0);
    const listed = await sandbox.cli(['duplicates', '--kind', 'exact', '--keep', 'oldest', '--keep-per-folder', '--format', 'csv']);
    expect(listed.code).toBe(0);
    csv = listed.stdout;
    report = await sandbox.json<CleanReport>(['clean', '--kind', 'exact', '--keep', 'oldest', '--keep-per-folder']);
  }, 120_000);

  afterAll(() => sandbox.dispose());

  it('should list each copy with its decision, quoting the folder name that holds a comma and quotes', () => {
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('group,kind,reason,path,size,width,height,date,decision');
    const decisionOf = (file: string): string | undefined =>
      lines
        .find((line) => line.includes(path.basename(file)) && line.includes(path.basename(path.dirname(file)).replaceAll('"', '""')))
        ?.split(',')
        .at(-1);
    expect(csv).toContain(`"${files.album.replaceAll('"', '""')}"`);
    expect(decisionOf(files.phoneCopy)).toBe('keep');
    expect(decisionOf(files.phone)).toBe('trash');
    expect(lines).toHaveLength(5);
  });

  it('should keep the oldest copy in each folder and move the others, byte copies in one folder included', () => {
    expect(report.trashed.map((copy) => copy.path).sort()).toEqual([files.albumCopy, files.phone].sort());
    expect(fs.existsSync(files.album)).toBe(true);
    expect(fs.existsSync(files.phoneCopy)).toBe(true);
    expect(fs.existsSync(files.albumCopy)).toBe(false);
    expect(
      sandbox
        .trash()
        .entries.map((entry) => entry.originalPath)
        .sort(),
    ).toEqual([files.albumCopy, files.phone].sort());
  });
});
