/**
 * The Warehouse port on one PostgreSQL connection. Parameters bind as `$n` natively; BIGINTs go as
 * text so pg never rounds them.
 */
import type pg from 'pg';
import { ConnectionTransaction } from '../transaction.js';
import type { Row, SqlValue, StageSpec, Stager, Warehouse } from '../types.js';
import { postgresDialect } from './dialect.js';
import { classify } from './errors.js';
import { openPostgresStage } from './stage.js';

export class PostgresWarehouse implements Warehouse {
  readonly dialect = postgresDialect;
  private readonly tx = new ConnectionTransaction({
    begin: () => this.exec('BEGIN'),
    commit: () => this.exec('COMMIT'),
    rollback: () => this.client.query('ROLLBACK'),
  });

  constructor(
    private readonly client: pg.Client,
    readonly description: string,
  ) {}

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.query(sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    try {
      const result = await this.client.query(
        sql,
        params.map((p) => (typeof p === 'bigint' ? p.toString() : p)),
      );
      return result.rows as T[];
    } catch (error) {
      throw classify(error, this.description, sql);
    }
  }

  transaction<T>(work: (tx: Warehouse) => Promise<T>): Promise<T> {
    return this.tx.run(() => work(this));
  }

  openStage(spec: StageSpec): Promise<Stager> {
    return openPostgresStage(
      {
        client: this.client,
        exec: (sql) => this.exec(sql),
        createStage: (name, columns) => this.dialect.createStage(name, columns),
        classify: (error) => classify(error, this.description),
      },
      spec,
    );
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
