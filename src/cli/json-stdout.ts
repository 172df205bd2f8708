/**
 * Under `--json`, stdout carries the JSON result and nothing else, or scripts that parse it break.
 * Libraries do print: libheif-js (behind heic-decode) reports a damaged HEIC with `console.log`
 * ("Could not parse HEIF file …"). While a command runs, every other write to stdout — through
 * `process.stdout.write` or `console.log`/`info`/`debug`, which write through it — goes to stderr,
 * the log, instead.
 */

/** Writes one line of the command's result to the real stdout. */
export type PrintResult = (text: string) => void;

/**
 * Sends everything written to stdout to stderr until `restore` is called; `print` still writes to
 * the real stdout.
 * @example const { print, restore } = divertStdoutToLog(); try { print(JSON.stringify(report)); } finally { restore(); }
 */
export function divertStdoutToLog(): { print: PrintResult; restore: () => void } {
  const stdout = process.stdout;
  const original = Object.getOwnPropertyDescriptor(stdout, 'write');
  const realWrite = stdout.write.bind(stdout);
  const toLog = process.stderr.write.bind(process.stderr);
  stdout.write = toLog;
  return {
    print: (text) => void realWrite(`${text}\n`),
    restore: () => {
      if (stdout.write !== toLog) return; // replaced again since: leave that alone
      if (original) Object.defineProperty(stdout, 'write', original);
      else delete (stdout as { write?: unknown }).write; // back to the prototype's write
    },
  };
}
