/**
 * A full path on any platform: `/…`, `C:\…` or `C:/…`, `\\server\…`. The one rule every path
 * input follows, in the contract and in the UI's inline checks (this file has no dependencies, so
 * the renderer bundle does not pull in the contract's zod schemas for it).
 */
export function isAbsolutePath(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path);
}
