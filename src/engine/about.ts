/**
 * The About page (`app:about`): what runs, in which versions, and why similarity runs where it does.
 * Versions of the native libraries come from the libraries themselves, not from package.json, so a
 * rebuilt or swapped binary reports what is really loaded.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { env as onnxruntime } from 'onnxruntime-node';
import sharp from 'sharp';
import type { Doppel } from '../core/doppel.js';
import { findPackageRoot } from '../core/embedding/model-manifest.js';
import { errorMessage } from '../core/errors.js';
import type { AboutInfo } from '../shared/types.js';
import type { WatcherState } from './library-watcher.js';

/** Live updates when the engine was opened without them (the one-shot CLI, tests). */
export const WATCHER_OFF: WatcherState = { state: 'off', folders: 0, message: null, roots: [] };

let appVersion: string | undefined;

/** The About page's answer: the library's model and execution provider, runtime versions, live-update state. */
export function aboutInfo(doppel: Doppel, watcher: WatcherState, log: (line: string) => void = () => {}): AboutInfo {
  const library = doppel.about();
  return {
    version: version(log),
    platform: process.platform,
    arch: process.arch,
    versions: {
      node: process.versions.node,
      // Set in Electron's processes, the engine's utility process included; absent under plain Node (browser mode).
      electron: orNull(process.versions.electron),
      sqlite: library.sqlite,
      libvips: sharp.versions.vips,
      sharp: orNull(sharp.versions.sharp),
      onnxruntime: onnxruntime.versions.node ?? onnxruntime.versions.common,
      // FAISS is linked statically into Doppel's addon (scripts/build-faiss.mjs), which does not report its version.
      faiss: null,
    },
    libraryDir: library.libraryDir,
    model: library.model,
    executionProvider: library.executionProvider,
    providerNotes: library.providerNotes,
    modelError: library.modelError,
    libraryProblems: library.libraryProblems,
    watcher,
  };
}

/** Electron's typings declare `process.versions.electron` everywhere; under plain Node it is absent. */
function orNull(value: string | undefined): string | null {
  return value ?? null;
}

/**
 * Doppel's version, from its package.json (the one the CLI, the bridge and the desktop app all ship
 * with: the same file Electron's `app.getVersion()` reads). Read once.
 */
function version(log: (line: string) => void): string {
  if (appVersion !== undefined) return appVersion;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(findPackageRoot(), 'package.json'), 'utf8'));
    const found = typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined;
    appVersion = typeof found === 'string' ? found : 'unknown';
  } catch (error) {
    log(`about: cannot read Doppel's version: ${errorMessage(error)}`);
    appVersion = 'unknown';
  }
  return appVersion;
}
