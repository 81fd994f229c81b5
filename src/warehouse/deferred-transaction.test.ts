import { describe, expect, it } from 'vitest';
import { DeferredTransaction, statementKind } from './deferred-transaction.js';

function recorder(): { log: string[]; tx: DeferredTransaction; run: (sql: string) => Promise<void> } {
  const log: string[] = [];
  const tx = new DeferredTransaction({
    begin: () => Promise.resolve(void log.push('BEGIN')),
    commit: () => Promise.resolve(void log.push('COMMIT')),
    rollback: () => Promise.resolve(void log.push('ROLLBACK')),
  });
  return {
    log,
    tx,
    run: async (sql) => {
      await tx.before(sql);
      log.push(sql);
    },
  };
}

describe('deferred transactions', () => {
  it('classifies statements by their first keyword', () => {
    expect(statementKind('  -- staging\n CREATE TEMP TABLE s (a INT)')).toBe('ddl');
    expect(statementKind('/* x */ DROP TABLE IF EXISTS s')).toBe('ddl');
    expect(statementKind('ALTER TABLE a RENAME TO b')).toBe('ddl');
    expect(statementKind('insert into t values (1)')).toBe('write');
    expect(statementKind('COPY INTO s FROM @st')).toBe('write');
    expect(statementKind('(SELECT 1)')).toBe('read');
    expect(statementKind('WITH a AS (SELECT 1) SELECT * FROM a')).toBe('read');
  });

  it('opens the engine transaction at the first write, after the staging DDL, and commits once', async () => {
    const { log, tx, run } = recorder();
    await tx.run(async () => {
      await run('SELECT max(x) FROM t');
      await run('CREATE TEMP TABLE s (a INT)');
      await run('UPDATE t SET a = 1');
      await run('INSERT INTO t SELECT * FROM s');
      await run('SELECT count(*) FROM t');
    });
    expect(log).toEqual([
      'SELECT max(x) FROM t',
      'CREATE TEMP TABLE s (a INT)',
      'BEGIN',
      'UPDATE t SET a = 1',
      'INSERT INTO t SELECT * FROM s',
      'SELECT count(*) FROM t',
      'COMMIT',
    ]);
    expect(tx.splits).toBe(0);
  });

  it('rolls back what was written when the work throws; a transaction without writes sends nothing', async () => {
    const { log, tx, run } = recorder();
    await expect(
      tx.run(async () => {
        await run('DELETE FROM t WHERE a = 1');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await tx.run(() => run('SELECT 1'));
    expect(log).toEqual(['BEGIN', 'DELETE FROM t WHERE a = 1', 'ROLLBACK', 'SELECT 1']);
  });

  it('commits the writes so far when DDL follows them (what Snowflake itself does), and counts it', async () => {
    const { log, tx, run } = recorder();
    await tx.run(async () => {
      await run('DELETE FROM t WHERE TRUE');
      await run('DROP TABLE IF EXISTS s');
      await run('INSERT INTO t VALUES (1)');
    });
    expect(log).toEqual([
      'BEGIN',
      'DELETE FROM t WHERE TRUE',
      'COMMIT',
      'DROP TABLE IF EXISTS s',
      'BEGIN',
      'INSERT INTO t VALUES (1)',
      'COMMIT',
    ]);
    expect(tx.splits).toBe(1);
  });

  it('outside a transaction every statement autocommits; nested transactions join the outer one', async () => {
    const { log, tx, run } = recorder();
    await run('INSERT INTO t VALUES (1)');
    await tx.run(() => tx.run(() => run('INSERT INTO t VALUES (2)')));
    expect(log).toEqual(['INSERT INTO t VALUES (1)', 'BEGIN', 'INSERT INTO t VALUES (2)', 'COMMIT']);
  });
});
