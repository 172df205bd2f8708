/**
 * The Result envelope every door returns. Electron drops error classes across `invoke` (only the
 * message survives), so failures travel as plain data with a stable `code` instead of as throws.
 */

/** Stable error codes. Renderer code branches on these, never on message text. */
export const ErrorCodes = {
  /** The input failed the channel's schema. */
  invalidInput: 'invalid_input',
  /** No such channel in the contract. */
  unknownChannel: 'unknown_channel',
  /** An index job is already running; the library has a single writer. */
  jobRunning: 'job_running',
  /** The engine process died while the call was pending (it is restarted). */
  engineCrashed: 'engine_crashed',
  /** The engine could not open the library, or is not running. */
  engineUnavailable: 'engine_unavailable',
  /** The bridge could not reach the engine or read the request. */
  transport: 'transport',
  /** The library folder cannot be opened or written. */
  libraryUnavailable: 'library_unavailable',
  /** Similarity needs the embedding model, which is not installed. */
  modelUnavailable: 'model_unavailable',
  /** The file is not an image Doppel can read, or its bytes do not decode. */
  notAnImage: 'not_an_image',
  decodeFailed: 'decode_failed',
  cancelled: 'cancelled',
  /** The core threw something unexpected; `message` says what was attempted. */
  internal: 'internal',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** The core's error codes (`DoppelError.code`, see src/core/errors.ts) as contract codes. */
const CORE_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  LIBRARY_UNAVAILABLE: ErrorCodes.libraryUnavailable,
  INVALID_ARGUMENT: ErrorCodes.invalidInput,
  NOT_AN_IMAGE: ErrorCodes.notAnImage,
  DECODE_FAILED: ErrorCodes.decodeFailed,
  MODEL_UNAVAILABLE: ErrorCodes.modelUnavailable,
  CANCELLED: ErrorCodes.cancelled,
};

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCodes));

function asErrorCode(code: string): ErrorCode | undefined {
  return KNOWN_CODES.has(code) ? (code as ErrorCode) : undefined;
}

/**
 * Turns anything thrown into an AppError. Core errors are recognised by their `code` property, not
 * by class (classes do not survive a process boundary); their messages already say what was
 * attempted. Anything else keeps its `name` (`TypeError: …`) so nothing is lost.
 */
export function toAppError(thrown: unknown, fallback: ErrorCode = ErrorCodes.internal): AppError {
  if (!(thrown instanceof Error)) return { code: fallback, message: String(thrown) };
  const coreCode = (thrown as { code?: unknown }).code;
  const known = typeof coreCode === 'string' ? (CORE_ERROR_CODES[coreCode] ?? asErrorCode(coreCode)) : undefined;
  if (known) return { code: known, message: thrown.message };
  const prefix = thrown.name && thrown.name !== 'Error' ? `${thrown.name}: ` : '';
  return { code: fallback, message: `${prefix}${thrown.message}` };
}
