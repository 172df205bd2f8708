/**
 * What a write drops of the caches (src/core/library-caches.ts): everything a folder change
 * touches; only the touched files' entries where a clean-up or an undo says which files moved.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LibraryCaches } from '../../src/core/library-caches';

function spy(withForget: boolean): { calls: string[]; cache: { invalidate(): void; forget?(files: readonly string[]): void } } {
  const calls: string[] = [];
  const cache = {
    invalidate: () => calls.push('invalidate'),
    ...(withForget ? { forget: (files: readonly string[]) => calls.push(`forget ${files.join(',')}`) } : {}),
  };
  return { calls, cache };
}

describe('LibraryCaches', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());

  it("should drop only the touched files' entries of a cache that keeps them per file, and all of the others", () => {
    const perFile = spy(true);
    const whole = spy(false);
    const vectors = {
      reloads: 0,
      reload() {
        this.reloads += 1;
      },
    };
    const caches = new LibraryCaches(db, [perFile.cache, whole.cache], vectors);
    caches.changed('files', ['/p/a.jpg', '/p/b.jpg']);
    expect(perFile.calls).toEqual(['forget /p/a.jpg,/p/b.jpg']);
    expect(whole.calls).toEqual(['invalidate']);
    // A write that does not say which files (an index run) and a folder change drop everything.
    caches.changed('files');
    caches.changed('folders', ['/p/a.jpg']);
    expect(perFile.calls.slice(1)).toEqual(['invalidate', 'invalidate']);
    expect(vectors.reloads).toBe(1);
    // Decisions leave the files' caches alone (the review keys its answers by them), and bump the version.
    const before = caches.version;
    caches.changed('decisions', ['/p/a.jpg']);
    expect(perFile.calls).toHaveLength(3);
    expect(caches.version).toBe(before + 1);
  });
});
