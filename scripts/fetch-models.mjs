#!/usr/bin/env node
/**
 * Puts every model artifact named in resources/models/manifest.json (each model's `file` and its
 * `labels.file`) into the models folder, checking its SHA-256. Idempotent: a file already present
 * with the right hash is left alone. Builtins only, because it runs during setup, before anything
 * else is known to work.
 *
 * Source, first that applies:
 *   $DOPPEL_MODEL_MIRROR  a folder, or an http(s) URL base (`<base>/<file>` is downloaded)
 *   ../shared/models      relative to the repository root (the local mirror on build machines)
 * Destination: $DOPPEL_MODELS_DIR, else <repo>/models (git-ignored: binaries are never committed).
 *
 * Every file is reported; the exit code is 1 when any file could not be put in place.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(repoRoot, 'resources', 'models', 'manifest.json');

/** @returns {Promise<string | null>} hex SHA-256 of the file, or null when it does not exist */
async function sha256OfFile(path) {
  try {
    await stat(path);
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/** @returns {{ file: string, sha256: string }[]} each artifact once */
function artifactsOf(manifest) {
  const byFile = new Map();
  const add = (file, sha256, owner) => {
    const known = byFile.get(file);
    if (known && known.sha256 !== sha256) {
      throw new Error(`${manifestPath}: ${file} is listed twice with different sha256 (${owner})`);
    }
    byFile.set(file, { file, sha256 });
  };
  for (const model of manifest.models) {
    add(model.file, model.sha256, model.id);
    if (model.labels) add(model.labels.file, model.labels.sha256, `${model.id} labels`);
  }
  return [...byFile.values()];
}

function describeSource() {
  const mirror = process.env.DOPPEL_MODEL_MIRROR;
  if (mirror && /^https?:\/\//i.test(mirror)) return { kind: 'url', base: mirror.replace(/\/+$/, '') };
  if (mirror) return { kind: 'dir', base: resolve(mirror) };
  return { kind: 'dir', base: resolve(repoRoot, '..', 'shared', 'models') };
}

/** Copies or downloads `file` to `tempPath`; throws an Error saying where it looked. */
async function fetchInto(source, file, tempPath) {
  if (source.kind === 'dir') {
    const from = join(source.base, file);
    try {
      await copyFile(from, tempPath);
    } catch (error) {
      if (error.code === 'ENOENT') {
        throw new Error(`${from} does not exist (set DOPPEL_MODEL_MIRROR to a folder or URL that holds ${file})`, { cause: error });
      }
      throw new Error(`cannot copy ${from}: ${error.message}`, { cause: error });
    }
    return from;
  }
  const url = `${source.base}/${encodeURIComponent(file)}`;
  let response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    throw new Error(`cannot download ${url}: ${error.cause?.message ?? error.message}`, { cause: error });
  }
  if (!response.ok) throw new Error(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
  await writeFile(tempPath, Buffer.from(await response.arrayBuffer()));
  return url;
}

/** @returns {Promise<'present' | 'fetched' | 'replaced'>} */
async function ensureArtifact(artifact, source, modelsDir) {
  const target = join(modelsDir, artifact.file);
  const existing = await sha256OfFile(target);
  if (existing === artifact.sha256) return 'present';

  // Temp file in the same folder so the rename is atomic: an interrupted setup never leaves a
  // half-written model under the real name.
  const tempPath = `${target}.${process.pid}.tmp`;
  try {
    const from = await fetchInto(source, artifact.file, tempPath);
    const actual = await sha256OfFile(tempPath);
    if (actual !== artifact.sha256) {
      throw new Error(
        `${from} has the wrong SHA-256: expected ${artifact.sha256}, got ${actual}` +
          ' (the mirror holds a different or damaged file; replace it, or fix resources/models/manifest.json)',
      );
    }
    // The mirror may be read-only; the copy should be an ordinary file the user can delete.
    await chmod(tempPath, 0o644);
    await rename(tempPath, target);
  } finally {
    await rm(tempPath, { force: true });
  }
  return existing === null ? 'fetched' : 'replaced';
}

async function main() {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  const source = describeSource();
  const modelsDir = resolve(process.env.DOPPEL_MODELS_DIR ?? join(repoRoot, 'models'));
  await mkdir(modelsDir, { recursive: true });

  let failures = 0;
  for (const artifact of artifactsOf(manifest)) {
    try {
      const outcome = await ensureArtifact(artifact, source, modelsDir);
      const how = {
        present: 'already present',
        fetched: `fetched from ${source.base}`,
        replaced: `had the wrong SHA-256; replaced from ${source.base}`,
      }[outcome];
      console.log(`models: ${artifact.file} ${how}`);
    } catch (error) {
      failures += 1;
      console.error(`models: cannot fetch ${artifact.file} into ${modelsDir}: ${error.message}`);
    }
  }
  if (failures > 0) {
    console.error(
      `models: ${failures} file(s) missing; image similarity needs them. Fix the source above and run \`npm run setup\` again.`,
    );
    process.exit(1);
  }
}

await main();
