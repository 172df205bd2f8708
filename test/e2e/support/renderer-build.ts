/** The UI tests need out/renderer; `npm test` builds it first, a lone vitest run builds it here. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
export const RENDERER_DIR = path.join(REPO_ROOT, 'out', 'renderer');

export function ensureRendererBuilt(): string {
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    execFileSync('npx', ['electron-vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  return RENDERER_DIR;
}
