#!/usr/bin/env node
// Enforces the import rules of docs/ARCHITECTURE.md (in this repository) (VS Code and Motrix keep theirs the same way):
//   - src/core never imports electron, vue, src/engine or a door (src/main, src/preload, src/renderer, src/bridge, src/cli);
//   - src/engine (the core behind the contract) imports only src/core, src/shared and its own files, never electron;
//   - the doors (src/main, src/bridge, src/cli, src/preload) never import each other's files; the one
//     exception is src/bridge/index.ts, the bridge's public entry, which `doppel serve` starts;
//   - src/shared imports nothing platform-specific: no node: or Node built-ins, no electron or vue,
//     no files outside src/shared, no DOM-only or Node-only globals;
//   - src/renderer imports only src/shared and its own files (plus browser packages such as vue);
//   - only src/main/ipc/* and src/preload touch ipcMain / ipcRenderer;
//   - src/bridge never imports electron: it is the engine's door for a browser.
// Usage: node scripts/check-imports.mjs [--root <repo>]   Exit 1 with `file:line: message` per violation.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const rootArgIndex = process.argv.indexOf('--root');
const repoRoot = path.resolve(
  rootArgIndex >= 0 ? (process.argv[rootArgIndex + 1] ?? '.') : path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
);
const srcRoot = path.join(repoRoot, 'src');

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.vue', '.js', '.mjs'];
const NODE_BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));
const DOORS = ['main', 'preload', 'renderer', 'bridge', 'cli'];
/** The areas src/engine may import: it runs under Electron's utility process and the bridge alike. */
const ENGINE_MAY_IMPORT = ['engine', 'core', 'shared'];
/** Files of a door that other doors may import: its public entry. */
const DOOR_ENTRIES = ['src/bridge/index.ts'];
/** Globals that exist only in a browser page or only in Node: shared code must run in both. */
const PLATFORM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'HTMLElement',
  'EventSource',
  'XMLHttpRequest',
  'process',
  'Buffer',
  '__dirname',
  '__filename',
  'require',
];
const IPC_IDENTIFIERS = ['ipcMain', 'ipcRenderer'];

/** Files under `dir`, skipping build output and dependencies. */
function listSourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch (error) {
    if (error.code === 'ENOENT') return []; // no such folder in this checkout: nothing to check there
    throw error;
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'node_modules' ? [] : listSourceFiles(full);
    return SOURCE_EXTENSIONS.some((extension) => entry.endsWith(extension)) ? [full] : [];
  });
}

/** Keeps only <script> blocks of a .vue file, blanking the rest but keeping line numbers. */
function scriptOfVue(text) {
  return text.replace(/(<script\b[^>]*>)([\s\S]*?)(<\/script>)|[^\n]/g, (match, open, body) =>
    open ? `${open.replace(/[^\n]/g, ' ')}${body}         ` : ' ',
  );
}

/**
 * Blanks comments (and, with `blankStrings`, string contents), keeping every newline so offsets
 * still map to the right line. A small scanner: regex literals are rare enough in import-bearing
 * code that treating `/` as division is fine.
 */
function strip(code, blankStrings) {
  let out = '';
  let index = 0;
  while (index < code.length) {
    const char = code[index];
    const next = code[index + 1];
    if (char === '/' && next === '/') {
      while (index < code.length && code[index] !== '\n') {
        out += ' ';
        index += 1;
      }
    } else if (char === '/' && next === '*') {
      const end = code.indexOf('*/', index + 2);
      const stop = end < 0 ? code.length : end + 2;
      out += code.slice(index, stop).replace(/[^\n]/g, ' ');
      index = stop;
    } else if (char === '"' || char === "'" || char === '`') {
      let end = index + 1;
      while (end < code.length && code[end] !== char && !(char !== '`' && code[end] === '\n')) {
        end += code[end] === '\\' ? 2 : 1;
      }
      const body = code.slice(index + 1, end);
      out += char + (blankStrings ? body.replace(/[^\n]/g, ' ') : body) + (code[end] ?? '');
      index = end + 1;
    } else {
      out += char;
      index += 1;
    }
  }
  return out;
}

function lineOf(text, offset) {
  let line = 1;
  for (let index = 0; index < offset; index += 1) if (text.charCodeAt(index) === 10) line += 1;
  return line;
}

