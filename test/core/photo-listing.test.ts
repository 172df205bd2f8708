import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doppel } from '../../src/core/doppel';
import { PhotoListingService, folderRange, type PhotoPageQuery } from '../../src/core/library/photo-listing.service';
import { openLibraryDatabase, type SqliteDatabase } from '../../src/core/store/library.database';
import { PhotoListingRepository } from '../../src/core/store/photo-listing.repository';
import { PHOTO_SHOWS, PHOTO_SORTS, type PhotoSort } from '../../src/shared/types';
import { writeDatedPhotos } from '../e2e/support/photo-folder';
import { writeScene } from '../fixtures';

let dir: string;
let db: SqliteDatabase;
let listing: PhotoListingService;
let repository: PhotoListingRepository;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doppel-listing-'));
  db = openLibraryDatabase(dir);
  db.prepare("INSERT INTO roots (id, path, added_at) VALUES (1, '/lib', 0)").run();
  repository = new PhotoListingRepository(db);
  listing = new PhotoListingService(repository);
});

afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface FileRow {
  readonly path: string;
  readonly size?: number;
  readonly mtimeMs?: number;
  readonly hash?: string | null;
  readonly status?: 'ok' | 'error' | 'unsupported';
  readonly error?: string | null;
  readonly indexedAt?: number;
}

const JULY_2024 = Date.parse('2024-07-14T10:11:12Z');

function addFile(file: FileRow): void {
  db.prepare(
    `INSERT INTO files (root_id, path, size, mtime_ms, content_hash, status, error, indexed_at)
     VALUES (1, @path, @size, @mtimeMs, @hash, @status, @error, @indexedAt)`,
  ).run({
    size: 1000,
    mtimeMs: JULY_2024,
    status: 'ok',
    error: null,
    indexedAt: JULY_2024,
    ...file,
    hash: file.hash === undefined ? `hash of ${file.path}` : file.hash,
  });
}

function addContent(hash: string, options: { takenAt?: string | null; pixelHash?: string | null } = {}): void {
  db.prepare(
    `INSERT INTO contents (hash, size, format, width, height, taken_at, phash, ph0, ph1, ph2, ph3, pixel_hash, decoded_at)
     VALUES (?, 1000, 'jpeg', 640, 480, ?, '0000000000000000', 0, 0, 0, 0, ?, 0)`,
  ).run(hash, options.takenAt ?? null, options.pixelHash ?? null);
}

/** A readable photo: its content (with an EXIF date, or none) and its file. */
function addPhoto(file: FileRow & { readonly takenAt?: string | null }): void {
  const hash = file.hash ?? `hash of ${file.path}`;
  addContent(hash, { takenAt: file.takenAt ?? null });
  addFile({ ...file, hash });
}

/** Every page of a listing, `limit` at a time, following `next` to the end. */
function allPages(query: PhotoPageQuery): string[] {
  const paths: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page = listing.page({ ...query, ...(after ? { after } : {}) });
    expect(page.photos.length).toBeLessThanOrEqual(query.limit ?? 100);
    paths.push(...page.photos.map((photo) => photo.path));
    if (page.next === null) return paths;
    after = page.next;
  }
  throw new Error('the listing never ended');
}

