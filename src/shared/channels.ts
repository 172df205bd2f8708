/**
 * Channel names of the IPC contract, kept free of zod so that the preload script and the renderer
 * can build their API objects at runtime without bundling the schemas. `ipc-contract.ts` is checked
 * (`satisfies`) to define exactly these channels, so the two cannot drift apart.
 */
export const CHANNELS = [
  'library:stats',
  'library:photos',
  'library:timeline',
  'library:photo',
  'library:roots',
  'library:removeRoot',
  'library:setExcludes',
  'library:index',
  'jobs:list',
  'jobs:cancel',
  'duplicates:list',
  'similar:query',
  'find:query',
  'duplicates:plan',
  'duplicates:clean',
  'duplicates:markNotDuplicates',
  'duplicates:notDuplicates',
  'duplicates:clearNotDuplicates',
  'library:protectedFolders',
  'library:setProtectedFolders',
  'operations:undo',
  'operations:history',
  'folders:list',
  'app:about',
] as const;

export type Channel = (typeof CHANNELS)[number];

/** `library:stats` → `library`. */
export type ChannelNamespace<C extends string = Channel> = C extends `${infer N}:${string}` ? N : never;

/** `library:stats` → `stats`. */
export type ChannelMethod<C extends string> = C extends `${string}:${infer M}` ? M : never;

export function isChannel(name: string): name is Channel {
  return (CHANNELS as readonly string[]).includes(name);
}

/** Splits `library:stats` into `['library', 'stats']`. */
export function splitChannel(channel: Channel): readonly [string, string] {
  const at = channel.indexOf(':');
  return [channel.slice(0, at), channel.slice(at + 1)];
}

/** Electron channel that carries AppEvents (see ipc-contract.ts) from main to the renderer. */
export const EVENT_CHANNEL = 'app:event';

/**
 * Electron channels outside the contract: OS services main answers itself (the engine has no
 * windows). `DIALOG_PICK_FOLDER` answers the chosen folder or null; `SHOW_IN_FOLDER` takes a file
 * path and answers nothing. Their names have no contract namespace, so `createApi` never sees them.
 */
export const DIALOG_PICK_FOLDER = 'os:pickFolder';
export const SHOW_IN_FOLDER = 'os:showInFolder';

/**
 * Browser mode's upload for "is this photo in my library?" (src/bridge/find-upload.ts): the body
 * is the file's bytes, `FILE_NAME_HEADER` its name, URI-encoded; the answer is `find:query`'s.
 */
export const BRIDGE_FIND_UPLOAD_ROUTE = '/api/find-upload';
export const FILE_NAME_HEADER = 'x-file-name';
