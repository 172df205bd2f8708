// The Electron fuses Doppel ships with, flipped into the packaged binary by scripts/apply-fuses.mjs.
// Fuses are bits in the Electron binary itself, read before any JavaScript runs: unlike a command
// line switch or an environment variable, whoever starts the app cannot turn them back.
// Option names are checked against @electron/fuses' FuseV1Options (node_modules/@electron/fuses/dist/config.d.ts).
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/** @type {Readonly<import('@electron/fuses').FuseV1Config>} */
export const DOPPEL_FUSES = Object.freeze({
  version: FuseVersion.V1,
  // Every fuse is set on purpose: an Electron upgrade that adds one fails packaging until someone decides it.
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would make the signed app a plain Node interpreter. The engine runs in
  // utilityProcess.fork, which does not need it.
  [FuseV1Options.RunAsNode]: false,
  // Cookies and other session secrets encrypted at rest with an OS-held key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS (--require, --inspect…) would inject code into main.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect / --inspect-brk would open a debugger on main.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar is checked against the hash the packager embeds (macOS and Windows; Electron has no
  // such check on Linux). Needs a packager that writes the integrity data, as electron-builder and
  // Electron Forge do.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only app.asar is loaded, never a loose app/ folder planted next to it (that would bypass the
  // integrity check). Native addons load from app.asar.unpacked (asarUnpack), which is allowed.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Electron's default: one V8 snapshot for every process.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The page comes from app://, never file://: file:// pages get no privileges beyond a browser's.
  // (Main's net.fetch of thumbnail files is not a page and is unaffected.)
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // Electron's default: V8 traps out-of-bounds WebAssembly memory access with signal handlers.
  [FuseV1Options.WasmTrapHandlers]: true,
});
