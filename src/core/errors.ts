/**
 * One error class per kind. Check errors by `name` (or `code`), never by `instanceof`: class identity
 * does not survive a process boundary (Electron IPC, the engine utility process).
 */

export type DoppelErrorCode =
  | 'LIBRARY_UNAVAILABLE'
  | 'INVALID_ARGUMENT'
  | 'NOT_AN_IMAGE'
  | 'DECODE_FAILED'
  | 'MODEL_UNAVAILABLE'
  | 'CANCELLED';

export class DoppelError extends Error {
  readonly code: DoppelErrorCode;
  constructor(code: DoppelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export class LibraryUnavailableError extends DoppelError {
  override readonly name = 'LibraryUnavailableError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('LIBRARY_UNAVAILABLE', message, options);
  }
}

export class InvalidArgumentError extends DoppelError {
  override readonly name = 'InvalidArgumentError' as const;
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** A file could not be turned into pixels. `reason` is the human-readable part without the path. */
export class DecodeError extends DoppelError {
  override readonly name = 'DecodeError' as const;
  readonly reason: string;
  readonly unsupported: boolean;
  constructor(path: string, reason: string, options?: { cause?: unknown; unsupported?: boolean }) {
    super('DECODE_FAILED', `Cannot decode ${path}: ${reason}`, options);
    this.reason = reason;
    this.unsupported = options?.unsupported ?? false;
  }
}

export class CancelledError extends DoppelError {
  override readonly name = 'CancelledError' as const;
  constructor(what: string) {
    super('CANCELLED', `${what} was cancelled`);
  }
}

/** Message of any thrown value, for logs and error reports. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Node's errno code (`ENOENT`, `EACCES`, ...) of a thrown value, if it has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
