/**
 * Numbers in command output, one house style for every report, `changes` and the demo (the same as
 * the dashboard's): $1,234,567 (whole dollars), -$12,345, +$12,345 for a change, 85.1%, +12.5%,
 * 2.71x for a coverage ratio. A missing value is an empty cell, so CSV stays easy to load.
 */

type Num = number | string | null | undefined;

/** A finite number, or undefined (warehouse decimals arrive as strings). */
function value(v: Num): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const DOLLARS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** $1,234,567; -$12,345. */
export function money(v: Num): string {
  const n = value(v);
  if (n === undefined) return '';
  const rounded = Math.round(n);
  return `${rounded < 0 ? '-' : ''}$${DOLLARS.format(Math.abs(rounded))}`;
}

/** +$12,345 / -$12,345: a change. */
export function signedMoney(v: Num): string {
  const n = value(v);
  if (n === undefined) return '';
  return Math.round(n) > 0 ? `+${money(n)}` : money(n);
}

/** 85.1% (one decimal). */
export function pct(v: Num): string {
  const n = value(v);
  return n === undefined ? '' : `${n.toFixed(1)}%`;
}

/** +12.5% / -3.0%: a relative change. */
export function signedPct(v: Num): string {
  const n = value(v);
  if (n === undefined) return '';
  return n > 0 ? `+${pct(n)}` : pct(n);
}

/** A coverage ratio: 2.71x, always two decimals. */
export function ratio(v: Num): string {
  const n = value(v);
  return n === undefined ? '' : `${n.toFixed(2)}x`;
}

/** 12,345 */
export function count(v: Num): string {
  const n = value(v);
  return n === undefined ? '' : DOLLARS.format(n);
}
