/**
 * Numbers as people read them in command output and on the dashboard, one house style:
 * $1,234,567 (whole dollars), -$12,345 and +$12,345 for a change, 85.1%, +12.5%, 2.71x for a
 * coverage ratio, 12,345. One implementation for both; what differs is the text of a missing value
 * (commands print an empty cell, so CSV stays easy to load; the dashboard shows "–"), given once per
 * surface. Warehouse decimals arrive as strings and are read as numbers.
 */

export type NumberInput = number | string | null | undefined;

export interface NumberFormats {
  /** $1,234,567; -$12,345 (whole dollars, halves away from zero: ±$2.50 is ±$3). */
  readonly money: (v: NumberInput) => string;
  /** +$12,345 / -$12,345 / $0: a change. */
  readonly signedMoney: (v: NumberInput) => string;
  /** 85.1% (one decimal). */
  readonly pct: (v: NumberInput) => string;
  /** +12.5% / -3.0%: a relative change. */
  readonly signedPct: (v: NumberInput) => string;
  /** A coverage ratio: 2.71x, always two decimals. */
  readonly ratio: (v: NumberInput) => string;
  /** 12,345 */
  readonly count: (v: NumberInput) => string;
}

/** A finite number, or undefined. */
function finite(v: NumberInput): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Whole dollars, halves away from zero, so a rise and a drop of the same size print the same digits. */
const dollars = (n: number): number => Math.sign(n) * Math.round(Math.abs(n));

/** The formatters, with `empty` for a missing (null, undefined, empty or non-finite) value. */
export function numberFormats(empty: string): NumberFormats {
  const money = (v: NumberInput): string => {
    const n = finite(v);
    if (n === undefined) return empty;
    const d = dollars(n);
    return `${d < 0 ? '-' : ''}$${WHOLE.format(Math.abs(d))}`;
  };
  const pct = (v: NumberInput): string => {
    const n = finite(v);
    return n === undefined ? empty : `${n.toFixed(1)}%`;
  };
  return {
    money,
    signedMoney: (v) => {
      const n = finite(v);
      if (n === undefined) return empty;
      return dollars(n) > 0 ? `+${money(n)}` : money(n);
    },
    pct,
    signedPct: (v) => {
      const n = finite(v);
      if (n === undefined) return empty;
      return n > 0 ? `+${pct(n)}` : pct(n);
    },
    ratio: (v) => {
      const n = finite(v);
      return n === undefined ? empty : `${n.toFixed(2)}x`;
    },
    count: (v) => {
      const n = finite(v);
      return n === undefined ? empty : WHOLE.format(n);
    },
  };
}
