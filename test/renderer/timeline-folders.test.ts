/**
 * The Library's folder filter offers every folder with photos, sub-folders included, as a tree
 * under its root with the photos at or below each, and narrows it by what is typed.
 */
import { describe, expect, it } from 'vitest';
import { filterFolderChoices, folderChoices } from '../../src/renderer/src/state/timeline-folders.js';

const FOLDERS = [
  { key: '/photos', count: 2 },
  { key: '/photos/2024/june', count: 3 },
  { key: '/photos/2024/july/beach', count: 4 },
  { key: '/photos/2023', count: 5 },
  { key: '/scans/old', count: 1 },
];

describe('folderChoices', () => {
  it('should list each root then its sub-folders depth first, with the folders between, and the photos at or below each', () => {
    expect(folderChoices(['/scans', '/photos'], FOLDERS).map((choice) => [choice.path, choice.depth, choice.count])).toEqual([
      ['/photos', 0, 14],
      ['/photos/2023', 1, 5],
      ['/photos/2024', 1, 7],
      ['/photos/2024/july', 2, 4],
      ['/photos/2024/july/beach', 3, 4],
      ['/photos/2024/june', 2, 3],
      ['/scans', 0, 1],
      ['/scans/old', 1, 1],
    ]);
  });

  it('should name a root by its full path and a sub-folder by its own name', () => {
    const names = folderChoices(['/photos'], FOLDERS).map((choice) => choice.name);
    expect(names.slice(0, 3)).toEqual(['/photos', '2023', '2024']);
  });

  it('should give the folders of a root inside another root to the inner root', () => {
    const choices = folderChoices(['/photos', '/photos/2024'], FOLDERS);
    expect(choices.map((choice) => [choice.path, choice.depth])).toEqual([
      ['/photos', 0],
      ['/photos/2023', 1],
      ['/photos/2024', 0],
      ['/photos/2024/july', 1],
      ['/photos/2024/july/beach', 2],
      ['/photos/2024/june', 1],
    ]);
  });

  it('should order numbered folders by number', () => {
    const choices = folderChoices(
      ['/p'],
      [
        { key: '/p/day 10', count: 1 },
        { key: '/p/day 9', count: 1 },
      ],
    );
    expect(choices.map((choice) => choice.name)).toEqual(['/p', 'day 9', 'day 10']);
  });

  it('should build Windows paths with their own separator', () => {
    const choices = folderChoices(['C:\\Photos'], [{ key: 'C:\\Photos\\2024\\june', count: 2 }]);
    expect(choices.map((choice) => choice.path)).toEqual(['C:\\Photos', 'C:\\Photos\\2024', 'C:\\Photos\\2024\\june']);
  });
});

describe('filterFolderChoices', () => {
  const choices = folderChoices(['/photos', '/scans'], FOLDERS);

  it('should keep the matches and the folders above them', () => {
    expect(filterFolderChoices(choices, 'JUNE').map((choice) => choice.path)).toEqual(['/photos', '/photos/2024', '/photos/2024/june']);
  });

  it('should match every word typed against the path below the root', () => {
    expect(filterFolderChoices(choices, '2024 beach').map((choice) => choice.path)).toEqual([
      '/photos',
      '/photos/2024',
      '/photos/2024/july',
      '/photos/2024/july/beach',
    ]);
  });

  it('should not match every sub-folder by its root’s name', () => {
    expect(filterFolderChoices(choices, 'photos').map((choice) => choice.path)).toEqual(['/photos']);
  });

  it('should keep everything when nothing is typed', () => {
    expect(filterFolderChoices(choices, '  ').map((choice) => choice.path)).toEqual(choices.map((choice) => choice.path));
  });

  it('should tell the matches from the folders kept above them', () => {
    const kept = filterFolderChoices(choices, 'june');
    expect(kept.filter((choice) => choice.matches).map((choice) => choice.path)).toEqual(['/photos/2024/june']);
  });
});
