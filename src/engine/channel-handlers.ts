/**
 * The ONE map from contract channel to core call, shared by the Electron engine process and the
 * browser-mode bridge. Handlers receive input already validated against the contract.
 */
import type { Channel } from '../shared/channels.js';
import type { ChannelOutput, ParsedInput } from '../shared/ipc-contract.js';
import type { Doppel } from '../core/doppel.js';
import { assertFolder } from '../core/library/folders.service.js';
import { aboutInfo, WATCHER_OFF } from './about.js';
import { listFolders } from './folder-listing.js';
import type { IndexJobs } from './index-jobs.js';
import type { LibraryWatcher } from './library-watcher.js';
import type { ReviewPages } from './review-pages.js';

export interface HandlerContext {
  readonly doppel: Doppel;
  readonly jobs: IndexJobs;
  /** Live updates of the library's folders; null when the engine runs without them. */
  readonly watcher: LibraryWatcher | null;
  /** The Duplicates view's pages: whole lists kept per setting, the newest request of a view run only. */
  readonly reviews: ReviewPages;
}

export type ChannelHandlers = {
  readonly [C in Channel]: (context: HandlerContext, input: ParsedInput<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
};

export const channelHandlers: ChannelHandlers = {
  'library:stats': ({ doppel }) => doppel.stats(),
  'library:photos': ({ doppel }, query) => doppel.photos(query),
  'library:timeline': ({ doppel }, query) => doppel.timeline(query ?? {}),
  'library:photo': ({ doppel }, { path }) => doppel.photo(path),
  'library:roots': ({ doppel }) => doppel.roots(),
  'library:removeRoot': async ({ doppel, jobs, watcher }, { path }) => {
    // An index job of the folder would write its files back as it finds them.
    await jobs.yieldWatchJob();
    jobs.assertIdle('remove a folder from the library');
    const removed = await doppel.removeRoot(path);
    watcher?.refresh();
    return { removed };
  },
  'library:setExcludes': async ({ doppel, watcher }, { path, excludes }) => {
    const root = await doppel.setExcludes(path, excludes);
    watcher?.refresh();
    return root;
  },
  'library:index': async ({ jobs }, { roots }) => {
    // A typo fails here, at once, not as a job that fails a moment later.
    for (const root of roots) assertFolder(root);
    await jobs.yieldWatchJob();
    return { jobId: jobs.start(roots) };
  },
  'jobs:list': ({ jobs }) => jobs.list(),
  'jobs:cancel': ({ doppel, jobs }, { jobId }) => ({ cancelled: jobs.cancel(jobId) || doppel.cancelNearDuplicates(jobId) }),
  'duplicates:list': ({ reviews }, input) => reviews.page(input),
  'similar:query': ({ doppel }, { paths, limit }) => doppel.similar(paths, limit === undefined ? {} : { limit }),
  'find:query': ({ doppel }, { path }) => doppel.find(path),
  'duplicates:plan': ({ reviews }, input) => reviews.plan(input),
  'duplicates:clean': async ({ doppel, jobs, reviews }, input) => {
    if (input.list !== undefined) reviews.assertCurrentList(input.list, input);
    if (!input.dryRun) {
      await jobs.yieldWatchJob();
      jobs.assertIdle('move files to the trash');
    }
    return doppel.clean(input);
  },
  'duplicates:markNotDuplicates': async ({ doppel }, { paths, against }) => ({
    operation: await doppel.markNotDuplicates(paths, against ? { against } : {}),
  }),
  'duplicates:notDuplicates': ({ doppel }) => doppel.notDuplicates(),
  'duplicates:clearNotDuplicates': async ({ doppel }) => ({ cleared: await doppel.clearNotDuplicates() }),
  'library:protectedFolders': ({ doppel }) => doppel.protectedFolders(),
  'library:setProtectedFolders': ({ doppel }, { folders }) => doppel.setProtectedFolders(folders),
  'operations:undo': async ({ doppel, jobs }, input) => {
    await jobs.yieldWatchJob();
    jobs.assertIdle('undo a clean-up');
    return doppel.undo(input?.operation);
  },
  'operations:history': ({ doppel }) => doppel.history(),
  'folders:list': (_context, input) => listFolders(input?.path),
  'app:about': ({ doppel, watcher }) => aboutInfo(doppel, watcher?.state ?? WATCHER_OFF),
};
