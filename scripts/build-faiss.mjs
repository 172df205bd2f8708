#!/usr/bin/env node
// Builds Doppel's FAISS addon (native/faiss-addon.cc) after `npm install --ignore-scripts`.
//
// The addon replaces faiss-node's own C++ layer, which copies plain JS arrays one element at a time
// and cannot set search parameters (see native/faiss-addon.cc). It is compiled with g++ against the
// system faiss (Debian/Ubuntu: `apt-get install libfaiss-dev libopenblas-dev`) and written into the
// faiss-node package folder (build/Release/doppel-faiss.node), which packaging already ships.
// faiss-node's install script (a prebuilt download, or a clone-and-cmake build) is not used.
//
// Idempotent: the addon carries a build id (a hash of its source and compiler flags); when the one
// in place loads, passes the smoke test and has the current id, nothing is done.
// Plain Node ESM, node builtins only.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packageDir = join(projectRoot, 'node_modules', 'faiss-node');
const sourceFiles = ['faiss-addon.cc', 'faiss-kernels.cc'].map((name) => join(projectRoot, 'native', name));
// FAISS distance kernels replaced by native/faiss-kernels.cc (see there why), by mangled name.
const WRAPPED_KERNELS = [
  '_ZN5faiss10fvec_L2sqrEPKfS1_m',
  '_ZN5faiss18fvec_inner_productEPKfS1_m',
  '_ZN5faiss15fvec_norm_L2sqrEPKfm',
  '_ZN5faiss13fvec_L2sqr_nyEPfPKfS2_mm',
  '_ZN5faiss22fvec_inner_products_nyEPfPKfS2_mm',
  '_ZN5faiss21fvec_L2sqr_ny_nearestEPfPKfS2_mm',
  '_ZN5faiss9fvec_maddEmPKffS1_Pf',
  '_ZN5faiss20fvec_madd_and_argminEmPKffS1_Pf',
];
// Loaded by src/core/vectors/faiss-binding.ts as 'faiss-node/build/Release/doppel-faiss.node'.
const addonTarget = join(packageDir, 'build', 'Release', 'doppel-faiss.node');

const log = (message) => console.log(`build-faiss: ${message}`);
const fail = (message) => {
  console.error(`build-faiss: FAILED: ${message}`);
  process.exit(1);
};

// Runs in a child process so a broken binary cannot crash us and a stale dlopen cache cannot fool
// us. Exercises typed-array add/search, training, search parameters and a file round trip.
const SMOKE_TEST = `
const { mkdtempSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const os = require('node:os');
const addon = require(${JSON.stringify(addonTarget)});
const flat = addon.fromFactory(2, 'Flat', addon.metric.innerProduct);
flat.add(new Float32Array([1, 0, 0, 1, 0.6, 0.8]));
const hit = flat.search(new Float32Array([0, 1]), 2);
if (hit.labels[0] !== 1 || hit.labels[1] !== 2) throw new Error('wrong search result ' + JSON.stringify(hit));
const dim = 8, rows = 400;
const data = new Float32Array(dim * rows);
for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 12.9898) * 0.5;
const ivf = addon.fromFactory(dim, 'IVF4,SQ8', addon.metric.l2);
ivf.train(data);
ivf.add(data);
ivf.setParameter('nprobe', 4);
if (ivf.search(data.subarray(dim * 7, dim * 8), 1).labels[0] !== 7) throw new Error('IVF search failed');
const hnsw = addon.fromFactory(dim, 'HNSW8', addon.metric.l2);
hnsw.add(data);
hnsw.setParameter('efSearch', 32);
if (hnsw.search(data.subarray(dim * 9, dim * 10), 1).labels[0] !== 9) throw new Error('HNSW search failed');
const folder = mkdtempSync(join(os.tmpdir(), 'doppel-faiss-smoke-'));
try {
  ivf.write(join(folder, 'index'));
  if (addon.read(join(folder, 'index')).ntotal() !== rows) throw new Error('read after write lost vectors');
} finally {
  rmSync(folder, { recursive: true, force: true });
}
let threw = false;
try { ivf.search(new Float32Array(3), 1); } catch { threw = true; }
if (!threw) throw new Error('a query of the wrong dimension did not throw');
process.stdout.write(addon.buildId);
`;

