#!/usr/bin/env node
// The `doppel` command: runs the bundled CLI (built by `npm run build:cli`, part of `npm run setup`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('doppel: the CLI is not built yet: run `npm run setup` (or `npm run build:cli`) first\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
