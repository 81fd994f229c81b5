/** Tabular command output in three forms: a table for people, CSV for spreadsheets, JSON for machines. */
import { table } from './output.js';

export type Column<R> = readonly [header: string, value: (row: R) => string];

export function render<R extends object>(
  rows: readonly R[],
  columns: readonly Column<R>[],
  format: 'table' | 'csv' | 'json',
): string {
  if (format === 'json') return `${JSON.stringify(rows)}\n`;
  if (format === 'csv') {
    const cell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    return `${[columns.map(([h]) => cell(h)).join(','), ...rows.map((r) => columns.map(([, f]) => cell(f(r))).join(','))].join('\n')}\n`;
  }
  if (rows.length === 0) return 'no rows\n';
  return table(
    columns.map(([h]) => h),
    rows.map((r) => columns.map(([, f]) => f(r))),
  );
}
