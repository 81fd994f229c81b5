/**
 * The transaction of an engine with one connection and transactional DDL (DuckDB, PostgreSQL): a
 * nested `transaction` joins the open one; work that throws rolls back (a failed ROLLBACK, on a
 * connection that is gone, changes nothing more); `after` runs once the transaction ended either
 * way. Snowflake and BigQuery, whose DDL is not transactional, use deferred-transaction.ts.
 */
export interface TransactionStatements {
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<unknown>;
}

export class ConnectionTransaction {
  private open = false;

  constructor(private readonly statements: TransactionStatements) {}

  /** Whether a transaction is open on the connection. */
  get active(): boolean {
    return this.open;
  }

  async run<T>(work: () => Promise<T>, after?: () => Promise<void>): Promise<T> {
    if (this.open) return work();
    await this.statements.begin();
    this.open = true;
    try {
      const result = await work();
      await this.statements.commit();
      return result;
    } catch (error) {
      await this.statements.rollback().catch(() => undefined);
      throw error;
    } finally {
      this.open = false;
      await after?.();
    }
  }
}
