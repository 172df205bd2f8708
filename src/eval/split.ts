/**
 * Deterministic split of source photos into a tuning half and a report half. Splitting by source
 * (never by file) keeps every edit of a photo on the same side, so thresholds chosen on the tuning
 * half are never judged on copies of the photos they were tuned on.
 */
import { createHash } from 'node:crypto';

export type Half = 'tune' | 'report';

/**
 * Orders items by a hash of their id (stable across machines, independent of discovery order) and
 * deals them alternately, so the halves differ in size by at most one.
 *
 * @example
 * splitHalves([{ id: 'a' }, { id: 'b' }], (s) => s.id) // { tune: [...1 item], report: [...1 item] }
 */
export function splitHalves<T>(items: readonly T[], idOf: (item: T) => string, salt = 'doppel-eval-v1'): Record<Half, T[]> {
  const keyed = items.map((item) => ({
    item,
    key: createHash('sha256')
      .update(`${salt}:${idOf(item)}`)
      .digest('hex'),
  }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    tune: keyed.filter((_, index) => index % 2 === 0).map(({ item }) => item),
    report: keyed.filter((_, index) => index % 2 === 1).map(({ item }) => item),
  };
}
