import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(REPO_ROOT, 'bin', 'doppel.mjs');

/** Builds dist/cli.mjs if a previous step has not (the test command builds first). */
export function ensureCliBuilt(): void {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'cli.mjs'))) {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-cli.mjs')], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `doppel` command in a child process. `onStderr` hears its stderr as it comes (a test
 * waits for a line there instead of sleeping); the result holds all of it anyway.
 */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  options: { readonly onStderr?: (text: string) => void } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    const { onStderr } = options;
    if (onStderr) child.stderr?.on('data', (chunk: Buffer | string) => onStderr(chunk.toString()));
  });
}

export async function runCliJson<T>(args: readonly string[]): Promise<T> {
  const result = await runCli([...args, '--json']);
  if (result.code !== 0) throw new Error(`doppel ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `doppel-${prefix}-`));
}
