/**
 * SQL throughout clari-dp binds parameters as `$1..$n` (DuckDB's and PostgreSQL's form), so one
 * statement text serves every engine. Drivers that bind differently (Snowflake `:1`, BigQuery
 * `@p1`) get their form from here. The scan skips string literals, quoted identifiers and comments,
 * so a `$1` inside a literal is never touched.
 */
import type { Dialect } from './dialect.js';

/** Rewrites each `$n` outside literals, identifiers and comments with `replace(n)`. */
export function rewritePlaceholders(sql: string, replace: (n: number) => string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const skipTo = skipEnd(sql, i);
    if (skipTo > i) {
      out += sql.slice(i, skipTo);
      i = skipTo;
      continue;
    }
    if (ch === '$' && /[0-9]/.test(sql[i + 1] ?? '') && !/[\w$]/.test(sql[i - 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j]!)) j++;
      out += replace(Number(sql.slice(i + 1, j)));
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** The statement as the dialect's driver binds it. */
export function bindPlaceholders(sql: string, dialect: Pick<Dialect, 'param'>): string {
  return rewritePlaceholders(sql, (n) => dialect.param(n));
}

/** Where a literal, quoted identifier or comment starting at `i` ends (`i` itself when none starts). */
function skipEnd(sql: string, i: number): number {
  const ch = sql[i];
  const next = sql[i + 1];
  if (ch === "'" || ch === '"' || ch === '`') {
    let j = i + 1;
    while (j < sql.length) {
      // Snowflake and BigQuery, the engines this runs for, escape with a backslash inside literals.
      if (sql[j] === '\\' && ch !== '"') j += 2;
      else if (sql[j] === ch) {
        if (sql[j + 1] === ch)
          j += 2; // doubled quote inside the literal
        else return j + 1;
      } else j++;
    }
    return sql.length;
  }
  if (ch === '-' && next === '-') {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end;
  }
  if (ch === '/' && next === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end === -1 ? sql.length : end + 2;
  }
  return i;
}
