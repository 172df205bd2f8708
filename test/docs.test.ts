/**
 * Docs that cannot drift: every repository path the architecture page and the README name exists,
 * and the architecture page lists the renderer's views exactly as the router defines them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli';

const DOCS = ['docs/ARCHITECTURE.md', 'README.md'];
/** A path from the repository root: a top folder, then names; it ends before a glob or punctuation. */
const REPO_PATH = /(?<![\w./-])((?:src|test|scripts|native|bench|docs|resources|bin|\.ci)\/[\w./-]*[\w/])/g;

function namedPaths(doc: string): string[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, doc), 'utf8');
  return [...new Set([...text.matchAll(REPO_PATH)].map((match) => match[1] ?? ''))];
}

/** True when git ignores `relative` (a build output or cache the doc names, absent from a clean clone). */
function ignored(relative: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', relative], { cwd: REPO_ROOT });
    return true;
  } catch {
    return false;
  }
}

describe.each(DOCS)('%s', (doc) => {
  it('should name only paths that exist', () => {
    const paths = namedPaths(doc);
    expect(paths.length).toBeGreaterThan(5);
    const missing = paths.filter(
      (relative) => !fs.existsSync(path.join(REPO_ROOT, relative)) && !ignored(relative) && !ignored(`${relative}/`),
    );
    expect(missing).toEqual([]);
  });
});

describe('the architecture page', () => {
  it("should list the renderer's views as the router defines them, in its order", () => {
    const architecture = fs.readFileSync(path.join(REPO_ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
    const documented = /one view per route: ([^.]+)\./.exec(architecture)?.[1];
    expect(documented, 'the architecture page says "one view per route: A, B, …."').toBeDefined();
    const router = fs.readFileSync(path.join(REPO_ROOT, 'src/renderer/src/router/index.ts'), 'utf8');
    const viewNames = /VIEW_NAMES = \[([^\]]+)\]/.exec(router)?.[1];
    expect(viewNames, 'the router exports VIEW_NAMES').toBeDefined();
    const routed = [...(viewNames ?? '').matchAll(/'(\w+)'/g)].map((match) => match[1]);
    expect((documented ?? '').split(',').map((name) => name.trim().toLowerCase())).toEqual(routed);
  });
});
