import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KEEPER_RULES, type DuplicateKindFilter, type KeeperRule } from '../shared/types';
import type { KeeperChoice } from '../core/cleanup/keeper-rules';
import { Doppel } from '../core/doppel';
import { repairNotice } from '../core/store/library-repair';
import { ErrorCodes, errorMessage, hasErrorCode } from '../core/errors';
import { limitViolation, limits, photoFileMegabytes, type LimitName } from '../shared/limits';
import path from 'node:path';
import { divertStdoutToLog, type PrintResult } from './json-stdout';
import {
  formatCheck,
  formatClean,
  formatDuplicates,
  formatFind,
  formatHistory,
  formatIndexReport,
  formatNotDuplicates,
  formatPlan,
  formatProgressLine,
  formatProtected,
  formatSimilar,
  formatUndo,
} from './format';

/** `0.7-0.99, default 0.72`: a limit as the help text shows it. */
function range(name: LimitName): string {
  const limit = limits[name];
  return `${limit.min}-${limit.max}, default ${limit.default}`;
}

const USAGE = `Usage: doppel <command> [options]

Commands:
  index <folder...>      Index photo folders (incremental: unchanged files are skipped)
  duplicates             List duplicate groups, biggest waste first
  find <image>           Is this photo already in the library?
  similar <image...>     Library photos that look like each image
  clean                  Move every copy but the one to keep of each group to the trash (undoable)
  undo [OPERATION]       Put back what an operation moved to the trash (default: the last one)
  ignore <file> <file>...  Mark files as not duplicates of each other (by content; undoable)
  ignore --list | --clear  Show, or forget, every "not duplicates" decision
  protect [DIR...]       Save reference folders whose files are never trashed (no DIR: list them)
  unprotect DIR...       Stop protecting these folders
  history                Past clean-ups and decisions, with the space they freed
  check                  Check the library database in full and rebuild lost thumbnails
  serve                  Open the app in a browser (local bridge)

Options:
  --library DIR          Library folder (default: your per-user data folder, or $DOPPEL_LIBRARY)
  --model ID             Embedding model (resources/models/manifest.json); switching re-embeds on the next index
  --json                 Machine-readable output
  --kind K               duplicates: exact | pixel | near | all (default all: every kind but shots) | shots
                         (similar shots: different pictures of one moment, best shot first); clean: exact | pixel | near | all (default exact)
  --keep RULE            clean, duplicates: which copy to keep: ${KEEPER_RULES.join(' | ')} (default highest-resolution)
  --keep-folder DIR      clean, duplicates: keep the copy under DIR (implies --keep in-folder)
  --keep-per-folder      clean, duplicates: keep one copy in each folder holding copies of a group (--keep picks which)
  --protect DIR          clean, duplicates: never touch files under DIR, on top of the saved ones (repeatable)
  --dry-run              clean: list what would move; change nothing
  --format F             duplicates: text | csv | json: one row per copy with its keep/trash decision (default text)
  --threshold T          duplicates: minimum similarity for near duplicates (${range('nearThreshold')})
  --hash-distance N      duplicates: maximum perceptual-hash distance in bits (${range('nearHashDistance')})
  --limit K              similar: results per image (${range('similarResults')})
  --exclude GLOB         index: skip paths matching GLOB, relative to the folder (repeatable)
  --max-file-mb N        index, find, similar: refuse photo files larger than N MB (${photoFileMegabytes.min}-${photoFileMegabytes.max}, default ${photoFileMegabytes.default})
  --port N               serve: port (default 4173)
  --no-open              serve: print the sign-in address without opening a browser
  -h, --help             Show this help
`;

