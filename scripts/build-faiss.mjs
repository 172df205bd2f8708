#!/usr/bin/env node
// Makes `require('faiss-node')` work after `npm ci --ignore-scripts`.
//
// faiss-node's own install script downloads a prebuilt binary from GitHub and, failing that, clones
// faiss and builds it with cmake-js (needs the internet and ~20 minutes). We skip that script, then:
//   1. do nothing if the addon already loads (idempotent);
//   2. try the package's prebuilt binary (`prebuild-install --runtime napi`) with a short timeout,
//      so machines with internet keep the upstream build;
//   3. otherwise compile node_modules/faiss-node/src/faiss.cc against the system faiss
//      (Debian/Ubuntu: `apt-get install libfaiss-dev libopenblas-dev`) with g++ directly.
// Every path ends with a smoke test in a fresh process: load, add, search, build an HNSW index.
// Plain Node ESM, node builtins only.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packageDir = join(projectRoot, 'node_modules', 'faiss-node');
// One of the paths the `bindings` package searches (see bindings' `try` list).
const addonTarget = join(packageDir, 'build', 'Release', 'faiss-node.node');
const PREBUILD_TIMEOUT_MS = 45_000;

const log = (message) => console.log(`build-faiss: ${message}`);
const fail = (message) => {
  console.error(`build-faiss: FAILED: ${message}`);
  process.exit(1);
};

// Runs in a child process so a broken binary cannot crash us and a stale dlopen cache cannot fool us.
const SMOKE_TEST = `
const faiss = require('faiss-node');
const flat = new faiss.IndexFlatIP(2);
flat.add([1, 0, 0, 1, 0.6, 0.8]);
const hit = flat.search([0, 1], 2);
if (hit.labels[0] !== 1 || hit.labels[1] !== 2) throw new Error('wrong search result ' + JSON.stringify(hit));
const hnsw = faiss.Index.fromFactory(4, 'HNSW8', faiss.MetricType.METRIC_L2);
hnsw.add([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
if (hnsw.search([0, 0, 1, 0], 1).labels[0] !== 2) throw new Error('HNSW search failed');
`;

function smokeTest() {
  const result = spawnSync(process.execPath, ['-e', SMOKE_TEST], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
  if (result.status === 0) return { ok: true, reason: '' };
  const reason = (result.stderr || result.stdout || `exit ${result.status ?? result.signal}`).trim().split('\n');
  // The first line that names an error is more useful than a stack trace.
  return { ok: false, reason: reason.find((line) => /error/i.test(line)) ?? reason[0] };
}

function tryPrebuilt() {
  const prebuildInstall = join(projectRoot, 'node_modules', '.bin', 'prebuild-install');
  if (!existsSync(prebuildInstall)) {
    log('prebuild-install is not installed; skipping the prebuilt binary');
    return false;
  }
  log(`trying the prebuilt binary (prebuild-install, ${PREBUILD_TIMEOUT_MS / 1000} s timeout)`);
  const result = spawnSync(prebuildInstall, ['--runtime', 'napi'], {
    cwd: packageDir,
    encoding: 'utf8',
    timeout: PREBUILD_TIMEOUT_MS,
  });
  if (result.status !== 0) {
    const why = result.error?.code === 'ETIMEDOUT' ? 'timed out' : (result.stderr.trim().split('\n').pop() ?? 'failed');
    log(`prebuilt binary not available (${why})`);
    return false;
  }
  const check = smokeTest();
  if (check.ok) return true;
  log(`prebuilt binary downloaded but does not work (${check.reason}); removing it`);
  rmSync(join(packageDir, 'build'), { recursive: true, force: true });
  return false;
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

function buildFromSource() {
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
  const sourceFile = join(packageDir, 'src', 'faiss.cc');
  if (!existsSync(sourceFile)) fail(`${sourceFile} is missing: reinstall faiss-node`);

  const buildDir = mkdtempSync(join(tmpdir(), 'faiss-node-build-'));
  try {
    // faiss < 1.7.4 has no namespace-level `faiss::idx_t`, only `faiss::Index::idx_t`; both are int64_t.
    const patched = readFileSync(sourceFile, 'utf8').replaceAll('faiss::idx_t', 'int64_t');
    const patchedSource = join(buildDir, 'faiss.cc');
    writeFileSync(patchedSource, patched);
    const output = join(buildDir, 'faiss-node.node');
    const args = [
      '-O2',
      '-std=c++17',
      '-fPIC',
      '-shared',
      '-fopenmp',
      // faiss.cc catches faiss::FaissException, so C++ exceptions stay on (NAPI_CPP_EXCEPTIONS), as upstream.
      '-DNAPI_VERSION=8',
      '-DNAPI_CPP_EXCEPTIONS',
      '-DNODE_GYP_MODULE_NAME=faiss_node',
      `-I${nodeInclude}`,
      `-I${resolve(projectRoot, addonApiDir)}`,
      `-I${faissInclude}`,
      patchedSource,
      '-o',
      output,
      '-lfaiss',
      ...blasFlags,
    ];
    log(`compiling faiss.cc against the system faiss (${faissInclude}/faiss, ${blasFlags.join(' ')})`);
    const compile = spawnSync('g++', args, { encoding: 'utf8' });
    if (compile.status !== 0) {
      const firstError = compile.stderr.split('\n').find((line) => /error/.test(line)) ?? compile.stderr.trim();
      fail(`g++ could not build faiss-node: ${firstError}`);
    }
    mkdirSync(dirname(addonTarget), { recursive: true });
    const staged = `${addonTarget}.tmp-${process.pid}`;
    copyFileSync(output, staged);
    renameSync(staged, addonTarget);
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

if (!existsSync(join(packageDir, 'package.json'))) fail('node_modules/faiss-node is missing: run npm ci first');

const existing = smokeTest();
if (existing.ok) {
  log('faiss-node already works; nothing to do');
  process.exit(0);
}
log(`faiss-node does not load yet (${existing.reason})`);

if (tryPrebuilt()) {
  log('ok: using the prebuilt faiss-node binary');
  process.exit(0);
}

buildFromSource();
const built = smokeTest();
if (!built.ok) fail(`built ${addonTarget} but it does not work: ${built.reason}`);
log(`ok: built ${addonTarget} against the system faiss`);
