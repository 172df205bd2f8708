/**
 * The one list of error codes. The core throws errors that carry one of these codes (see
 * src/core/errors.ts), every door passes the code on unchanged, and the renderer, the CLI and the
 * tests branch on it, never on message text or class identity (classes do not survive Electron's
 * IPC or the engine's process boundary; a `code` string does).
 */
export const ErrorCodes = {
  /** The input failed validation: a contract schema, a CLI argument, a limit, a missing folder. */
  invalidInput: 'invalid_input',
  /** No such channel in the contract. */
  unknownChannel: 'unknown_channel',
  /** An index job is already running; the library has a single writer. */
  jobRunning: 'job_running',
  /** The engine process died while the call was pending (it is restarted). */
  engineCrashed: 'engine_crashed',
  /** The engine could not open the library, or is not running. */
  engineUnavailable: 'engine_unavailable',
  /** A door could not carry the call (bad HTTP method or body, unreachable engine, untrusted page). */
  transport: 'transport',
  /** The library folder cannot be opened or written, or it is closed. */
  libraryUnavailable: 'library_unavailable',
  /** Similarity needs the embedding model, which is missing, damaged or cannot run here. */
  modelUnavailable: 'model_unavailable',
  /** The bytes of an image file do not decode. */
  decodeFailed: 'decode_failed',
  /** A format (or RAW flavour) Doppel cannot read. */
  unsupportedFormat: 'unsupported_format',
  /** A file changed while it was being read (a sync client still writing it). */
  fileChanged: 'file_changed',
  /** A newer request of the same view replaced this one before it finished (`duplicates:list`): nothing to show. */
  superseded: 'superseded',
  /** Anything else; `message` says what was attempted. */
  internal: 'internal',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCodes));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

/** The code an error carries, if it is one of ours (Node's `ENOENT` and the like are not). */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return isErrorCode(code) ? code : undefined;
}

/**
 * True when `error` carries `code`; works on errors from another process too.
 * @example if (hasErrorCode(thrown, ErrorCodes.invalidInput)) return EXIT_USAGE;
 */
export function hasErrorCode(error: unknown, code: ErrorCode): boolean {
  return errorCodeOf(error) === code;
}

/**
 * Turns anything thrown into an AppError, keeping our code and message unchanged. Anything else
 * keeps its `name` (`TypeError: …`) so nothing is lost.
 */
export function toAppError(thrown: unknown, fallback: ErrorCode = ErrorCodes.internal): AppError {
  if (!(thrown instanceof Error)) return { code: fallback, message: String(thrown) };
  const code = errorCodeOf(thrown);
  if (code) return { code, message: thrown.message };
  const prefix = thrown.name && thrown.name !== 'Error' ? `${thrown.name}: ` : '';
  return { code: fallback, message: `${prefix}${thrown.message}` };
}
