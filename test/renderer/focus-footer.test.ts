/**
 * Focus mode's footer names the keys from the review's one key map (review-key-map.ts): a key the
 * map does not act on in focus mode, or a single-key shortcut while they are off, is not named.
 */
import { describe, expect, it } from 'vitest';
import { REVIEW_KEYS, focusFooterKeys } from '../../src/renderer/src/components/review/review-key-map.js';

const text = (keys: readonly { key: string; label: string }[]): string => keys.map(({ key, label }) => `${key} ${label}`).join(' · ');

describe('focusFooterKeys', () => {
  it('should name the focus keys, with the shots wording for N', () => {
    expect(text(focusFooterKeys(true, false))).toBe(
      'K keep this one · T keep/trash · Enter trash the others · N not duplicates · → next · Z zoom · Esc leave',
    );
    expect(text(focusFooterKeys(true, true))).toContain('N keep all');
  });

  it('should leave out every single-key shortcut while they are off, and only those', () => {
    const off = focusFooterKeys(false, false);
    expect(text(off)).toBe('Enter trash the others · → next · Esc leave');
    for (const { key } of off) expect(REVIEW_KEYS.find((entry) => entry.keys.includes(key))?.character).toBe(false);
  });
});
