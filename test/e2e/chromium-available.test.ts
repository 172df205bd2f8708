/**
 * The rule that decides whether the browser suites run: skipped without Chromium on a developer's
 * machine, a failure on CI. Checked with an injected path and environment, so it needs no browser
 * and runs the same whether or not this machine has one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from './support/browser.js';

let tempDir: string;
let present: string;
let missing: string;

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'doppel-chromium-'));
  present = path.join(tempDir, 'chromium');
  await writeFile(present, '#!/bin/sh\n');
  missing = path.join(tempDir, 'no-chromium');
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('chromiumAvailable', () => {
  it('should run the browser suites wherever Chromium is, CI or not', () => {
    expect(chromiumAvailable({ path: present, env: {} })).toBe(true);
    expect(chromiumAvailable({ path: present, env: { CI: 'true' } })).toBe(true);
  });

  it('should skip them without Chromium off CI', () => {
    expect(chromiumAvailable({ path: missing, env: {} })).toBe(false);
    expect(chromiumAvailable({ path: missing, env: { CI: '' } })).toBe(false);
    expect(chromiumAvailable({ path: missing, env: { CI: 'false' } })).toBe(false);
    expect(chromiumAvailable({ path: missing, env: { CI: '0' } })).toBe(false);
  });

  it('should fail, naming the path, when Chromium is missing on CI', () => {
    for (const ci of ['true', '1', 'yes']) {
      expect(() => chromiumAvailable({ path: missing, env: { CI: ci } })).toThrow(`Chromium is missing at ${missing} and CI=${ci}`);
    }
  });
});
