/**
 * The core's error classes. Each carries a code from the one list in src/shared/errors.ts, which
 * every door passes on unchanged; check errors with `hasErrorCode`, never with `instanceof` (class
 * identity does not survive a process boundary: Electron IPC, the engine utility process).
 */
import { statfsSync } from 'node:fs';
import { ErrorCodes, type ErrorCode } from '../shared/errors';
import { limitViolation, limits, type LimitName } from '../shared/limits';

export { ErrorCodes, hasErrorCode, type ErrorCode } from '../shared/errors';

/** Base of every error the core throws on purpose: a stable `code` and a message that says what was attempted. */
export class DoppelError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export class LibraryUnavailableError extends DoppelError {
  override readonly name = 'LibraryUnavailableError' as const;
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCodes.libraryUnavailable, message, options);
  }
}

export class InvalidArgumentError extends DoppelError {
  override readonly name = 'InvalidArgumentError' as const;
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCodes.invalidInput, message, options);
  }
}

/**
 * A file could not be turned into pixels. `reason` is the human-readable part without the path;
 * the code is `unsupported_format` when the format (not the file) is the problem.
 */
export class DecodeError extends DoppelError {
  override readonly name = 'DecodeError' as const;
  readonly reason: string;
  constructor(path: string, reason: string, options?: ErrorOptions & { unsupported?: boolean }) {
    super(options?.unsupported ? ErrorCodes.unsupportedFormat : ErrorCodes.decodeFailed, `Cannot decode ${path}: ${reason}`, options);
    this.reason = reason;
  }
}

/** The reason a photo failed to decode, without its path, for the per-file error list. */
export function decodeFailureReason(error: unknown): string {
  const reason = typeof error === 'object' && error !== null ? (error as { reason?: unknown }).reason : undefined;
  return typeof reason === 'string' ? reason : errorMessage(error);
}

/**
 * Throws InvalidArgumentError when `value` breaks the shared limit `name` (src/shared/limits.ts),
 * so a call straight into the core is held to what the contract, the CLI and the UI allow.
 */
export function assertWithinLimit(name: LimitName, value: number | undefined): void {
  if (value === undefined) return;
  const violation = limitViolation(name, value);
  if (violation) throw new InvalidArgumentError(`Invalid ${limits[name].label}: ${violation}`);
}

/** Message of any thrown value, for logs and error reports. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Node's errno code (`ENOENT`, `EACCES`, ...) of a thrown value, if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Writing to the library folder failed (thumbnails, previews, the vector index, the database): a
 * problem of the library, never of the photo being read, so the run stops and says so. A full disk
 * says how much room is left.
 */
export class LibraryWriteError extends DoppelError {
  override readonly name = 'LibraryWriteError' as const;
  constructor(libraryDir: string, what: string, cause: unknown) {
    super(ErrorCodes.libraryUnavailable, libraryWriteMessage(libraryDir, what, cause), { cause });
  }
}

/** True for the errors a full disk gives: Node's ENOSPC/EDQUOT, SQLite's SQLITE_FULL. */
export function isDiskFull(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

function libraryWriteMessage(libraryDir: string, what: string, cause: unknown): string {
  if (isDiskFull(cause)) {
    const free = freeMegabytes(libraryDir);
    return `Cannot write ${what}: the disk holding the library (${libraryDir}) is full${free === null ? '' : ` (${free} MB free)`}. Free some space and run again; the library keeps everything saved so far`;
  }
  return `Cannot write ${what} in the library at ${libraryDir}: ${errorMessage(cause)}`;
}

function freeMegabytes(folder: string): number | null {
  try {
    const stats = statfsSync(folder);
    return Math.floor((stats.bavail * stats.bsize) / 1e6);
  } catch {
    return null;
  }
}
