/**
 * Escaping and number formatting for the server-rendered dashboard. Every piece of data reaches the
 * HTML through `esc` (text and double-quoted attributes alike), so an owner named
 * `<script>` is only text; numbers follow one house style: $1,234,567, 85.1%, 0.73x, nulls as "–"
 * (core/numbers.ts, shared with the CLI).
 */
import { numberFormats } from '../core/index.js';

export const NULL_TEXT = '–';

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** HTML-escapes text for element content and for double-quoted attribute values. */
export function esc(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : JSON.stringify(value);
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

const finite = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** $1,234,567, -$12,345, +$12,345, 85.1%, +12.5%, 0.73x, 12,345: the CLI's formatters, with "–" for a missing value. */
export const { money, signedMoney, pct, signedPct, ratio, count } = numberFormats(NULL_TEXT);

/** $75.4M, $920K, $640: an axis label or a chart's end label. */
export function compactMoney(value: number | null | undefined): string {
  if (!finite(value)) return NULL_TEXT;
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  const scaled = (n: number, unit: string): string => {
    const text = n >= 100 ? n.toFixed(0) : n.toFixed(1).replace(/\.0$/, '');
    return `${sign}$${text}${unit}`;
  };
  if (abs >= 1e9) return scaled(abs / 1e9, 'B');
  if (abs >= 1e6) return scaled(abs / 1e6, 'M');
  if (abs >= 1e3) return scaled(abs / 1e3, 'K');
  return `${sign}$${Math.round(abs)}`;
}

/** 840 ms, 12.3 s, 4.2 min. */
export function duration(ms: number | null | undefined): string {
  if (!finite(ms)) return NULL_TEXT;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/**
 * Epoch ms of a warehouse timestamp (`YYYY-MM-DD HH:MM:SS[.fff]`, UTC as the pipeline writes it, or
 * ISO with an offset); undefined when it is not one.
 */
export function timestampMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value.trim());
  if (!m) return undefined;
  const zone = m[3] === undefined ? 'Z' : m[3].length === 3 ? `${m[3]}:00` : m[3];
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `2026-11-24 08:15 UTC` for a warehouse timestamp; the raw text when it does not parse. */
export function timestamp(value: string | null | undefined): string {
  const ms = timestampMs(value);
  if (ms === undefined) return value ? value : NULL_TEXT;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `3 h ago`, relative to `now` (the injected clock). */
export function ago(value: string | null | undefined, now: number): string {
  const ms = timestampMs(value);
  if (ms === undefined) return '';
  const minutes = Math.round((now - ms) / 60_000);
  if (minutes < 0) return '';
  if (minutes < 1) return 'just now';
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}
