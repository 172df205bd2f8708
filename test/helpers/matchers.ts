import { expect } from 'vitest';

/**
 * `expect.stringContaining(text)`, typed as the string it stands for. Vitest types its asymmetric
 * matchers as `any`, so placing one in an expected object trips `no-unsafe-assignment`; this keeps
 * the same matcher with a type that says what it matches.
 *
 * @example
 * expect(body).toEqual({ ok: false, error: { code: 'invalid_input', message: stringContaining('limit') } });
 */
export function stringContaining(text: string): string {
  return expect.stringContaining(text) as string;
}
