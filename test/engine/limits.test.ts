/**
 * Every user-settable limit is written once (src/shared/limits.ts): the contract takes each
 * boundary and refuses one step past it, and the near-duplicate hash distance answers the same
 * through every door (contract, core, engine, HTTP bridge, CLI) instead of a 500 from deep inside.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../src/bridge/index.js';
import { Doppel } from '../../src/core/doppel.js';
import { EngineService } from '../../src/engine/engine-service.js';
import { ErrorCodes } from '../../src/shared/errors.js';
import type { Channel } from '../../src/shared/channels.js';
import { parseChannelInput } from '../../src/shared/ipc-contract.js';
import { limits, limitViolation, type LimitName } from '../../src/shared/limits.js';
import { ensureCliBuilt, runCli } from '../helpers/cli.js';

/** Where each numeric limit enters the contract: the channel and how to put a value into its input. */
const CONTRACT_FIELDS: readonly { limit: LimitName; channel: Channel; input: (value: number) => unknown }[] = [
  { limit: 'nearThreshold', channel: 'duplicates:list', input: (threshold) => ({ kind: 'near', threshold }) },
  { limit: 'nearHashDistance', channel: 'duplicates:list', input: (hashDistance) => ({ kind: 'near', hashDistance }) },
  { limit: 'similarResults', channel: 'similar:query', input: (limit) => ({ paths: ['/p/a.jpg'], limit }) },
  { limit: 'photoPageSize', channel: 'library:photos', input: (limit) => ({ sort: 'name', limit }) },
  { limit: 'duplicatePageSize', channel: 'duplicates:list', input: (limit) => ({ kind: 'exact', limit }) },
  { limit: 'planPageSize', channel: 'duplicates:plan', input: (limit) => ({ kind: 'exact', limit }) },
  {
    limit: 'similarQueries',
    channel: 'similar:query',
    input: (count) => ({ paths: Array.from({ length: count }, (_, i) => `/p/${i}.jpg`) }),
  },
  { limit: 'indexRoots', channel: 'library:index', input: (count) => ({ roots: Array.from({ length: count }, (_, i) => `/p/${i}`) }) },
  {
    limit: 'groupCopies',
    channel: 'duplicates:markNotDuplicates',
    input: (count) => ({ paths: ['/p/a.jpg'], against: Array.from({ length: count }, (_, i) => `/p/${i}.jpg`) }),
  },
  {
    limit: 'cleanGroups',
    channel: 'duplicates:clean',
    input: (count) => ({ selection: Array.from({ length: count }, (_, i) => ({ keep: [`/p/${i}.jpg`], trash: [`/p/${i}-copy.jpg`] })) }),
  },
  {
    limit: 'excludePatterns',
    channel: 'library:setExcludes',
    input: (count) => ({ path: '/p', excludes: Array.from({ length: count }, (_, i) => `*.${i}`) }),
  },
  { limit: 'pathLength', channel: 'find:query', input: (length) => ({ path: `/${'a'.repeat(Math.max(0, length - 1))}` }) },
];

describe('shared limits through the contract', () => {
  it('should cover every limit', () => {
    expect(new Set(CONTRACT_FIELDS.map((field) => field.limit))).toEqual(new Set(Object.keys(limits)));
  });

  for (const { limit: name, channel, input } of CONTRACT_FIELDS) {
    const limit = limits[name];
    it(`should take ${name} from ${limit.min} to ${limit.max} on ${channel} and refuse one step past either end`, () => {
      expect(parseChannelInput(channel, input(limit.min)).ok).toBe(true);
      expect(parseChannelInput(channel, input(limit.max)).ok).toBe(true);
      expect(parseChannelInput(channel, input(limit.default)).ok).toBe(true);
      for (const past of [limit.min - limit.step, limit.max + limit.step]) {
        if (name === 'pathLength' && past < 1) continue; // an empty path is refused by its own rule
        if (name === 'excludePatterns' && past < 0) continue; // a list cannot hold fewer than none
        const parsed = parseChannelInput(channel, input(past));
        expect(parsed, `${name} = ${past}`).toMatchObject({ ok: false, error: { code: ErrorCodes.invalidInput } });
      }
    });
  }

  it('should refuse a fraction where a limit takes whole numbers, with the limit named', () => {
    const parsed = parseChannelInput('duplicates:list', { hashDistance: 4.5 });
    expect(parsed).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!parsed.ok && parsed.error.message).toContain('hash distance must be a whole number from 0 to 10 (got 4.5)');
  });

  it('should explain a violation in words a user can act on', () => {
    expect(limitViolation('nearHashDistance', 12)).toBe('hash distance must be a whole number from 0 to 10 (got 12)');
    expect(limitViolation('nearThreshold', 0.5)).toBe('similarity threshold must be a number from 0.7 to 0.99 (got 0.5)');
    expect(limitViolation('nearThreshold', 0.85)).toBeNull();
  });
});

describe('the hash-distance boundary through every door', () => {
  const { max } = limits.nearHashDistance;
  let tempDir: string;
  let doppel: Doppel;
  let engine: EngineService;
  let bridge: Bridge;

  beforeAll(async () => {
    ensureCliBuilt();
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-limits-'));
    doppel = await Doppel.open({ libraryDir: path.join(tempDir, 'core'), withoutSimilarity: true });
    engine = await EngineService.open({ libraryDir: path.join(tempDir, 'engine'), onEvent: () => {} });
    bridge = await startBridge({ libraryDir: path.join(tempDir, 'bridge'), port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- afterAll runs even when beforeAll threw before assigning them */
    await doppel?.close();
    await engine?.close();
    await bridge?.close();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
    await rm(tempDir, { recursive: true, force: true });
  });

  it('core: takes the maximum and refuses one past it with invalid_input', async () => {
    await expect(doppel.duplicates({ kind: 'near', hashDistance: max })).resolves.toEqual({ groups: [], wastedBytes: 0 });
    await expect(doppel.duplicates({ kind: 'near', hashDistance: max + 1 })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('engine (the Electron door): answers the maximum and refuses one past it in the envelope', async () => {
    expect(await engine.dispatch('duplicates:list', { kind: 'near', hashDistance: max })).toMatchObject({ ok: true });
    expect(await engine.dispatch('duplicates:list', { kind: 'near', hashDistance: max + 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('bridge: 200 for the maximum, 400 (not 500) for one past it', async () => {
    const post = (hashDistance: number) =>
      fetch(new URL('/api/duplicates:list', bridge.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.token}` },
        body: JSON.stringify({ kind: 'near', hashDistance }),
      });
    expect((await post(max)).status).toBe(200);
    const refused = await post(max + 1);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('CLI: exit 0 for the maximum, exit 2 with the same message for one past it', async () => {
    const library = path.join(tempDir, 'cli');
    const fine = await runCli(['duplicates', '--kind', 'near', '--hash-distance', String(max), '--library', library, '--json']);
    expect(fine.code).toBe(0);
    const refused = await runCli(['duplicates', '--kind', 'near', '--hash-distance', String(max + 1), '--library', library]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`hash distance must be a whole number from 0 to ${max}`);
  });
});
