import type { KeeperRule } from '../../../../shared/types.js';

/** The keeper rules as the review's menus name them (the toolbar's "Keep" and the bulk assistant). */
export const KEEP_RULES: readonly { readonly value: KeeperRule; readonly label: string }[] = [
  { value: 'highest-resolution', label: 'Highest resolution' },
  { value: 'largest', label: 'Largest file' },
  { value: 'smallest', label: 'Smallest file' },
  { value: 'oldest', label: 'Oldest' },
  { value: 'newest', label: 'Newest' },
  { value: 'shortest-path', label: 'Shortest path' },
  { value: 'in-folder', label: 'In a folder…' },
];
