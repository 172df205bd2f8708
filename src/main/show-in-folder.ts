/**
 * Which paths the page may ask main to show in the system's file manager. The page only ever asks
 * for photos it listed, but a compromised page must not use `shell.showItemInFolder` to probe or
 * open anything else: only an absolute, normalised path of an existing regular file passes (no
 * folders, which some file managers open rather than reveal; no devices, FIFOs or sockets). The
 * file is not checked against the library's roots, which only the engine knows: revealing a
 * file's location reads nothing from it and runs nothing.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The path to reveal, or why not (a message naming the input, for main's log).
 * @example await revealableFile('/photos/a.jpg') // → { ok: true, path: '/photos/a.jpg' }
 * @example await revealableFile('photos/a.jpg') // → { ok: false, reason: 'Cannot show photos/a.jpg: not an absolute path' }
 */
export async function revealableFile(
  input: unknown,
): Promise<{ readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string }> {
  if (typeof input !== 'string' || input === '') return { ok: false, reason: 'Cannot show a file: no path given' };
  const refuse = (why: string): { readonly ok: false; readonly reason: string } => ({ ok: false, reason: `Cannot show ${input}: ${why}` });
  if (input.includes('\0')) return refuse('the path holds a NUL character');
  if (!path.isAbsolute(input)) return refuse('not an absolute path');
  if (path.normalize(input) !== input) return refuse('not a normalised path');
  let stats;
  try {
    stats = await stat(input);
  } catch (error) {
    return refuse(`cannot read it (${error instanceof Error ? error.message : String(error)})`);
  }
  return stats.isFile() ? { ok: true, path: input } : refuse('not a file');
}
