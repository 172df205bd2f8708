/**
 * Paths in the review are shortened in the middle, never at the end: the first folder and the file
 * name stay, and as many of the last folders as fit, since those tell copies apart.
 */
import { describe, expect, it } from 'vitest';
import { distinguishingPaths, pathInLibrary, shortenPath } from '../../src/renderer/src/path-text.js';

const DEEP = '/home/anna/Pictures/Backups/Old laptop/2023/Lisbon/horses.jpg';
const upTo = (length: number) => (text: string) => text.length <= length;

describe('shortenPath', () => {
  it('should keep a path that fits whole', () => {
    expect(shortenPath(DEEP, upTo(100))).toBe(DEEP);
  });

  it('should drop folders from the middle first, keeping the first folder, the last folders and the name', () => {
    expect(shortenPath(DEEP, upTo(50))).toBe('/home/…/Backups/Old laptop/2023/Lisbon/horses.jpg');
    expect(shortenPath(DEEP, upTo(33))).toBe('/home/…/2023/Lisbon/horses.jpg');
    expect(shortenPath(DEEP, upTo(25))).toBe('/home/…/Lisbon/horses.jpg');
    expect(shortenPath(DEEP, upTo(18))).toBe('/home/…/horses.jpg');
  });

  it('should show "…/name" when no folder fits, then shorten the name in its middle, keeping its extension', () => {
    expect(shortenPath(DEEP, upTo(12))).toBe('…/horses.jpg');
    expect(shortenPath('/photos/horses with a rather long name.png', upTo(15))).toBe('horses …ame.png');
    expect(shortenPath('/photos/horses.jpg', upTo(0))).toBe('…');
  });

  it('should shorten relative and Windows paths the same way', () => {
    expect(shortenPath('Pictures/Exports/Family/2023/eagle.jpg', upTo(30))).toBe('Pictures/…/2023/eagle.jpg');
    expect(shortenPath('C:\\Users\\anna\\Pictures\\2023\\eagle.jpg', upTo(30))).toBe('C:\\Users\\…\\2023\\eagle.jpg');
  });

  it('should never answer more than fits', () => {
    for (let length = 1; length < DEEP.length; length += 1) expect(shortenPath(DEEP, upTo(length)).length).toBeLessThanOrEqual(length);
  });
});

describe('pathInLibrary', () => {
  it('should show a path from the name of the deepest library folder holding it', () => {
    expect(pathInLibrary('/home/anna/Pictures/2023/horses.jpg', ['/home/anna/Pictures', '/home/anna'])).toBe('Pictures/2023/horses.jpg');
    expect(pathInLibrary('/home/anna/Pictures/2023', ['/home/anna/Pictures/'])).toBe('Pictures/2023');
  });

  it('should leave a path outside every library folder, or a library folder itself, as it is', () => {
    expect(pathInLibrary('/home/anna/Picturesque/horses.jpg', ['/home/anna/Pictures'])).toBe('/home/anna/Picturesque/horses.jpg');
    expect(pathInLibrary('/home/anna/Pictures', ['/home/anna/Pictures'])).toBe('/home/anna/Pictures');
  });
});

describe('distinguishingPaths', () => {
  it('should start each path at the first folder where they differ', () => {
    expect(distinguishingPaths(['/photos/2023/Camera/eagle.jpg', '/photos/Exports/Family/eagle.jpg'])).toEqual([
      '2023/Camera/eagle.jpg',
      'Exports/Family/eagle.jpg',
    ]);
  });

  it('should keep the folders of copies that differ only in one deep folder', () => {
    expect(distinguishingPaths(['/p/a/x/eagle.jpg', '/p/b/x/eagle.jpg'])).toEqual(['a/x/eagle.jpg', 'b/x/eagle.jpg']);
  });

  it('should show only the names of files in one folder', () => {
    expect(distinguishingPaths(['/photos/a.jpg', '/photos/b.jpg'])).toEqual(['a.jpg', 'b.jpg']);
  });
});
