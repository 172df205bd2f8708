/** Narrows away null/undefined with a message that says which invariant broke (instead of `!`). */
export function assertDefined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`Internal error: ${what} is missing`);
  return value;
}

/**
 * Checks once, before a hot loop, that `array` holds at least `length` elements: the loop can then
 * read `array[i] ?? 0` for every `i < length` knowing the fallback is never taken, instead of paying
 * a check per element.
 */
export function assertMinLength(array: { readonly length: number }, length: number, what: string): void {
  if (array.length < length) throw new Error(`Internal error: ${what} has ${array.length} elements, expected at least ${length}`);
}
