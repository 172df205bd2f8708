/**
 * Assertion helpers that replace `!` in tests: instead of a non-null assertion that turns a missing
 * value into a confusing `Cannot read properties of undefined` three lines later, the test fails at
 * the lookup with a message naming what was expected.
 */

/**
 * Returns `value`, or throws `${what} is missing` when it is `undefined` or `null`.
 *
 * @example
 * const group = defined(groups[0], 'first duplicate group');
 */
export function defined<T>(value: T, what: string): NonNullable<T> {
  if (value === undefined || value === null) throw new Error(`${what} is missing`);
  return value;
}

/**
 * Returns the element at `index`, or throws naming the array, the index and its actual length.
 *
 * @example
 * const first = elementAt(results, 0, 'search results');
 */
export function elementAt<T>(items: ArrayLike<T>, index: number, what: string): NonNullable<T> {
  const item = items[index];
  if (item === undefined || item === null) throw new Error(`${what}[${index}] is missing (length ${items.length})`);
  return item;
}
