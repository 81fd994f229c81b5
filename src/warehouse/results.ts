/**
 * Result values in the port's JSON-safe shapes (types.ts), for drivers that return something else:
 * exact decimals and 64-bit integers as strings, dates as `YYYY-MM-DD`, timestamps as
 * `YYYY-MM-DD HH:MM:SS[.fff]` in UTC without trailing zeros (what DuckDB and PostgreSQL print).
 */

/** `2026-04-10T14:00:04.500Z` or `2026-04-10 14:00:04.500000` -> `2026-04-10 14:00:04.5`. */
export function normaliseTimestamp(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:Z|[+-]00:?00| UTC)?$/.exec(text.trim());
  if (!m) return text;
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${fraction ? `.${fraction}` : ''}`;
}
