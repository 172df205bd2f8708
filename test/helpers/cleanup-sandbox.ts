/**
 * A photo folder, a library and a private freedesktop trash for clean-up tests: every CLI call
 * made through a sandbox passes its own `XDG_DATA_HOME`, so no test ever touches the real trash.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { REPO_ROOT, runCli, tempDir, type CliResult } from './cli';

export interface CleanupSandbox {
  /** The photo folder (real path: the trash records real paths). */
  readonly photos: string;
  readonly library: string;
  readonly dataHome: string;
  /** `doppel ARGS --library LIBRARY` with this sandbox's trash. */
  cli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** As `cli`, for a run expected to die: how the process ended (`runCli` folds a signal into exit code 1). */
  ending(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<ProcessEnding>;
  /** As `cli` with `--json`, parsed; throws with stderr when the command did not exit 0. */
  json<T>(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<T>;
  /** What lies in the trash now, read from disk. */
  trash(): TrashContents;
  dispose(): void;
}

export interface ProcessEnding {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
}

export interface TrashedEntry {
  /** The path its `.trashinfo` records, percent-decoded. */
  readonly originalPath: string;
  readonly trashedPath: string;
  readonly infoPath: string;
}

export interface TrashContents {
  /** Names under `Trash/files`. */
  readonly files: string[];
  /** Names under `Trash/info` (a leftover temp file shows here too). */
  readonly infos: string[];
  /** One per `.trashinfo`. */
  readonly entries: TrashedEntry[];
}

export function createCleanupSandbox(prefix: string): CleanupSandbox {
  const work = fs.realpathSync(tempDir(prefix));
  const photos = path.join(work, 'photos');
  const library = path.join(work, 'library');
  const dataHome = path.join(work, 'xdg-data');
  fs.mkdirSync(photos);
  fs.mkdirSync(dataHome);
  const cli = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
    runCli([...args, '--library', library], { ...env, XDG_DATA_HOME: dataHome });
  return {
    photos,
    library,
    dataHome,
    cli,
    ending: (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
      new Promise((resolve) => {
        const child = execFile(
          process.execPath,
          [path.join(REPO_ROOT, 'bin', 'doppel.mjs'), ...args, '--library', library],
          { cwd: REPO_ROOT, env: { ...process.env, ...env, XDG_DATA_HOME: dataHome } },
          (_error, stdout) => {
            resolve({ code: child.exitCode, signal: child.signalCode, stdout });
          },
        );
      }),
    async json<T>(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
      const result = await cli([...args, '--json'], env);
      if (result.code !== 0) throw new Error(`doppel ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout) as T;
    },
    trash: () => readTrash(path.join(dataHome, 'Trash')),
    dispose: () => fs.rmSync(work, { recursive: true, force: true }),
  };
}

function readTrash(root: string): TrashContents {
  const names = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
  const files = names(path.join(root, 'files'));
  const infos = names(path.join(root, 'info'));
  // Only `.trashinfo` files describe entries; anything else there still shows in `infos`.
  const entries = infos
    .filter((info) => info.endsWith('.trashinfo'))
    .map((info) => {
      const infoPath = path.join(root, 'info', info);
      const recorded = /^Path=(.*)$/m.exec(fs.readFileSync(infoPath, 'utf8'))?.[1];
      if (recorded === undefined) throw new Error(`${infoPath} has no Path line`);
      return {
        originalPath: decodeURIComponent(recorded),
        trashedPath: path.join(root, 'files', info.replace(/\.trashinfo$/, '')),
        infoPath,
      };
    });
  return { files, infos, entries };
}

export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** SHA-256 of every file under `root`, by path relative to it: equal snapshots mean nothing moved or changed. */
export function snapshot(root: string): Map<string, string> {
  const files = fs
    .readdirSync(root, { recursive: true })
    .map(String)
    .filter((relative) => fs.statSync(path.join(root, relative)).isFile())
    .sort();
  return new Map(files.map((relative) => [relative, sha256(path.join(root, relative))]));
}

/**
 * Writes a small JPEG whose picture depends on `seed` (gradients plus rings), creating its folder.
 * Different seeds give clearly different pictures; the same seed gives the same bytes.
 */
export async function paintPhoto(file: string, seed: number, width = 160, height = 120): Promise<void> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const ring = Math.sin(Math.hypot(x - ((seed * 37) % width), y - height / 2) / (4 + seed)) * 60;
      const offset = (y * width + x) * 3;
      pixels[offset] = ((x * (seed + 1)) % 200) + ring + 40;
      pixels[offset + 1] = (y * 255) / height / (1 + (seed % 3)) + ring + 40;
      pixels[offset + 2] = ((seed * 53) % 200) + ring;
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toFile(file);
}

/** Copies `from` to `to` byte for byte, creating its folder. */
export function copyPhoto(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** Sets a file's modification time to `isoDate`, so keeper rules that look at file age are deterministic. */
export function setMtime(file: string, isoDate: string): void {
  const date = new Date(isoDate);
  fs.utimesSync(file, date, date);
}