const OPTIONS = {
  library: { type: 'string' },
  model: { type: 'string' },
  json: { type: 'boolean', default: false },
  kind: { type: 'string' },
  threshold: { type: 'string' },
  'hash-distance': { type: 'string' },
  limit: { type: 'string' },
  exclude: { type: 'string', multiple: true },
  'max-file-mb': { type: 'string' },
  keep: { type: 'string' },
  'keep-folder': { type: 'string' },
  'keep-per-folder': { type: 'boolean', default: false },
  format: { type: 'string' },
  protect: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean', default: false },
  list: { type: 'boolean', default: false },
  clear: { type: 'boolean', default: false },
  port: { type: 'string' },
  'no-open': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options'];

/** Exit codes: 0 done (even with bad photos), 1 the command failed, 2 bad arguments. */
class UsageError extends Error {
  override readonly name = 'UsageError' as const;
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`doppel: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  // Under --json, stdout holds the result only: anything else printed goes to the log (stderr).
  const diverted = values.json ? divertStdoutToLog() : null;
  try {
    return await run(command, args, values, diverted?.print);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`doppel: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`doppel ${command}: ${errorMessage(error)}\n`);
    return hasErrorCode(error, ErrorCodes.invalidInput) ? 2 : 1;
  } finally {
    diverted?.restore();
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function run(command: string, args: string[], values: Values, printResult?: PrintResult): Promise<number> {
  const json = values.json;
  const print = printResult ?? ((text: string): void => void process.stdout.write(`${text}\n`));
  switch (command) {
    case 'index': {
      if (args.length === 0) throw new UsageError('index needs at least one folder');
      return withLibrary(values, async (doppel) => {
        const controller = new AbortController();
        const onSigint = (): void => {
          process.stderr.write('\nCancelling after the current photos… (Ctrl-C again to force)\n');
          process.off('SIGINT', onSigint);
          controller.abort();
        };
        process.on('SIGINT', onSigint);
        const tty = !json && process.stderr.isTTY;
        try {
          const report = await doppel.index(args, {
            excludes: values.exclude,
            signal: controller.signal,
            onWaitForWriter: sayWaiting,
            onProgress: tty ? (p) => process.stderr.write(`\r\x1b[2K${formatProgressLine(p, process.stderr.columns)}`) : undefined,
          });
          if (tty) process.stderr.write('\r\x1b[2K');
          print(json ? JSON.stringify(report) : formatIndexReport(report));
          return 0;
        } finally {
          process.off('SIGINT', onSigint);
        }
      });
    }
    case 'duplicates': {
      const kind = parseKind(values.kind);
      const threshold = parseLimited(values.threshold, 'threshold', 'nearThreshold');
      const hashDistance = parseLimited(values['hash-distance'], 'hash-distance', 'nearHashDistance');
      const review = parseReview(values);
      const format = parseFormat(values.format);
      return withLibrary(values, async (doppel) => {
        const report = await doppel.duplicates({ kind, threshold, hashDistance, ...review });
        if (format === 'text') print(json ? JSON.stringify(report) : formatDuplicates(report, { perFolder: review.perFolder }));
        else print(formatPlan(report, format, { perFolder: review.perFolder }));
        return 0;
      });
    }
    case 'find': {
      const [image] = args;
      if (args.length !== 1 || image === undefined) throw new UsageError('find needs exactly one image');
      return withLibrary(values, async (doppel) => {
        const report = await doppel.find(image);
        print(json ? JSON.stringify(report) : formatFind(image, report));
        return 0;
      });
    }
    case 'similar': {
      if (args.length === 0) throw new UsageError('similar needs at least one image');
      if (args.length > limits.similarQueries.max)
        throw new UsageError(`similar takes at most ${limits.similarQueries.max} images at once`);
      const limit = parseLimited(values.limit, 'limit', 'similarResults');
      return withLibrary(values, async (doppel) => {
        const reports = await doppel.similar(args, { limit });
        print(json ? JSON.stringify(reports) : formatSimilar(reports));
        return 0;
      });
    }
    case 'clean': {
      const kind = parseKind(values.kind, 'exact');
      const threshold = parseLimited(values.threshold, 'threshold', 'nearThreshold');
      const hashDistance = parseLimited(values['hash-distance'], 'hash-distance', 'nearHashDistance');
      const review = parseReview(values);
      return withLibrary(values, async (doppel) => {
        const report = await doppel.clean({
          kind,
          threshold,
          hashDistance,
          ...review,
          dryRun: values['dry-run'],
          onWaitForWriter: sayWaiting,
        });
        print(json ? JSON.stringify(report) : formatClean(report));
        // Every copy left in place is a clean-up that did not happen: scripts must not take it for one.
        return report.trashed.length === 0 && report.skipped.length > 0 ? 1 : 0;
      });
    }
    case 'undo': {
      if (args.length > 1) throw new UsageError('undo takes at most one operation id');
      return withLibrary(values, async (doppel) => {
        const report = await doppel.undo(args[0], { onWaitForWriter: sayWaiting });
        print(json ? JSON.stringify(report) : formatUndo(report));
        return report.failed.length > 0 ? 1 : 0;
      });
    }
    case 'ignore': {
      if (values.list || values.clear) {
        if (args.length > 0) throw new UsageError('ignore --list and --clear take no files');
        return withLibrary(values, async (doppel) => {
          if (values.clear) {
            const cleared = await doppel.clearNotDuplicates({ onWaitForWriter: sayWaiting });
            print(json ? JSON.stringify({ cleared }) : `Forgot ${cleared} "not duplicates" decision${cleared === 1 ? '' : 's'}.`);
          } else {
            const pairs = doppel.notDuplicates();
            print(json ? JSON.stringify(pairs) : formatNotDuplicates(pairs));
          }
          return 0;
        });
      }
      if (args.length < 2) throw new UsageError('ignore needs at least two files');
      return withLibrary(values, async (doppel) => {
        const operation = await doppel.markNotDuplicates(args, { onWaitForWriter: sayWaiting });
        print(
          json ? JSON.stringify({ operation }) : `Marked ${args.length} files as not duplicates (undo with: doppel undo ${operation}).`,
        );
        return 0;
      });
    }
    case 'protect':
    case 'unprotect': {
      if (command === 'unprotect' && args.length === 0) throw new UsageError('unprotect needs at least one folder');
      return withLibrary(values, async (doppel) => {
        const saved = doppel.protectedFolders();
        const named = args.map((folder) => path.resolve(folder));
        const wanted = command === 'protect' ? [...saved, ...named] : saved.filter((folder) => !named.includes(folder));
        const folders = args.length === 0 ? saved : await doppel.setProtectedFolders(wanted, { onWaitForWriter: sayWaiting });
        print(json ? JSON.stringify({ protectedFolders: folders }) : formatProtected(folders));
        return 0;
      });
    }
    case 'history': {
      return withLibrary(values, (doppel) => {
        const history = doppel.history();
        print(json ? JSON.stringify(history) : formatHistory(history));
        return Promise.resolve(0);
      });
    }
    case 'check': {
      if (args.length > 0) throw new UsageError('check takes no arguments');
      const report = await Doppel.check({ libraryDir: values.library, log: debugLog() });
      if (report.repair) warn(repairNotice(report.repair, []));
      if (report.decisionsProblem) warn(report.decisionsProblem);
      print(json ? JSON.stringify(report) : formatCheck(report));
      return report.thumbnails.failed > 0 || report.decisionsProblem ? 1 : 0;
    }
    case 'serve': {
      const port = parseNumber(values.port, 'port', 0, 65535) ?? 4173;
      const { serve } = await import('./serve');
      return serve({ libraryDir: values.library, port, open: !values['no-open'] });
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** Library noise (skipped files, fallbacks) goes to stderr when DOPPEL_DEBUG is set. */
function debugLog(): ((line: string) => void) | undefined {
  return process.env.DOPPEL_DEBUG ? (line) => process.stderr.write(`${line}\n`) : undefined;
}

/** Something the user must know whatever the command: stderr, so --json output stays clean. */
function warn(message: string): void {
  process.stderr.write(`doppel: ${message}\n`);
}

/** A second writer on a library waits for the first: say so once (stderr, so --json stays clean). */
function sayWaiting(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function withLibrary(values: Values, body: (doppel: Doppel) => Promise<number>): Promise<number> {
  const maxFileMegabytes = parseNumber(values['max-file-mb'], 'max-file-mb', photoFileMegabytes.min, photoFileMegabytes.max);
  const doppel = await Doppel.open({
    libraryDir: values.library,
    modelId: values.model,
    log: debugLog(),
    ...(maxFileMegabytes === undefined ? {} : { maxFileBytes: maxFileMegabytes * 1e6 }),
  });
  const { notice } = doppel.stats();
  if (notice) warn(notice);
  const decisionsProblem = doppel.decisionsProblem();
  if (decisionsProblem) warn(decisionsProblem);
  try {
    return await body(doppel);
  } finally {
    await doppel.close();
  }
}

/** The keeper rule and reference folders shared by `duplicates` and `clean`. */
function parseReview(values: { keep?: string; 'keep-folder'?: string; 'keep-per-folder'?: boolean; protect?: string[] }): {
  keep: KeeperChoice;
  perFolder: boolean;
  protectedFolders: string[];
} {
  const keepFolder = values['keep-folder'] === undefined ? undefined : path.resolve(values['keep-folder']);
  const rule = parseKeeperRule(values.keep, keepFolder);
  return {
    keep: { rule, ...(keepFolder ? { folder: keepFolder } : {}) },
    perFolder: values['keep-per-folder'] === true,
    protectedFolders: (values.protect ?? []).map((folder) => path.resolve(folder)),
  };
}

function parseKeeperRule(value: string | undefined, keepFolder: string | undefined): KeeperRule {
  if (value === undefined) return keepFolder ? 'in-folder' : 'highest-resolution';
  const rule = KEEPER_RULES.find((known) => known === value);
  if (!rule) throw new UsageError(`--keep must be one of ${KEEPER_RULES.join(', ')} (got '${value}')`);
  if (rule === 'in-folder' && !keepFolder) throw new UsageError('--keep in-folder needs --keep-folder DIR');
  return rule;
}

function parseFormat(value: string | undefined): 'text' | 'csv' | 'json' {
  if (value === undefined || value === 'text' || value === 'csv' || value === 'json') return value ?? 'text';
  throw new UsageError(`--format must be text, csv or json (got '${value}')`);
}

function parseKind(value: string | undefined, fallback: DuplicateKindFilter = 'all'): DuplicateKindFilter {
  if (value === undefined) return fallback;
  if (value === 'exact' || value === 'pixel' || value === 'near' || value === 'shots' || value === 'all') return value;
  throw new UsageError(`--kind must be exact, pixel, near, shots or all (got '${value}')`);
}

/** A numeric option held to a shared limit (src/shared/limits.ts), with the same message as every door. */
function parseLimited(value: string | undefined, option: string, name: LimitName): number | undefined {
  if (value === undefined) return undefined;
  const number = value.trim() === '' ? NaN : Number(value);
  const violation = limitViolation(name, number);
  if (violation) throw new UsageError(`--${option}: ${violation.replace(`(got ${number})`, `(got '${value}')`)}`);
  return number;
}

function parseNumber(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max} (got '${value}')`);
  }
  return number;
}
