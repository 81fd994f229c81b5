/**
 * Transactions for engines whose DDL is not transactional. Snowflake commits the open transaction at
 * any DDL; BigQuery refuses DDL inside one. The loader stages (DDL on temporary tables) before it
 * writes, so BEGIN is deferred to the first write: every snapshot's writes (SCD2 versions, daily
 * rows, changes, the ledger row) still commit or roll back as one. Should DDL come after writes
 * anyway (a rebuild replays many snapshots in one `transaction`), the writes so far are committed
 * first, which is what Snowflake itself would do, and a new transaction opens at the next write.
 */

export type StatementKind = 'ddl' | 'write' | 'read';

const DDL = /^(CREATE|DROP|ALTER|UNDROP|GRANT|REVOKE|COMMENT)\b/i;
const WRITE = /^(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY)\b/i;

/** What a statement does, from its first keyword (after comments and opening parentheses). */
export function statementKind(sql: string): StatementKind {
  const head = sql.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/|\()+/, '');
  if (DDL.test(head)) return 'ddl';
  if (WRITE.test(head)) return 'write';
  return 'read';
}

/** The statements that delimit a transaction on the engine. */
export interface TransactionControl {
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export class DeferredTransaction {
  private active = false;
  private open = false;
  /** Times DDL ended an open transaction early (the work was committed in more than one piece). */
  splits = 0;

  constructor(private readonly control: TransactionControl) {}

  get inTransaction(): boolean {
    return this.active;
  }

  /** Call before running `sql`: opens or closes the engine transaction as the statement needs. */
  async before(sql: string): Promise<void> {
    if (!this.active) return;
    const kind = statementKind(sql);
    if (kind === 'ddl' && this.open) {
      await this.control.commit();
      this.open = false;
      this.splits++;
    } else if (kind === 'write' && !this.open) {
      await this.control.begin();
      this.open = true;
    }
  }

  /** Runs `work` as one transaction: committed when it resolves, rolled back when it throws. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active) return work();
    this.active = true;
    try {
      const result = await work();
      if (this.open) await this.control.commit();
      return result;
    } catch (error) {
      if (this.open) await this.control.rollback().catch(() => undefined);
      throw error;
    } finally {
      this.active = false;
      this.open = false;
    }
  }
}
