import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openLibraryDatabase } from '../../src/core/store/library.database';
import { MIGRATIONS } from '../../src/core/store/migrations';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-migrations-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('library database migrations', () => {
  it('should create the schema at the latest version in WAL mode', () => {
    const db = openLibraryDatabase(tempDir());
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((row) => (row as { name: string }).name);
    expect(tables).toEqual(
      expect.arrayContaining(['roots', 'files', 'contents', 'kept_files', 'operations', 'operation_files', 'not_duplicates']),
    );
    expect(tables).not.toContain('ignored_pairs'); // moved into not_duplicates by migration 3
    db.close();
  });

  it('should apply only the migrations newer than the stored version', () => {
    const db = new Database(':memory:');
    const first = [{ version: 1, description: 'a', sql: 'CREATE TABLE a (x)' }];
    expect(migrate(db, first)).toBe(1);
    const both = [...first, { version: 2, description: 'b', sql: 'CREATE TABLE b (y)' }];
    expect(migrate(db, both)).toBe(2); // would throw "table a already exists" if 1 ran again
    expect(migrate(db, both)).toBe(2);
  });

  it('should roll back a failing migration as a whole', () => {
    const db = new Database(':memory:');
    const broken = [{ version: 1, description: 'broken', sql: 'CREATE TABLE ok (x); CREATE TABLE broken (' }];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'ok'").get()).toEqual({ n: 0 });
  });

  it('should refuse a library written by a newer Doppel', () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'library.db'));
    db.pragma('user_version = 999');
    db.close();
    expect(() => openLibraryDatabase(dir)).toThrow(/newer than this Doppel understands/);
  });

  it('should explain when the library folder cannot be created', () => {
    const file = path.join(tempDir(), 'not-a-folder');
    fs.writeFileSync(file, 'x');
    expect(() => openLibraryDatabase(path.join(file, 'library'))).toThrow(/is a file, not a folder/);
  });
});
