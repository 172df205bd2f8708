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

  it('should give files written before migration 5 their listing keys, and keep them right after it', () => {
    const db = new Database(':memory:');
    migrate(
      db,
      MIGRATIONS.filter((migration) => migration.version < 5),
    );
    db.exec(`
      INSERT INTO roots (id, path, added_at) VALUES (1, '/photos', 0);
      INSERT INTO contents (hash, size, format, width, height, taken_at, phash, ph0, ph1, ph2, ph3, decoded_at)
        VALUES ('dated', 1, 'jpeg', 1, 1, '2024-07-14T10:11:12', '0', 0, 0, 0, 0, 0);
      INSERT INTO files (root_id, path, size, mtime_ms, content_hash, status, indexed_at) VALUES
        (1, '/photos/2024/Beach.jpg', 6000000, 0, 'dated', 'ok', 1000),
        (1, '/photos/scan.png', 10, 86400000, NULL, 'error', 2000);
    `);
    migrate(db, MIGRATIONS);
    const keys = (filePath: string): unknown =>
      db.prepare('SELECT sort_date, added_at, name, name_initial, dir, size_band, readable FROM files WHERE path = ?').get(filePath);
    const localDay = (ms: number): string => {
      const date = new Date(ms);
      const two = (value: number): string => String(value).padStart(2, '0');
      return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
    };
    expect(keys('/photos/2024/Beach.jpg')).toEqual({
      sort_date: '2024-07-14T10:11:12',
      added_at: 1000,
      name: 'Beach.jpg',
      name_initial: 'B',
      dir: '/photos/2024',
      size_band: 2,
      readable: 1,
    });
    expect(keys('/photos/scan.png')).toMatchObject({ sort_date: localDay(86_400_000), added_at: 2000, dir: '/photos', readable: 0 });
    // After it, triggers keep the keys: a new file, a changed one.
    db.exec(`
      INSERT INTO files (root_id, path, size, mtime_ms, content_hash, status, indexed_at) VALUES (1, '/photos/new.jpg', 1, 0, 'dated', 'ok', 3000);
      UPDATE files SET mtime_ms = 172800000, indexed_at = 4000 WHERE path = '/photos/scan.png';
    `);
    expect(keys('/photos/new.jpg')).toMatchObject({ sort_date: '2024-07-14T10:11:12', added_at: 3000 });
    expect(keys('/photos/scan.png')).toMatchObject({ sort_date: localDay(172_800_000), added_at: 2000 });
    db.close();
  });

  it('should explain when the library folder cannot be created', () => {
    const file = path.join(tempDir(), 'not-a-folder');
    fs.writeFileSync(file, 'x');
    expect(() => openLibraryDatabase(path.join(file, 'library'))).toThrow(/is a file, not a folder/);
  });
});
