/**
 * The FAISS addon loaded by the main thread and by worker threads of one process (the engine loads
 * it, then the near-pair worker loads it too, then Find asks the engine's index again). Each case
 * runs in a child process: a native crash there (FATAL ERROR, SIGABRT, SIGSEGV) is an exit status
 * this test reports, not a lost test worker.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli';

/**
 * CommonJS run with `node -e`, argv[1] the case. `use(addon, who)` creates indexes both ways the
 * addon makes one (fromFactory, read) and searches them; the main thread prints what each did.
 */
const SCRIPT = String.raw`
const { Worker } = require('node:worker_threads');
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ADDON = require.resolve('faiss-node/build/Release/doppel-faiss.node');
const folder = mkdtempSync(path.join(os.tmpdir(), 'doppel-faiss-threads-'));

const USE = (function use(addon, who, folder) {
  const rows = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
  const flat = addon.fromFactory(4, 'Flat', addon.metric.innerProduct);
  flat.add(rows);
  if (flat.search(new Float32Array([0, 0.9, 0.1, 0]), 1).labels[0] !== 1) throw new Error(who + ': wrong search result');
  const file = require('node:path').join(folder, who + '.index');
  flat.write(file);
  const read = addon.read(file);
  if (read.ntotal() !== 3 || read.search(new Float32Array([0, 0, 1, 0]), 1).labels[0] !== 2) throw new Error(who + ': read lost vectors');
  read.dispose();
  return flat;
}).toString();
const useHere = eval('(' + USE + ')');
const use = (addon, who) => {
  const flat = useHere(addon, who, folder);
  console.log(who + ' ok');
  return flat;
};

// A worker that loads the addon when told 'load' (or at once), creates indexes when told 'use', exits when told 'exit'.
function startWorker(who, loadAtOnce) {
  const worker = new Worker(
    'const { parentPort, workerData } = require("node:worker_threads");' +
      'const use = eval("(" + workerData.use + ")");' +
      'let addon = workerData.loadAtOnce ? require(workerData.addon) : null;' +
      'parentPort.on("message", (what) => {' +
      '  if (what === "load") addon = require(workerData.addon);' +
      '  if (what === "use") use(addon, workerData.who, workerData.folder);' +
      '  if (what === "exit") process.exit(0);' +
      '  parentPort.postMessage(what);' +
      '});' +
      'parentPort.postMessage("started");',
    { eval: true, workerData: { addon: ADDON, use: USE, who, folder, loadAtOnce } },
  );
  const replies = [];
  const waiting = [];
  worker.on('message', (reply) => (waiting.length ? waiting.shift()(reply) : replies.push(reply)));
  const next = () => new Promise((resolve) => (replies.length ? resolve(replies.shift()) : waiting.push(resolve)));
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  return {
    started: next(),
    // Answers once the worker did it; 'use' prints from this thread (a worker's own console.log arrives out of turn).
    ask: async (what) => {
      worker.postMessage(what);
      await next();
      if (what === 'use') console.log(who + ' ok');
    },
    stop: async () => (worker.postMessage('exit'), await exited),
  };
}

async function main(which) {
  if (which === 'main-worker-main') {
    // The engine's order: the engine loads the addon, the near-pair worker loads and uses it and
    // exits, then Find creates an index on the engine's thread.
    const kept = use(require(ADDON), 'main before');
    const worker = startWorker('worker', true);
    await worker.started;
    await worker.ask('use');
    await worker.stop();
    use(require(ADDON), 'main after');
    if (kept.search(new Float32Array([1, 0, 0, 0]), 1).labels[0] !== 0) throw new Error('the index made before the worker broke');
    console.log('main kept ok');
  } else if (which === 'worker-main') {
    // The reverse: a worker is the first to load the addon, then exits; the main thread loads it after.
    const worker = startWorker('worker', true);
    await worker.started;
    await worker.ask('use');
    await worker.stop();
    use(require(ADDON), 'main after');
  } else if (which === 'interleaved') {
    // Both alive: the worker loads, the main thread loads, then each creates indexes.
    const worker = startWorker('worker', false);
    await worker.started;
    await worker.ask('load');
    use(require(ADDON), 'main before');
    await worker.ask('use');
    use(require(ADDON), 'main during');
    await worker.stop();
    use(require(ADDON), 'main after');
  } else {
    throw new Error('unknown case ' + which);
  }
}

main(process.argv[1]).then(
  () => rmSync(folder, { recursive: true, force: true }),
  (error) => {
    rmSync(folder, { recursive: true, force: true });
    console.error(error);
    process.exit(1); // a worker left waiting would keep the process alive
  },
);
`;

function runCase(which: string): { status: number | null; signal: string | null; output: string } {
  const result = spawnSync(process.execPath, ['-e', SCRIPT, which], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: '1' },
  });
  return { status: result.status, signal: result.signal, output: `${result.stdout}${result.stderr}` };
}

describe('faiss addon in worker threads', () => {
  it('should create indexes on the main thread after a worker that loaded the addon exited', () => {
    const run = runCase('main-worker-main');
    expect({ status: run.status, signal: run.signal }, run.output).toEqual({ status: 0, signal: null });
    expect(run.output.split('\n').filter(Boolean)).toEqual(['main before ok', 'worker ok', 'main after ok', 'main kept ok']);
  });

  it('should create indexes on the main thread when a worker loaded the addon first', () => {
    const run = runCase('worker-main');
    expect({ status: run.status, signal: run.signal }, run.output).toEqual({ status: 0, signal: null });
    expect(run.output.split('\n').filter(Boolean)).toEqual(['worker ok', 'main after ok']);
  });

  it('should create indexes on both threads while both have the addon loaded', () => {
    const run = runCase('interleaved');
    expect({ status: run.status, signal: run.signal }, run.output).toEqual({ status: 0, signal: null });
    expect(run.output.split('\n').filter(Boolean)).toEqual(['main before ok', 'worker ok', 'main during ok', 'main after ok']);
  });
});
