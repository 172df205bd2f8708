/** Sizes as every door shows them, in decimal units: `1.5 KB`, `380 MB`, `1 GB`. */
const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** @example formatBytes(1536) // → '1.5 KB'; formatBytes(1e9) // → '1 GB' */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits).replace(/\.0$/, '')} ${BYTE_UNITS[unit]}`;
}