/** `2024-07-14T12:11:12` in this machine's time zone, as SQLite's 'localtime' writes it. */
function localIso(ms: number): string {
  const date = new Date(ms);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** A library with ties on every sort key: equal dates, sizes, names in several folders, case-only differences. */
function addTiedLibrary(): void {
  const taken = ['2024-07-14T10:11:12', '2024-07-14T10:11:12', '2023-01-05T08:00:00', null, null];
  const sizes = [500, 500, 2_000_000, 2_000_000, 7_000_000, 25_000_000];
  const names = ['IMG_0001.jpg', 'img_0001.JPG', 'beach.jpg', 'Beach.png', '2019 party.jpg', 'éte.jpg', '_x.jpg'];
  const folders = ['/lib/a', '/lib/a/b', '/lib/ab', '/lib'];
  let n = 0;
  for (const folder of folders) {
    for (const name of names) {
      addPhoto({
        path: `${folder}/${name}`,
        takenAt: taken[n % taken.length] ?? null,
        size: sizes[n % sizes.length] ?? 1,
        mtimeMs: JULY_2024 - (n % 3) * 40 * 86_400_000,
        indexedAt: JULY_2024 + (n % 4) * 20 * 86_400_000,
      });
      n += 1;
    }
  }
}

interface Expected {
  readonly path: string;
  readonly key: readonly (string | number)[];
}

/** The listing order each sort promises, written out from the stored facts. */
function expectedOrder(sort: PhotoSort, order: 'asc' | 'desc'): string[] {
  const rows = db
    .prepare(
      `SELECT f.path, f.size, f.mtime_ms, f.added_at, c.taken_at FROM files f LEFT JOIN contents c ON c.hash = f.content_hash
       WHERE f.status = 'ok'`,
    )
    .all() as { path: string; size: number; mtime_ms: number; added_at: number; taken_at: string | null }[];
  const keyed: Expected[] = rows.map((row) => {
    const name = path.posix.basename(row.path).toLowerCase();
    const initial = /^[a-z]/.test(name) ? (name[0]?.toUpperCase() ?? '#') : '#';
    const band = row.size > 20e6 ? 3 : row.size > 5e6 ? 2 : row.size >= 1e6 ? 1 : 0;
    const keys: Record<PhotoSort, (string | number)[]> = {
      taken: [row.taken_at ?? localIso(row.mtime_ms)],
      added: [row.added_at],
      name: [initial, name],
      size: [band, row.size],
      folder: [path.posix.dirname(row.path), name],
    };
    return { path: row.path, key: [...keys[sort], row.path] };
  });
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  const paths = keyed.map((row) => row.path);
  return order === 'asc' ? paths : paths.reverse();
}

function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i += 1) {
    const [x, y] = [a[i] ?? '', b[i] ?? ''];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

describe('photo listing by keyset', () => {
  for (const sort of PHOTO_SORTS) {
    for (const order of ['asc', 'desc'] as const) {
      it(`should page through every photo exactly once sorted by ${sort} ${order}, ties broken by path`, () => {
        addTiedLibrary();
        const listed = allPages({ sort, order, limit: 3 });
        expect(listed).toEqual(expectedOrder(sort, order));
        expect(new Set(listed).size).toBe(28);
      });
    }
  }

  it('should list newest capture first by default, and names A to Z', () => {
    addPhoto({ path: '/lib/old.jpg', takenAt: '2001-01-01T00:00:00' });
    addPhoto({ path: '/lib/new.jpg', takenAt: '2024-01-01T00:00:00' });
    expect(listing.page().photos.map((photo) => photo.path)).toEqual(['/lib/new.jpg', '/lib/old.jpg']);
    expect(listing.page({ sort: 'name' }).photos.map((photo) => photo.path)).toEqual(['/lib/new.jpg', '/lib/old.jpg']);
    expect(listing.page({ sort: 'size', order: 'asc' }).next).toBeNull();
  });

  it('should date a photo without an EXIF capture time by its modification time in local time', () => {
    const mtimeMs = Date.parse('2019-03-31T23:30:00Z');
    addPhoto({ path: '/lib/screenshot.png', takenAt: null, mtimeMs });
    addPhoto({ path: '/lib/dated.jpg', takenAt: '2019-03-31T12:00:00' });
    const [photo] = listing.page({ sort: 'taken', section: localIso(mtimeMs).slice(0, 7) }).photos.filter((p) => p.takenAt === null);
    expect(photo).toMatchObject({ path: '/lib/screenshot.png', takenAt: null, mtimeMs });
    expect(listing.timeline({ sort: 'taken' }).sections.map((section) => section.key)).toContain(localIso(mtimeMs).slice(0, 7));
  });

  it('should give a photo its summary: dimensions, format, camera, dates, no error', () => {
    addPhoto({ path: '/lib/a.jpg', takenAt: '2024-07-14T10:11:12', size: 1234, indexedAt: 42 });
    expect(listing.page().photos).toEqual([
      {
        path: '/lib/a.jpg',
        size: 1234,
        format: 'jpeg',
        width: 640,
        height: 480,
        takenAt: '2024-07-14T10:11:12',
        camera: null,
        mtimeMs: JULY_2024,
        addedAt: 42,
        error: null,
      },
    ]);
  });

  it('should keep the first-seen time when the file changes and is indexed again', () => {
    addPhoto({ path: '/lib/a.jpg', indexedAt: 1000 });
    db.prepare(
      `INSERT INTO files (root_id, path, size, mtime_ms, content_hash, status, indexed_at) VALUES (1, '/lib/a.jpg', 5, 9, 'other', 'ok', 2000)
       ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, content_hash = excluded.content_hash,
         indexed_at = excluded.indexed_at`,
    ).run();
    expect(listing.page().photos[0]).toMatchObject({ addedAt: 1000, mtimeMs: 9, takenAt: null });
    expect(listing.page({ sort: 'taken' }).photos[0]?.path).toBe('/lib/a.jpg');
    expect(listing.timeline({ sort: 'taken' }).sections.map((section) => section.key)).toEqual([localIso(9).slice(0, 7)]);
  });

  it('should take the EXIF date of a content decoded after its file was written', () => {
    addFile({ path: '/lib/late.jpg', hash: 'late', mtimeMs: JULY_2024 });
    addContent('late', { takenAt: '1999-12-31T23:59:59' });
    expect(listing.timeline({ sort: 'taken' }).sections).toEqual([{ key: '1999-12', label: 'December 1999', count: 1 }]);
  });
});

describe('timeline sections', () => {
  it('should count photos by capture month, newest first, labelled in words', () => {
    addPhoto({ path: '/lib/1.jpg', takenAt: '2024-07-01T00:00:00' });
    addPhoto({ path: '/lib/2.jpg', takenAt: '2024-07-31T23:00:00' });
    addPhoto({ path: '/lib/3.jpg', takenAt: '2023-12-25T12:00:00' });
    expect(listing.timeline()).toEqual({
      total: 3,
      sections: [
        { key: '2024-07', label: 'July 2024', count: 2 },
        { key: '2023-12', label: 'December 2023', count: 1 },
      ],
    });
    expect(listing.timeline({ order: 'asc' }).sections.map((section) => section.key)).toEqual(['2023-12', '2024-07']);
  });

  it('should count photos by size band, largest first', () => {
    for (const [index, size] of [999_999, 1_000_000, 5_000_000, 5_000_001, 20_000_000, 20_000_001].entries()) {
      addPhoto({ path: `/lib/${index}.jpg`, size });
    }
    expect(listing.timeline({ sort: 'size' }).sections).toEqual([
      { key: '>20MB', label: 'Over 20 MB', count: 1 },
      { key: '5-20MB', label: '5–20 MB', count: 2 },
      { key: '1-5MB', label: '1–5 MB', count: 2 },
      { key: '<1MB', label: 'Under 1 MB', count: 1 },
    ]);
    expect(listing.page({ sort: 'size', section: '5-20MB' }).photos.map((photo) => photo.size)).toEqual([20_000_000, 5_000_001]);
  });

  it('should count photos by initial, ignoring case, with # for digits, symbols and other letters', () => {
    for (const name of ['apple.jpg', 'Avocado.jpg', 'banana.jpg', '7up.jpg', '_x.jpg', 'éclair.jpg']) addPhoto({ path: `/lib/${name}` });
    expect(listing.timeline({ sort: 'name' }).sections).toEqual([
      { key: '#', label: '#', count: 3 },
      { key: 'A', label: 'A', count: 2 },
      { key: 'B', label: 'B', count: 1 },
    ]);
    expect(listing.page({ sort: 'name', section: 'A' }).photos.map((photo) => photo.path)).toEqual(['/lib/apple.jpg', '/lib/Avocado.jpg']);
  });

  it('should count photos by folder, A to Z, named by their path', () => {
    addPhoto({ path: '/lib/b/1.jpg' });
    addPhoto({ path: '/lib/a/2.jpg' });
    addPhoto({ path: '/lib/a/3.jpg' });
    addPhoto({ path: 'C:\\Photos\\trip\\4.jpg' });
    expect(listing.timeline({ sort: 'folder' }).sections).toEqual([
      { key: '/lib/a', label: '/lib/a', count: 2 },
      { key: '/lib/b', label: '/lib/b', count: 1 },
      { key: 'C:\\Photos\\trip', label: 'C:\\Photos\\trip', count: 1 },
    ]);
  });

  it('should page one section at a time, next null after its last photo', () => {
    for (let day = 1; day <= 7; day += 1) addPhoto({ path: `/lib/jul-${day}.jpg`, takenAt: `2024-07-0${day}T10:00:00` });
    addPhoto({ path: '/lib/june.jpg', takenAt: '2024-06-30T10:00:00' });
    const july = allPages({ section: '2024-07', limit: 2 });
    expect(july).toEqual([7, 6, 5, 4, 3, 2, 1].map((day) => `/lib/jul-${day}.jpg`));
    expect(allPages({ section: '2024-06', limit: 2 })).toEqual(['/lib/june.jpg']);
    expect(listing.page({ section: '2001-01' })).toEqual({ photos: [], next: null });
  });

  it('should refuse a section key its sort never gives', () => {
    expect(() => listing.page({ sort: 'size', section: 'huge' })).toThrow(/Unknown section "huge" for the size sort/);
    expect(() => listing.page({ sort: 'taken', section: 'July' })).toThrow(/a month such as 2024-07/);
  });

  it('should count with one walk of the sort index, for every sort and show', () => {
    addTiedLibrary();
    for (const sort of PHOTO_SORTS) {
      for (const show of ['all', 'unreadable'] as const) {
        const plan = repository.sectionsPlan({ sort, descending: true, show, folder: folderRange('/lib/a') }).join('\n');
        expect(plan, `${sort} ${show}`).not.toMatch(/TEMP B-TREE/);
        expect(plan).toMatch(/USING (COVERING )?INDEX files_by_/);
      }
    }
  });
});

describe('which photos a listing holds', () => {
  it('should list only the photos at or below a folder, not those of a folder whose name starts alike', () => {
    addTiedLibrary();
    const listed = allPages({ folder: '/lib/a', sort: 'folder', limit: 4 });
    expect(listed).toHaveLength(14);
    expect(listed.every((file) => file.startsWith('/lib/a/'))).toBe(true);
    expect(listing.timeline({ folder: '/lib/a/', sort: 'folder' }).sections.map(({ key, count }) => [key, count])).toEqual([
      ['/lib/a', 7],
      ['/lib/a/b', 7],
    ]);
    expect(folderRange('C:\\Photos')).toEqual({ from: 'C:\\Photos\\', to: 'C:\\Photos]' });
    expect(folderRange('/')).toEqual({ from: '/', to: '0' });
  });

  it('should list as duplicates the photos with a byte copy or a pixel copy, nothing else', () => {
    addPhoto({ path: '/lib/original.jpg', hash: 'bytes' });
    addFile({ path: '/lib/copy.jpg', hash: 'bytes' });
    addContent('pixels-a', { pixelHash: 'same pixels' });
    addContent('pixels-b', { pixelHash: 'same pixels' });
    addFile({ path: '/lib/photo.jpg', hash: 'pixels-a' });
    addFile({ path: '/lib/photo.png', hash: 'pixels-b' });
    addContent('lonely', { pixelHash: 'gone' });
    addContent('deleted', { pixelHash: 'gone' }); // its file is gone: not a copy any more
    addFile({ path: '/lib/lonely.jpg', hash: 'lonely' });
    addPhoto({ path: '/lib/single.jpg' });
    addFile({ path: '/lib/broken-copy.jpg', hash: 'bytes', status: 'error', error: 'truncated' });
    const duplicates = allPages({ show: 'duplicates', sort: 'name', limit: 2 });
    expect(duplicates).toEqual(['/lib/copy.jpg', '/lib/original.jpg', '/lib/photo.jpg', '/lib/photo.png']);
    expect(listing.timeline({ show: 'duplicates', sort: 'name' })).toEqual({
      total: 4,
      sections: [
        { key: 'C', label: 'C', count: 1 },
        { key: 'O', label: 'O', count: 1 },
        { key: 'P', label: 'P', count: 2 },
      ],
    });
    expect(listing.timeline({ show: 'duplicates', folder: '/elsewhere' }).total).toBe(0);
  });

  it('should list unreadable files with their reason, no dimensions and no format', () => {
    addPhoto({ path: '/lib/fine.jpg' });
    addFile({ path: '/lib/broken.jpg', hash: null, status: 'error', error: 'Cannot read file: EACCES', size: 12 });
    addFile({ path: '/lib/raw.xyz', hash: 'undecoded', status: 'unsupported', error: 'unsupported format' });
    expect(listing.page({ show: 'unreadable', sort: 'name' }).photos).toMatchObject([
      { path: '/lib/broken.jpg', error: 'Cannot read file: EACCES', width: 0, height: 0, format: '', size: 12 },
      { path: '/lib/raw.xyz', error: 'unsupported format', width: 0, height: 0, format: '' },
    ]);
    expect(listing.timeline({ show: 'unreadable' }).total).toBe(2);
    expect(allPages({})).toEqual(['/lib/fine.jpg']);
  });
});

describe('page cursors', () => {
  it('should refuse a cursor it did not give out, saying so', () => {
    addTiedLibrary();
    const garbage = ['garbage', Buffer.from('{"v":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url')];
    for (const after of garbage)
      expect(() => listing.page({ after }), after).toThrow(/Invalid page cursor: it is not one this listing gave out/);
    const wrongKey = Buffer.from(JSON.stringify({ v: 1, sort: 'size', order: 'desc', key: ['a', 'b', '/lib/x'] })).toString('base64url');
    expect(() => listing.page({ sort: 'size', after: wrongKey })).toThrow(/its position is not a size key/);
  });

  it('should refuse a cursor of another sort, order or section', () => {
    addTiedLibrary();
    const next = listing.page({ sort: 'name', limit: 2 }).next ?? '';
    expect(() => listing.page({ sort: 'size', after: next })).toThrow(/continues a listing sorted by name \(asc\), not by size \(desc\)/);
    expect(() => listing.page({ sort: 'name', order: 'desc', after: next })).toThrow(/not by name \(desc\)/);
    expect(() => listing.page({ sort: 'name', section: 'Z', after: next })).toThrow(/continues section #, not Z/);
  });

  it('should hold the page size to the shared limit', () => {
    expect(() => listing.page({ limit: 501 })).toThrow(/Invalid page size/);
    expect(() => listing.page({ limit: 0 })).toThrow(/Invalid page size/);
  });
});

describe('page query plans', () => {
  it('should read every page from an index in order, never sorting the table', () => {
    addTiedLibrary();
    for (const sort of PHOTO_SORTS) {
      for (const descending of [true, false]) {
        for (const show of PHOTO_SHOWS) {
          const variants = [
            {},
            { section: sort === 'size' ? 1 : 'x' },
            { after: [sort === 'size' ? 1 : 'x', sort === 'size' || sort === 'added' ? 1 : 'y', '/z'] as const },
          ];
          for (const variant of variants) {
            for (const folder of [undefined, folderRange('/lib/a')]) {
              const plan = repository.pagePlan({ sort, descending, show, limit: 10, ...variant, ...(folder ? { folder } : {}) }).join('\n');
              const label = `${sort} ${descending ? 'desc' : 'asc'} ${show} ${JSON.stringify(variant)} ${folder ? 'in a folder' : ''}`;
              expect(plan, label).not.toMatch(/USE TEMP B-TREE FOR ORDER BY/);
              expect(plan.split('\n')[0], label).toMatch(/^SEARCH f USING (COVERING )?INDEX files_by_/);
            }
          }
        }
      }
    }
  });
});

describe('photo details', () => {
  it('should give a photo its root, its byte copies and its pixel copies', () => {
    addContent('a', { pixelHash: 'p' });
    addContent('b', { pixelHash: 'p' });
    addFile({ path: '/lib/a.jpg', hash: 'a' });
    addFile({ path: '/lib/a copy.jpg', hash: 'a' });
    addFile({ path: '/lib/b.png', hash: 'b' });
    expect(listing.details('/lib/a.jpg')).toMatchObject({
      path: '/lib/a.jpg',
      root: '/lib',
      format: 'jpeg',
      exactCopies: ['/lib/a copy.jpg'],
      pixelCopies: ['/lib/b.png'],
    });
    expect(listing.details('/lib/b.png')).toMatchObject({ exactCopies: [], pixelCopies: ['/lib/a copy.jpg', '/lib/a.jpg'] });
  });

  it('should give an unreadable file its reason and no copies', () => {
    addFile({ path: '/lib/broken.jpg', hash: null, status: 'error', error: 'truncated' });
    expect(listing.details('/lib/broken.jpg')).toMatchObject({ error: 'truncated', width: 0, exactCopies: [], pixelCopies: [] });
  });

  it('should say a path is not in the library', () => {
    expect(() => listing.details('/lib/nothing.jpg')).toThrow('Cannot show /lib/nothing.jpg: it is not in the library');
  });
});

describe('listing a library indexed from real files', () => {
  it('should list EXIF-dated and undated JPEGs by capture month, and detail a byte copy', async () => {
    const photos = path.join(dir, 'photos');
    const dated = await writeDatedPhotos(path.join(photos, 'dated'), 2, '2021-06-30'); // 2021-06-30, 2021-07-01
    const undated = path.join(photos, 'undated.jpg');
    await writeScene(undated, 3, { width: 160, height: 120 });
    const undatedTime = new Date('2018-02-10T12:00:00Z');
    fs.utimesSync(undated, undatedTime, undatedTime);
    fs.copyFileSync(undated, path.join(photos, 'undated copy.jpg'));
    fs.utimesSync(path.join(photos, 'undated copy.jpg'), undatedTime, undatedTime);
    const doppel = await Doppel.open({ libraryDir: path.join(dir, 'library'), withoutSimilarity: true });
    try {
      await doppel.index([photos]);
      const undatedMonth = localIso(undatedTime.getTime()).slice(0, 7);
      expect(doppel.timeline().sections.map(({ key, count }) => [key, count])).toEqual([
        ['2021-07', 1],
        ['2021-06', 1],
        [undatedMonth, 2],
      ]);
      const page = doppel.photos({ limit: 3 });
      // Newest first flips the whole key, the path that breaks the tie too.
      expect(page.photos.map((photo) => photo.path)).toEqual([dated[1]?.path, dated[0]?.path, undated]);
      expect(page.photos[0]).toMatchObject({ takenAt: '2021-07-01T09:30:00', format: 'jpeg', width: 96, height: 72, error: null });
      const rest = doppel.photos({ limit: 3, after: page.next ?? '' });
      expect(rest).toEqual({
        photos: [expect.objectContaining({ path: path.join(photos, 'undated copy.jpg'), takenAt: null })],
        next: null,
      });
      expect(doppel.photo(undated)).toMatchObject({ root: photos, exactCopies: [path.join(photos, 'undated copy.jpg')] });
      expect(doppel.photos({ show: 'duplicates', sort: 'name' }).photos.map((photo) => path.basename(photo.path))).toEqual([
        'undated copy.jpg',
        'undated.jpg',
      ]);
    } finally {
      await doppel.close();
    }
  });
});
