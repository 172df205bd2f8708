import path from 'node:path';
import { dateFromFileName } from '../media/file-name-date';
import type { PhotoRepository } from '../store/photo.repository';
import type { SettingsRepository } from '../store/settings.repository';

/**
 * Settings flag: the library's undated photos were given the dates their file names carry. New
 * photos get theirs as they are decoded (file-indexer.ts); photos indexed before dates were read
 * from names are unchanged files the next index does not read, so one pass dates them, once.
 */
const FILE_NAME_DATES = 'file-name-dates';
const FILE_NAME_DATES_DONE = '1';

/**
 * Dates each content without an EXIF capture time by the name of one of its files, the first time
 * a library is indexed after file-name dates came in; a no-op (one settings read) after that.
 * Returns how many contents were dated.
 */
export function dateUndatedByFileName(photos: PhotoRepository, settings: SettingsRepository, log: (line: string) => void): number {
  if (settings.get(FILE_NAME_DATES) === FILE_NAME_DATES_DONE) return 0;
  const dated: [string, string][] = [];
  for (const content of photos.undatedContents()) {
    const takenAt = dateFromFileName(path.basename(content.path), { modifiedAt: new Date(content.mtimeMs) });
    if (takenAt !== null) dated.push([content.hash, takenAt]);
  }
  photos.setTakenAt(dated);
  settings.set(FILE_NAME_DATES, FILE_NAME_DATES_DONE);
  if (dated.length > 0) log(`dated ${dated.length} photo(s) without EXIF by their file names`);
  return dated.length;
}