const IMPORT_PATTERNS = [
  /(?:^|[^.\w$])(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?(['"])([^'"\n]+)\1/g,
  /(?:^|[^.\w$])import\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
  /(?:^|[^.\w$])require\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g,
];

function importsOf(code) {
  const found = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[2];
      found.push({ specifier, line: lineOf(code, match.index + match[0].lastIndexOf(specifier)) });
    }
  }
  return found;
}

function identifierUses(code, names) {
  const pattern = new RegExp(`(?<![\\w$.])(${names.join('|')})\\b(?!\\s*\\??:)`, 'g');
  return [...code.matchAll(pattern)].map((match) => ({ name: match[1], line: lineOf(code, match.index) }));
}

/** `src/<area>/...` → area ('core', 'shared', ...); null outside src. */
function areaOf(file) {
  const relative = path.relative(srcRoot, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return relative.split(path.sep)[0] ?? null;
}

/** True when `resolved` (an import path, with or without its extension) is a door's public entry. */
function isDoorEntry(resolved) {
  const relative = path
    .relative(repoRoot, resolved)
    .split(path.sep)
    .join('/')
    .replace(/\.(js|ts)$/, '');
  return DOOR_ENTRIES.some((entry) => entry.replace(/\.ts$/, '') === relative);
}

const isNodeBuiltin = (specifier) => specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0]);
const isElectron = (specifier) => specifier === 'electron' || specifier.startsWith('electron/');
const isVue = (specifier) => specifier === 'vue' || specifier.startsWith('@vue/');

function checkFile(file) {
  const violations = [];
  const relativeFile = path.relative(repoRoot, file).split(path.sep).join('/');
  const report = (line, message) => violations.push(`${relativeFile}:${line}: ${message}`);
  const raw = readFileSync(file, 'utf8');
  const text = file.endsWith('.vue') ? scriptOfVue(raw) : raw;
  const code = strip(text, false);
  const area = areaOf(file);

  for (const { specifier, line } of importsOf(code)) {
    const resolved = specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : null;
    const target = resolved ? areaOf(resolved) : null;
    const what = `imports "${specifier}"`;
    if (area === 'core') {
      if (isElectron(specifier) || isVue(specifier)) report(line, `core ${what}: the core must run without Electron or Vue`);
      if (target && (DOORS.includes(target) || target === 'engine'))
        report(line, `core ${what}: the core must not depend on src/${target}`);
    }
    if (area === 'engine') {
      if (isElectron(specifier)) report(line, `engine ${what}: the engine also runs in the browser-mode bridge, without Electron`);
      if (target && !ENGINE_MAY_IMPORT.includes(target)) report(line, `engine ${what}: the engine may only import src/core and src/shared`);
    }
    if (DOORS.includes(area) && target && target !== area && DOORS.includes(target) && !isDoorEntry(resolved)) {
      report(line, `${area} ${what}: doors never import each other's files (go through src/engine)`);
    }
    if (area === 'shared') {
      if (isNodeBuiltin(specifier)) report(line, `shared ${what}: shared code must not use Node APIs`);
      if (isElectron(specifier) || isVue(specifier)) report(line, `shared ${what}: shared code must be platform-free`);
      if (specifier.startsWith('.') && target !== 'shared') report(line, `shared ${what}: shared may only import src/shared`);
    }
    if (area === 'renderer') {
      if (isNodeBuiltin(specifier) || isElectron(specifier))
        report(line, `renderer ${what}: the renderer talks to the app only through window.api`);
      if (specifier.startsWith('.') && target !== 'renderer' && target !== 'shared') {
        report(line, `renderer ${what}: the renderer may only import src/shared and its own files`);
      }
    }
    if (area === 'bridge' && isElectron(specifier)) {
      report(line, `bridge ${what}: the bridge serves the engine to a browser, without Electron`);
    }
  }

  const bare = strip(text, true);
  if (area === 'shared') {
    for (const { name, line } of identifierUses(bare, PLATFORM_GLOBALS)) {
      report(line, `shared uses the global "${name}": shared code must run in Node and in the page alike`);
    }
  }
  const mayUseIpc = relativeFile.startsWith('src/main/ipc/') || relativeFile.startsWith('src/preload/');
  if (!mayUseIpc) {
    for (const { name, line } of identifierUses(bare, IPC_IDENTIFIERS)) {
      report(line, `uses ${name}: only src/main/ipc/* and src/preload may touch ${name}`);
    }
  }
  return violations;
}

const files = listSourceFiles(srcRoot);
const violations = files.flatMap(checkFile);
if (violations.length > 0) {
  for (const violation of violations) console.error(violation);
  console.error(
    `check-imports: ${violations.length} violation${violations.length === 1 ? '' : 's'} of the import rules (docs/ARCHITECTURE.md)`,
  );
  process.exit(1);
}
console.log(`check-imports: ${files.length} files follow the import rules`);
