#!/usr/bin/env node
// Flips Doppel's Electron fuses (scripts/fuse-config.mjs) in a packaged Electron binary, then reads
// the fuse wire back and fails unless every fuse reads as configured.
//
// Usage: node scripts/apply-fuses.mjs <packaged binary or .app> [--reset-adhoc-darwin-signature]
//        npm run fuses -- release/linux-unpacked/doppel
// The path is the app's executable (Windows: Doppel.exe, Linux: doppel) or, on macOS, Doppel.app.
// --reset-adhoc-darwin-signature re-signs an ad-hoc signed macOS arm64 app, whose signature the flip
// breaks (not needed when the app is signed properly afterwards).
//
// Run it after packaging and before code signing, so that the signature covers the flipped bytes.
// From electron-builder's afterPack hook (it runs before signing), e.g. in electron-builder.config.mjs:
//
//   import path from 'node:path';
//   import { Arch } from 'electron-builder';
//   import { applyFuses } from './scripts/apply-fuses.mjs';
//   export default {
//     asar: true,
//     asarUnpack: ['**/*.node'],
//     async afterPack(context) {
//       const name = context.packager.appInfo.productFilename;
//       const binary = { darwin: `${name}.app`, win32: `${name}.exe` }[context.electronPlatformName] ?? context.packager.executableName;
//       await applyFuses(path.join(context.appOutDir, binary), { resetAdHocDarwinSignature: context.arch === Arch.arm64 });
//     },
//   };
//
// Electron Forge users pass the same DOPPEL_FUSES to @electron-forge/plugin-fuses instead.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FuseState, FuseV1Options, flipFuses, getCurrentFuseWire } from '@electron/fuses';
import { DOPPEL_FUSES } from './fuse-config.mjs';

/**
 * Flips the fuses in `electronPath` and checks them. Resolves to the fuses as read back, by name
 * (`{ RunAsNode: false, … }`); rejects, naming the fuses, when the binary has no fuse wire, a wire
 * this version of @electron/fuses does not fully know, or a fuse that did not take.
 */
export async function applyFuses(electronPath, { resetAdHocDarwinSignature = false } = {}) {
  await flipFuses(electronPath, { ...DOPPEL_FUSES, resetAdHocDarwinSignature });
  const wire = await getCurrentFuseWire(electronPath);
  const applied = {};
  const wrong = [];
  for (const [name, index] of fuseOptions()) {
    const expected = DOPPEL_FUSES[index] ? FuseState.ENABLE : FuseState.DISABLE;
    applied[name] = wire[index] === FuseState.ENABLE;
    if (wire[index] !== expected) wrong.push(`${name} (wanted ${DOPPEL_FUSES[index] ? 'on' : 'off'}, reads ${describeState(wire[index])})`);
  }
  if (wrong.length > 0) throw new Error(`Fuses in ${electronPath} did not take: ${wrong.join(', ')}`);
  return applied;
}

/** [name, index] of every fuse @electron/fuses knows (a TypeScript numeric enum maps both ways). */
function fuseOptions() {
  return Object.entries(FuseV1Options).filter(([, index]) => typeof index === 'number');
}

function describeState(state) {
  switch (state) {
    case FuseState.ENABLE:
      return 'on';
    case FuseState.DISABLE:
      return 'off';
    case FuseState.REMOVED:
      return 'removed from this Electron';
    default:
      return state === undefined ? 'missing' : `unknown state ${state}`;
  }
}

async function main() {
  const args = process.argv.slice(2);
  const electronPath = args.find((arg) => !arg.startsWith('--'));
  if (electronPath === undefined) {
    console.error('Usage: node scripts/apply-fuses.mjs <packaged Electron binary or .app> [--reset-adhoc-darwin-signature]');
    process.exit(2);
  }
  const applied = await applyFuses(path.resolve(electronPath), {
    resetAdHocDarwinSignature: args.includes('--reset-adhoc-darwin-signature'),
  });
  for (const [name, on] of Object.entries(applied)) console.log(`${name}: ${on ? 'on' : 'off'}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(`Cannot apply the fuses: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
