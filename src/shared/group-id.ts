/**
 * Stable ids of reviewed duplicate groups, the same for every door: the engine's pages, the bulk
 * assistant's plan and the CLI's export name a group alike.
 */

/**
 * The id of a group: a hash of its sorted paths, so the same files have the same id whatever the
 * setting, the keeper rule or the page.
 * @example groupId({ files: ['/b.jpg', '/a.jpg'] }) === groupId({ files: ['/a.jpg', '/b.jpg'] })
 */
export function groupId(group: { readonly files: readonly string[] }): string {
  const sorted = [...group.files].sort();
  return `g${hash53(sorted.join('\n')).toString(36)}`;
}

/** cyrb53: a fast 53-bit string hash, for ids (not for security: two lists or groups are told apart by it). */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ char, 2654435761);
    h2 = Math.imul(h2 ^ char, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
