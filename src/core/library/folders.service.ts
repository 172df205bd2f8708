import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { LibraryRoot } from '../../shared/types';
import { InvalidArgumentError, assertWithinLimit, errorMessage } from '../errors';
import { isInside } from '../library-paths';
import type { RootsRepository } from '../store/roots.repository';

/**
 * The library's folders as the user manages them: listed with their counts, taken out of the
 * library, given exclusion patterns. Files on disk are never touched here, and neither are the
 * decisions kept by content ("not duplicates", clean-up history): they outlive any folder.
 */
export class FoldersService {
  readonly #roots: RootsRepository;

  constructor(roots: RootsRepository) {
    this.#roots = roots;
  }

  /** Every folder, by path, with its counts; `protectedFolders` are the saved reference folders. */
  roots(protectedFolders: readonly string[]): LibraryRoot[] {
    return this.#roots.summaries().map((row) => ({
      path: row.path,
      excludes: row.excludes,
      protected: protectedFolders.some((folder) => isSameOrInside(row.path, folder)),
      files: row.files,
      bytes: row.bytes,
      errors: row.errors,
      addedAt: row.addedAt,
      missing: !isFolder(row.path),
    }));
  }

  /**
   * Takes a folder out of the library: its files' rows go (their photos leave every listing, group
   * and search), the files themselves stay where they are. Returns how many files it had.
   */
  removeRoot(folder: string): number {
    return this.#roots.remove(this.#idOf(folder, 'remove'));
  }

  /**
   * Replaces a folder's exclusion patterns (picomatch globs relative to the folder, as the scanner
   * matches them). They apply from the folder's next index, which drops the files they now match.
   * @example folders.setExcludes('/photos', ['**\/.thumbnails/**', '*.png'])
   */
  setExcludes(folder: string, patterns: readonly string[]): void {
    const rootId = this.#idOf(folder, 'change the exclusions of');
    assertWithinLimit('excludePatterns', patterns.length);
    const cleaned = [...new Set(patterns.map((pattern) => pattern.trim()))];
    for (const pattern of cleaned) assertExcludePattern(pattern, path.resolve(folder));
    this.#roots.setExcludes(rootId, cleaned);
  }

  #idOf(folder: string, action: string): number {
    const resolved = path.resolve(folder);
    const id = this.#roots.idOf(resolved);
    if (id === null) throw new InvalidArgumentError(`Cannot ${action} ${resolved}: it is not one of the library's folders`);
    return id;
  }
}

/**
 * Throws when `folder` cannot be indexed: it does not exist, or it is a file. Checked before an
 * index job starts, so the caller hears of a typo at once, not from a job that fails later.
 */
export function assertFolder(folder: string): void {
  const resolved = path.resolve(folder);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    throw new InvalidArgumentError(`Cannot index ${resolved}: no such folder`);
  }
  if (!stat.isDirectory()) throw new InvalidArgumentError(`Cannot index ${resolved}: not a folder`);
}

/**
 * Throws when `pattern` is not a glob the scanner can use. picomatch accepts anything and quietly
 * turns an unbalanced `[`, `{` or `(` into a pattern that never matches: a typo would exclude
 * nothing, without a word. `strictBrackets` makes it say so instead.
 */
function assertExcludePattern(pattern: string, folder: string): void {
  const refuse = (why: string): never => {
    throw new InvalidArgumentError(`Invalid exclusion pattern "${pattern}" for ${folder}: ${why}`);
  };
  if (pattern === '') refuse('it is empty');
  if (path.isAbsolute(pattern) || /^[A-Za-z]:[\\/]/.test(pattern)) {
    refuse('patterns are relative to the folder (`raw/**`, `**/*.png`), not absolute paths');
  }
  let source: string;
  try {
    source = picomatch.makeRe(pattern, { dot: true, strictBrackets: true }).source;
  } catch (error) {
    return refuse(errorMessage(error));
  }
  if (source === '$^') refuse('it can never match a file (check its brackets and ranges)');
}

function isSameOrInside(folder: string, container: string): boolean {
  return path.resolve(folder) === path.resolve(container) || isInside(folder, container);
}

function isFolder(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}
