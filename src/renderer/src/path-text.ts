/**
 * Paths shortened so copies stay apart: the start and the file name stay, folders go from the middle
 * ("Pictures/…/Camera originals/horses.jpg"), since the end of a path (its folder, its name) is what
 * tells two copies apart and a cut at the end ("/home/anna/Pictures/Backu…") hides exactly that.
 * Pure: the component that measures the text (PathText.vue) passes what fits.
 */

export const ELLIPSIS = '…';

/** The separator a path uses: a Windows path has backslashes and no slash. */
function separatorOf(path: string): '/' | '\\' {
  return path.includes('\\') && !path.includes('/') ? '\\' : '/';
}

/**
 * The path inside the deepest library folder holding it, starting with that folder's name
 * ("Pictures/2023/horses.jpg" for /home/anna/Pictures/2023/horses.jpg); the path itself when no
 * library folder holds it.
 */
export function pathInLibrary(path: string, roots: readonly string[]): string {
  const separator = separatorOf(path);
  let best: string | null = null;
  for (const root of roots) {
    const folder = root.length > 1 && root.endsWith(separator) ? root.slice(0, -1) : root;
    const inside = path.startsWith(folder.endsWith(separator) ? folder : folder + separator);
    if (inside && folder.length < path.length && (best === null || folder.length > best.length)) best = folder;
  }
  if (best === null) return path;
  const name = best.slice(best.lastIndexOf(separator) + 1);
  const rest = path.slice(best.length).replace(/^[\\/]+/, '');
  return name ? `${name}${separator}${rest}` : rest;
}

/** The end of a name kept with its start: "horses with a…name.png", `length` characters in all. */
function shortenName(name: string, length: number): string {
  if (length <= 1) return ELLIPSIS;
  const kept = length - 1;
  const tail = Math.floor(kept / 2);
  return `${name.slice(0, kept - tail)}${ELLIPSIS}${tail > 0 ? name.slice(-tail) : ''}`;
}

/**
 * The longest form of `path` that `fits`: the whole path; else its first folder, "…" and as many of
 * the last folders as fit, with the name; else "…/name"; else the name shortened in its middle.
 * @example shortenPath('Pictures/Backups/2023/Camera/horses.jpg', (text) => text.length <= 28)
 *   // 'Pictures/…/Camera/horses.jpg'
 */
export function shortenPath(path: string, fits: (text: string) => boolean): string {
  if (fits(path)) return path;
  const separator = separatorOf(path);
  const segments = path.split(separator);
  const name = segments.pop() ?? path;
  // An absolute path's start is its first folder with the root ("/home", "C:\Users").
  const headCount = segments.findIndex((segment) => segment !== '' && !/^[A-Za-z]:$/.test(segment)) + 1;
  const head = segments.slice(0, headCount).join(separator);
  const middle = segments.slice(headCount);
  if (headCount > 0) {
    for (let kept = middle.length - 1; kept >= 0; kept -= 1) {
      const candidate = [head, ELLIPSIS, ...middle.slice(middle.length - kept), name].join(separator);
      if (fits(candidate)) return candidate;
    }
  }
  const bare = segments.length > 0 ? `${ELLIPSIS}${separator}${name}` : name;
  if (fits(bare)) return bare;
  // The name alone is too long: the longest shortened name that fits (fitting grows with length).
  let low = 1;
  let high = name.length - 1;
  while (low < high) {
    const length = Math.ceil((low + high) / 2);
    if (fits(shortenName(name, length))) low = length;
    else high = length - 1;
  }
  return shortenName(name, low);
}

/**
 * What tells paths apart: each from the first folder where they differ, so two copies of one name
 * read "2023/Camera/eagle.jpg" and "Exports/Family/eagle.jpg" rather than "eagle.jpg" twice. Paths
 * in one folder come back as their names.
 */
export function distinguishingPaths(paths: readonly string[]): string[] {
  const split = paths.map((path) => path.split(separatorOf(path)));
  const shortest = Math.min(...split.map((segments) => segments.length));
  let common = 0;
  while (common < shortest - 1 && split.every((segments) => segments[common] === split[0]?.[common])) common += 1;
  return split.map((segments, index) => segments.slice(common).join(separatorOf(paths[index] ?? '')));
}
