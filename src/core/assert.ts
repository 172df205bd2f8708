/** Narrows away null/undefined with a message that says which invariant broke (instead of `!`). */
export function assertDefined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`Internal error: ${what} is missing`);
  return value;
}
