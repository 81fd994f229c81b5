/**
 * Least-privilege probes for `doctor`: each does, harmlessly, one kind of thing the pipeline needs
 * (create a table, create a view, stage a bulk load, write the clari_ tables) with throw-away
 * `clari_dp_probe` objects that are dropped again. A refusal the adapter classified as
 * `warehouse.privilege` comes back with the grant that fixes it, from the dialect; any other error
 * is reported as it is. Probing beats reading grant catalogs: roles, inheritance and IAM conditions
 * differ on every engine, but "may I do this" has one answer.
 */
import type { Dialect, Privilege } from './dialect.js';
import { WarehouseError } from './errors.js';
import type { Warehouse } from './types.js';

export interface PrivilegeCheck {
  readonly privilege: Privilege;
  /** What was tried, e.g. "create tables". */
  readonly what: string;
  readonly ok: boolean;
  /** The engine's refusal, when not ok. */
  readonly error?: string | undefined;
  /** How to grant it (dialect.grants), or the error's own hint. */
  readonly fix?: string | undefined;
  /** The refusal was a missing privilege (as opposed to another failure). */
  readonly missingPrivilege?: boolean | undefined;
}

const PROBE_TABLE = 'clari_dp_probe';
const PROBE_VIEW = 'clari_dp_probe_view';
const PROBE_STAGE = 'clari_dp_probe_stage';

interface Probe {
  readonly privilege: Privilege;
  readonly what: string;
  run(wh: Warehouse): Promise<void>;
}

async function execAll(wh: Warehouse, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await wh.exec(sql);
}

/** Rolls the stage probe's transaction back: nothing it did stays. */
class ProbeDone extends Error {}

function probes(dialect: Dialect, migrated: boolean): Probe[] {
  const list: Probe[] = [
    {
      privilege: 'create_table',
      what: 'create tables',
      run: (wh) =>
        execAll(wh, [
          `CREATE TABLE IF NOT EXISTS ${dialect.table(PROBE_TABLE)} (id ${dialect.types.int})`,
          `DROP TABLE IF EXISTS ${dialect.table(PROBE_TABLE)}`,
        ]),
    },
    {
      privilege: 'create_view',
      what: 'create views',
      run: (wh) =>
        execAll(wh, [
          ...dialect.replaceView(PROBE_VIEW, 'SELECT 1 AS one'),
          `DROP VIEW IF EXISTS ${dialect.table(PROBE_VIEW)}`,
        ]),
    },
    {
      privilege: 'stage',
      what: 'stage bulk loads',
      run: async (wh) => {
        await wh
          .transaction(async (tx) => {
            const stager = await tx.openStage({ name: PROBE_STAGE, columns: [{ name: 'id', type: 'bigint' }] });
            await stager.append([[1]]);
            await stager.close();
            throw new ProbeDone();
          })
          .catch((error: unknown) => {
            if (!(error instanceof ProbeDone)) throw error;
          });
        // Temporary tables outlive the transaction on engines with session temp tables.
        await wh.exec(`DROP TABLE IF EXISTS ${PROBE_STAGE}`);
      },
    },
  ];
  if (migrated) {
    list.push({
      privilege: 'write',
      what: 'read and write the clari_ tables',
      // Each statement matches no row: the engine checks the privilege, nothing changes.
      run: (wh) =>
        execAll(wh, [
          'INSERT INTO clari_snapshots SELECT * FROM clari_snapshots WHERE 1 = 0',
          'UPDATE clari_snapshots SET run_id = run_id WHERE 1 = 0',
          'DELETE FROM clari_snapshots WHERE 1 = 0',
        ]),
    });
  }
  return list;
}

/** Runs every probe; `migrated` says the clari_ tables exist, so writing them can be probed too. */
export async function checkPrivileges(
  wh: Warehouse,
  options: { readonly migrated: boolean },
): Promise<PrivilegeCheck[]> {
  const results: PrivilegeCheck[] = [];
  for (const probe of probes(wh.dialect, options.migrated)) {
    try {
      await probe.run(wh);
      results.push({ privilege: probe.privilege, what: probe.what, ok: true });
    } catch (error) {
      const missing = error instanceof WarehouseError && error.code === 'warehouse.privilege';
      results.push({
        privilege: probe.privilege,
        what: probe.what,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
        fix: missing ? wh.dialect.grants[probe.privilege] : error instanceof WarehouseError ? error.hint : undefined,
        missingPrivilege: missing,
      });
    }
  }
  return results;
}