function smokeTest() {
  if (!existsSync(addonTarget)) return { ok: false, reason: 'not built', buildId: '' };
  const result = spawnSync(process.execPath, ['-e', SMOKE_TEST], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
  if (result.status === 0) return { ok: true, reason: '', buildId: result.stdout.trim() };
  const reason = (result.stderr || result.stdout || `exit ${result.status ?? result.signal}`).trim().split('\n');
  // The first line that names an error is more useful than a stack trace.
  return { ok: false, reason: reason.find((line) => /error/i.test(line)) ?? reason[0], buildId: '' };
}

function compilerFinds(fileName) {
  const found = execFileSync('g++', [`-print-file-name=${fileName}`], { encoding: 'utf8' }).trim();
  return found !== fileName && existsSync(found);
}

function findNodeHeaders() {
  const candidates = [resolve(dirname(process.execPath), '..', 'include', 'node')];
  const nodedir = process.env.npm_config_nodedir ?? readNpmNodedir();
  if (nodedir) candidates.push(join(nodedir, 'include', 'node'));
  candidates.push(join(homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'));
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}

function readNpmNodedir() {
  const result = spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8', timeout: 20_000 });
  const value = result.status === 0 ? result.stdout.trim() : '';
  return value && value !== 'undefined' && value !== 'null' ? value : undefined;
}

function findFaissHeaders() {
  const candidates = [process.env.FAISS_INCLUDE_DIR, '/usr/include', '/usr/local/include'].filter(Boolean);
  return candidates.find((dir) => existsSync(join(dir, 'faiss', 'index_factory.h')));
}

/** The compiler command line without the build id, or a reason why it cannot be formed. */
function compileArgs() {
  if (spawnSync('g++', ['--version']).status !== 0) fail('g++ is not installed: apt-get install g++');
  const faissInclude = findFaissHeaders();
  if (!faissInclude) fail('libfaiss-dev is not installed: apt-get install libfaiss-dev libopenblas-dev');
  if (!compilerFinds('libfaiss.so') && !compilerFinds('libfaiss.a')) {
    fail('faiss headers found but no libfaiss library: apt-get install libfaiss-dev');
  }
  const blasFlags = compilerFinds('libopenblas.so') ? ['-lopenblas'] : ['-lblas', '-llapack'];
  const nodeInclude = findNodeHeaders();
  if (!nodeInclude) {
    fail(`Node headers (node_api.h) not found for Node ${process.versions.node}: install the nodejs headers or set npm_config_nodedir`);
  }
  const { include_dir: addonApiDir } = createRequire(join(projectRoot, 'package.json'))('node-addon-api');
  return {
    faissInclude,
    blasFlags,
    args: [
      '-O3',
      '-std=c++17',
      '-fPIC',
      '-shared',
      '-fopenmp',
      '-fvisibility=hidden',
      // faiss reports errors with C++ exceptions; the addon catches them (see `guarded`).
      '-DNAPI_VERSION=8',
      '-DNAPI_CPP_EXCEPTIONS',
      `-I${nodeInclude}`,
      `-I${resolve(projectRoot, addonApiDir)}`,
      `-I${faissInclude}`,
    ],
    // --exclude-libs: FAISS's own symbols stay private to the addon (no clash with other native modules).
    // -z nodelete: a worker thread that used the addon unloads it on exit while faiss's OpenMP
    // threads may still run its code (SIGSEGV, seen 7 times in 10); the addon now stays loaded.
    libraries: [
      '-Wl,--exclude-libs,ALL',
      '-Wl,-z,nodelete',
      ...WRAPPED_KERNELS.map((name) => `-Wl,--wrap=${name}`),
      '-lfaiss',
      ...blasFlags,
    ],
  };
}

function buildId({ args, libraries }) {
  const hash = createHash('sha256');
  for (const file of sourceFiles) hash.update(readFileSync(file));
  hash.update(JSON.stringify([args, libraries]));
  hash.update(process.versions.modules);
  return hash.digest('hex').slice(0, 16);
}

function build({ args, libraries, faissInclude, blasFlags }, id) {
  const buildDir = mkdtempSync(join(tmpdir(), 'doppel-faiss-build-'));
  try {
    const output = join(buildDir, 'doppel-faiss.node');
    log(`compiling native/faiss-*.cc against the system faiss (${faissInclude}/faiss, ${blasFlags.join(' ')})`);
    const compile = spawnSync('g++', [...args, `-DDOPPEL_FAISS_BUILD_ID="${id}"`, ...sourceFiles, '-o', output, ...libraries], {
      encoding: 'utf8',
    });
    if (compile.status !== 0) {
      const firstError = compile.stderr.split('\n').find((line) => /error/.test(line)) ?? compile.stderr.trim();
      fail(`g++ could not build the faiss addon: ${firstError}`);
    }
    mkdirSync(dirname(addonTarget), { recursive: true });
    // Replace atomically: a process that has the old addon loaded keeps its mapping.
    const staged = `${addonTarget}.tmp-${process.pid}`;
    copyFileSync(output, staged);
    renameSync(staged, addonTarget);
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

if (!existsSync(join(packageDir, 'package.json'))) fail('node_modules/faiss-node is missing: run npm install first');
for (const file of sourceFiles) if (!existsSync(file)) fail(`${file} is missing`);

const plan = compileArgs();
const id = buildId(plan);
const existing = smokeTest();
if (existing.ok && existing.buildId === id) {
  log('the faiss addon is built and up to date; nothing to do');
  process.exit(0);
}
log(existing.ok ? 'the faiss addon is out of date: rebuilding' : `the faiss addon does not load yet (${existing.reason})`);
build(plan, id);
const built = smokeTest();
if (!built.ok) fail(`built ${addonTarget} but it does not work: ${built.reason}`);
log(`ok: built ${addonTarget} against the system faiss`);
