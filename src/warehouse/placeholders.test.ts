import { describe, expect, it } from 'vitest';
import { bindPlaceholders, rewritePlaceholders } from './placeholders.js';
import { bigqueryDialect } from './bigquery/dialect.js';
import { snowflakeDialect } from './snowflake/dialect.js';

describe('placeholders', () => {
  it('rewrites $n for each driver, reusing a number as often as it appears', () => {
    const sql = 'SELECT $1, $2 FROM t WHERE a = $1 AND b = $10';
    expect(bindPlaceholders(sql, snowflakeDialect)).toBe('SELECT :1, :2 FROM t WHERE a = :1 AND b = :10');
    expect(bindPlaceholders(sql, bigqueryDialect({ project: 'p', dataset: 'd' }))).toBe(
      'SELECT @p1, @p2 FROM t WHERE a = @p1 AND b = @p10',
    );
  });

  it('leaves literals, quoted names, comments and $ inside words alone', () => {
    const sql = `SELECT '$1', 'it''s $2', "col$3", \`$4\` FROM t -- $5\nWHERE x$6 = $7 /* $8 */ AND y = 'a\\'$9'`;
    expect(rewritePlaceholders(sql, (n) => `?${n}`)).toBe(
      `SELECT '$1', 'it''s $2', "col$3", \`$4\` FROM t -- $5\nWHERE x$6 = ?7 /* $8 */ AND y = 'a\\'$9'`,
    );
  });
});
