/**
 * Opens the signed-in app in the user's browser, best effort. The token never goes on a command
 * line: other users can read every process's arguments (`ps`, /proc/PID/cmdline), and a browser
 * started by xdg-open keeps its arguments for as long as it runs. The opener gets the path of a
 * small HTML file instead, readable by the user only, that forwards to the token URL.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Launcher {
  /** The file the browser opens; it holds the token, so it is removed with `dispose`. */
  readonly file: string;
  dispose(): Promise<void>;
}

/**
 * Writes the forwarding page into a fresh private folder (0700; the file 0600).
 * @example const launcher = await writeLauncher('http://127.0.0.1:4173/?token=…'); // open launcher.file
 */
export async function writeLauncher(tokenUrl: string): Promise<Launcher> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'doppel-open-'));
  const file = path.join(dir, 'open-doppel.html');
  const href = escapeAttribute(tokenUrl);
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="refresh" content="0; url=${href}" />
    <title>Opening Doppel…</title>
  </head>
  <body><p>Opening <a href="${href}">Doppel</a>…</p></body>
</html>
`;
  await fs.writeFile(file, html, { mode: 0o600 });
  return { file, dispose: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** The command that opens a file in the default browser here, or null when there is none. */
export function findOpener(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string | null {
  if (platform === 'darwin') return '/usr/bin/open';
  if (platform === 'win32') return 'explorer.exe';
  // No display, no browser to show: a server or an SSH session.
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  return findOnPath('xdg-open', env.PATH ?? '');
}

/**
 * Opens `tokenUrl` in the browser through a launcher file. Answers the launcher (dispose it when
 * the bridge stops) or null when nothing here can open a browser; never throws.
 */
export async function openInBrowser(tokenUrl: string, log: (line: string) => void = () => {}): Promise<Launcher | null> {
  const opener = findOpener();
  if (!opener) return null;
  try {
    const launcher = await writeLauncher(tokenUrl);
    const child = spawn(opener, [launcher.file], { detached: true, stdio: 'ignore' });
    child.once('error', (error) => log(`could not open a browser with ${opener}: ${error.message}`));
    child.unref();
    return launcher;
  } catch (thrown) {
    log(`could not open a browser: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    return null;
  }
}

function findOnPath(command: string, searchPath: string): string | null {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

function escapeAttribute(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}
