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
  'library:photos': ({ doppel }, { offset, limit }) => doppel.photos({ offset, limit }),
  'library:index': ({ jobs }, { roots }) => ({ jobId: jobs.start(roots) }),
  'jobs:list': ({ jobs }) => jobs.list(),
  'jobs:cancel': ({ jobs }, { jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  'duplicates:list': ({ doppel }, input) => doppel.duplicates(input ?? {}),
  'similar:query': ({ doppel }, { paths, limit }) => doppel.similar(paths, limit === undefined ? {} : { limit }),
  'find:query': ({ doppel }, { path }) => doppel.find(path),
  'duplicates:clean': ({ doppel }, input) => doppel.clean(input),
  'duplicates:markNotDuplicates': ({ doppel }, { paths }) => ({ operation: doppel.markNotDuplicates(paths) }),
  'operations:undo': ({ doppel }, input) => doppel.undo(input?.operation),
  'operations:history': ({ doppel }) => doppel.history(),
};
