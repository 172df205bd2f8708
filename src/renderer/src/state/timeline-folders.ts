/**
 * The Library's folder filter: every folder of the library that holds photos, at any depth, as a
 * tree under its root with the photos at or below it, built from the folder sort's sections (one
 * per folder with photos of its own, with its count) so no new question goes to the engine. Pure.
 */

/** One choice of the folder filter. */
export interface FolderChoice {
  readonly path: string;
  /** The name shown: the root's full path, a sub-folder's own name. */
  readonly name: string;
  /** 0 for a root, 1 for its sub-folders, … */
  readonly depth: number;
  /** The path below its root (`2024/june`); the root's full path for a root. What a search matches. */
  readonly within: string;
  /** Photos at or below this folder. */
  readonly count: number;
}

/** Splits a POSIX or Windows path into its parts after `root` (empty when it is the root). */
function partsBelow(root: string, folder: string): string[] | null {
  if (folder === root) return [];
  const base = /[\\/]$/.test(root) ? root : `${root}${root.includes('\\') && !root.includes('/') ? '\\' : '/'}`;
  if (!folder.startsWith(base)) return null;
  return folder.slice(base.length).split(/[\\/]/).filter(Boolean);
}

function joinPath(root: string, parts: readonly string[]): string {
  if (parts.length === 0) return root;
  const separator = root.includes('\\') && !root.includes('/') ? '\\' : '/';
  return `${root.replace(/[\\/]$/, '')}${separator}${parts.join(separator)}`;
}

/**
 * The folders to choose from, each root then its sub-folders depth first, names in order; folders
 * between a root and a folder with photos are listed too (with the photos below them).
 * @example folderChoices(['/p'], [{ key: '/p/2024/june', count: 3 }, { key: '/p', count: 1 }])
 * // → /p (4), 2024 (3), june (3)
 */
export function folderChoices(
  roots: readonly string[],
  folders: readonly { readonly key: string; readonly count: number }[],
): FolderChoice[] {
  const counts = new Map<string, number>();
  // The longest root first: a root inside another root owns its own folders.
  const byDepth = [...roots].sort((a, b) => b.length - a.length);
  for (const folder of folders) {
    const root = byDepth.find((candidate) => partsBelow(candidate, folder.key) !== null);
    if (root === undefined) continue;
    const parts = partsBelow(root, folder.key) ?? [];
    for (let depth = 0; depth <= parts.length; depth++) {
      const path = joinPath(root, parts.slice(0, depth));
      counts.set(path, (counts.get(path) ?? 0) + folder.count);
    }
  }
  const choices: FolderChoice[] = [];
  const compare = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  for (const root of [...roots].sort(compare)) {
    const below = [...counts.keys()]
      .filter((path) => path !== root && partsBelow(root, path) !== null && !nestedRootOwns(byDepth, root, path))
      .map((path) => ({ path, parts: partsBelow(root, path) ?? [] }))
      .sort((a, b) => comparePartLists(a.parts, b.parts, compare));
    choices.push({ path: root, name: root, depth: 0, within: root, count: counts.get(root) ?? 0 });
    for (const { path, parts } of below) {
      const name = parts[parts.length - 1] ?? path;
      choices.push({ path, name, depth: parts.length, within: parts.join('/'), count: counts.get(path) ?? 0 });
    }
  }
  return choices;
}

/** True when `path` is under a root nested inside `root` (that root lists it). */
function nestedRootOwns(roots: readonly string[], root: string, path: string): boolean {
  return roots.some((other) => other !== root && partsBelow(root, other) !== null && partsBelow(other, path) !== null);
}

/** Depth-first order: a folder, then everything under it, then its next sibling. */
function comparePartLists(a: readonly string[], b: readonly string[], compare: (a: string, b: string) => number): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compare(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** A choice as a search keeps it: a match, or a folder above one (kept so the tree still reads). */
export interface FilteredFolder extends FolderChoice {
  readonly matches: boolean;
}

/**
 * The choices whose path below their root (a root: its full path) contains every word typed, in any
 * case, with the folders above each match kept so the tree still reads; all when nothing is typed.
 * @example filterFolderChoices(choices, 'june') // → /p, 2024, june (the match)
 */
export function filterFolderChoices(choices: readonly FolderChoice[], typed: string): FilteredFolder[] {
  const words = typed.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return choices.map((choice) => ({ ...choice, matches: true }));
  const matched = new Set<string>();
  const kept = new Set<string>();
  for (const choice of choices) {
    if (!words.every((word) => choice.within.toLowerCase().includes(word))) continue;
    matched.add(choice.path);
    kept.add(choice.path);
    // Every folder above the match (each prefix ending before a separator).
    for (let cut = choice.path.search(/[\\/]/); cut >= 0 && cut < choice.path.length;) {
      kept.add(cut === 0 ? choice.path.charAt(0) : choice.path.slice(0, cut));
      const next = choice.path.slice(cut + 1).search(/[\\/]/);
      cut = next < 0 ? -1 : cut + 1 + next;
    }
  }
  return choices
    .filter((choice) => kept.has(choice.path) || kept.has(choice.path.replace(/[\\/]$/, '')))
    .map((choice) => ({ ...choice, matches: matched.has(choice.path) }));
}
