/**
 * Which files a page may name, checked before a call reaches the engine. Signing in proves the
 * caller is the user, but a buggy or compromised page (or a script holding the token) must still
 * not turn the bridge against the machine: `find:query {"path": "/dev/zero"}` once drove it past
 * 7 GB, and a FIFO would hang a call forever.
 *
 * The rule, channel by channel (PATHS_OF below):
 * - paths of existing photos (similar queries, clean-up choices, "not duplicates" marks,
 *   thumbnails, previews) must lie inside the library's indexed roots;
 * - files the engine reads bytes from (find and similar queries) must be regular files of at most
 *   MAX_QUERY_FILE_BYTES (the core checks both again when it reads, against the library's own
 *   size limit). `find:query` may name a file anywhere: "is this photo already in my library?" is
 *   asked about downloads and memory cards, not about library photos;
 * - folders given to `library:index` are what the signed-in user chose; keeper and protected
 *   folders are only compared with photo paths, never opened.
 *
 * Files are checked with stat, which follows symbolic links, because the engine opens what a link
 * points to: a link to a photo is fine, a link to /dev/zero is not. Roots are compared lexically
 * (after resolving `..`), as the indexer stores paths. The check and the engine's open are two
 * steps: a file swapped for a FIFO in between would still hang, which needs write access to the
 * folder the user named, i.e. the user.
 */
import { promises as fs, type Stats } from 'node:fs';
import { isInside } from '../core/library-paths.js';
import type { Channel } from '../shared/channels.js';
import { isChannel } from '../shared/channels.js';
import { ErrorCodes, type AppError } from '../shared/errors.js';
import { parseChannelInput, type ParsedInput } from '../shared/ipc-contract.js';
import { photoFileMegabytes } from '../shared/limits.js';

/**
 * The most a library may be opened to read (its own limit, `--max-file-mb`, is at most this): the
 * bridge cannot know the library's choice, so it only stops what no library would read.
 */
export const MAX_QUERY_FILE_BYTES = photoFileMegabytes.max * 1e6;

interface PathUse {
  /** Paths that must name files inside the library's roots. */
  readonly inRoots: readonly string[];
  /** Paths whose bytes the engine may read: regular files only. */
  readonly read: readonly string[];
}

const NONE: PathUse = { inRoots: [], read: [] };

/** Every channel says what its paths are used for, so a new channel cannot skip the check. */
const PATHS_OF: { readonly [C in Channel]: (input: ParsedInput<C>) => PathUse } = {
  'library:stats': () => NONE,
  'library:photos': () => NONE,
  // Folders are only compared with photo paths; the viewer's details come from the library, not the file.
  'library:timeline': () => NONE,
  'library:photo': ({ path }) => ({ inRoots: [path], read: [] }),
  'library:roots': () => NONE,
  'library:removeRoot': () => NONE,
  'library:setExcludes': () => NONE,
  'library:index': () => NONE,
  'jobs:list': () => NONE,
  'jobs:cancel': () => NONE,
  'duplicates:list': () => NONE,
  // Library photos answer from their stored vectors; any other file in a root is decoded.
  'similar:query': ({ paths }) => ({ inRoots: paths, read: paths }),
  'find:query': ({ path }) => ({ inRoots: [], read: [path] }),
  'duplicates:plan': () => NONE,
  'duplicates:clean': ({ selection }) => ({ inRoots: (selection ?? []).flatMap((choice) => [...choice.keep, ...choice.trash]), read: [] }),
  'duplicates:markNotDuplicates': ({ paths, against }) => ({ inRoots: [...paths, ...(against ?? [])], read: [] }),
  'duplicates:notDuplicates': () => NONE,
  'duplicates:clearNotDuplicates': () => NONE,
  'library:protectedFolders': () => NONE,
  'library:setProtectedFolders': () => NONE,
  'operations:undo': () => NONE,
  'operations:history': () => NONE,
  // Folder names only, never file contents: the signed-in user's own folder picker.
  'folders:list': () => NONE,
  'app:about': () => NONE,
};

export class PathGuard {
  readonly #readRoots: () => Promise<readonly string[]>;
  #roots: readonly string[] = [];

  /** `readRoots` lists the library's indexed roots (absolute). */
  constructor(readRoots: () => Promise<readonly string[]>) {
    this.#readRoots = readRoots;
  }

  /**
   * An invalid_input error when `input` names a file that `channel` may not use, else null.
   * Input that fails the contract passes: the dispatcher answers it with the contract's own message.
   * @example await guard.check('find:query', { path: '/dev/zero' }) // → { code: 'invalid_input', message: 'Cannot read /dev/zero for find:query: it is a character device, not a photo file' }
   */
  async check(channel: string, input: unknown): Promise<AppError | null> {
    if (!isChannel(channel)) return null;
    const parsed = parseChannelInput(channel, input);
    if (!parsed.ok) return null;
    // The mapped type pairs each channel with its own input; TS cannot follow that through a union key.
    const use = (PATHS_OF[channel] as (input: unknown) => PathUse)(parsed.value);
    const outside = await this.#firstOutsideRoots(use.inRoots);
    if (outside !== undefined) {
      return { code: ErrorCodes.invalidInput, message: `Cannot use ${outside} for ${channel}: it is not inside the library's folders` };
    }
    for (const file of use.read) {
      const reason = await unreadableReason(file);
      if (reason) return { code: ErrorCodes.invalidInput, message: `Cannot read ${file} for ${channel}: ${reason}` };
    }
    return null;
  }

  /** Whether `photoPath` lies inside one of the library's roots (for thumbnails and previews). */
  async isInsideRoots(photoPath: string): Promise<boolean> {
    return (await this.#firstOutsideRoots([photoPath])) === undefined;
  }

  async #firstOutsideRoots(paths: readonly string[]): Promise<string | undefined> {
    const outside = (): string | undefined => paths.find((file) => !this.#roots.some((root) => isInside(file, root)));
    if (outside() === undefined) return undefined;
    // Indexing adds roots and nothing removes them, so a cached list can only miss new ones: read
    // it again on a miss only (reading it costs a count over the whole library).
    this.#roots = await this.#readRoots();
    return outside();
  }
}

/** Why the engine must not read `file`, or null. A missing file passes: the engine's message says so. */
async function unreadableReason(file: string): Promise<string | null> {
  let stats: Stats;
  try {
    stats = await fs.stat(file);
  } catch {
    return null;
  }
  if (!stats.isFile()) return `it is ${kindOf(stats)}, not a photo file`;
  if (stats.size > MAX_QUERY_FILE_BYTES)
    return `it is ${stats.size} bytes, more than the ${photoFileMegabytes.max} MB any photo file may have`;
  return null;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}
