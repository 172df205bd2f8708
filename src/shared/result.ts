/**
 * The Result envelope every door returns. Electron drops error classes across `invoke` (only the
 * message survives), so failures travel as plain data with a stable `code` (src/shared/errors.ts)
 * instead of as throws.
 */

import type { AppError, ErrorCode } from './errors.js';

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}
