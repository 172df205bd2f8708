/**
 * The ONE map from contract channel to core call, shared by the Electron engine process and the
 * browser-mode bridge. Handlers receive input already validated against the contract.
 */
import type { Channel } from '../shared/channels.js';
import type { ChannelOutput, ParsedInput } from '../shared/ipc-contract.js';
import type { Doppel } from '../core/doppel.js';
import type { IndexJobs } from './index-jobs.js';

export interface HandlerContext {
  readonly doppel: Doppel;
  readonly jobs: IndexJobs;
}

export type ChannelHandlers = {
  readonly [C in Channel]: (context: HandlerContext, input: ParsedInput<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
};

export const channelHandlers: ChannelHandlers = {
  'library:stats': ({ doppel }) => doppel.stats(),
  'library:photos': () => notBuilt('library:photos'),
  'library:timeline': () => notBuilt('library:timeline'),
  'library:photo': () => notBuilt('library:photo'),
  'library:roots': () => notBuilt('library:roots'),
  'library:removeRoot': () => notBuilt('library:removeRoot'),
  'library:setExcludes': () => notBuilt('library:setExcludes'),
  'library:index': ({ jobs }, { roots }) => ({ jobId: jobs.start(roots) }),
  'jobs:list': ({ jobs }) => jobs.list(),
  'jobs:cancel': ({ doppel, jobs }, { jobId }) => ({ cancelled: jobs.cancel(jobId) || doppel.cancelNearDuplicates(jobId) }),
  'duplicates:list': ({ doppel }, input) => doppel.duplicates(input ?? {}),
  'similar:query': ({ doppel }, { paths, limit }) => doppel.similar(paths, limit === undefined ? {} : { limit }),
  'find:query': ({ doppel }, { path }) => doppel.find(path),
  'duplicates:clean': ({ doppel, jobs }, input) => {
    if (!input.dryRun) jobs.assertIdle('move files to the trash');
    return doppel.clean(input);
  },
  'duplicates:markNotDuplicates': ({ doppel }, { paths, against }) => ({
    operation: doppel.markNotDuplicates(paths, against ? { against } : {}),
  }),
  'duplicates:notDuplicates': ({ doppel }) => doppel.notDuplicates(),
  'duplicates:clearNotDuplicates': ({ doppel }) => ({ cleared: doppel.clearNotDuplicates() }),
  'library:protectedFolders': ({ doppel }) => doppel.protectedFolders(),
  'library:setProtectedFolders': ({ doppel }, { folders }) => doppel.setProtectedFolders(folders),
  'operations:undo': ({ doppel, jobs }, input) => {
    jobs.assertIdle('undo a clean-up');
    return doppel.undo(input?.operation);
  },
  'operations:history': ({ doppel }) => doppel.history(),
  'folders:list': () => notBuilt('folders:list'),
  'app:about': () => notBuilt('app:about'),
};

/** TEMPORARY while issue 10's handlers are written (replaced before commit). */
function notBuilt(channel: string): never {
  throw new Error(`${channel} is not built yet`);
}
