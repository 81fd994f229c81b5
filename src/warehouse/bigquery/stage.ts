/**
 * BigQuery's bulk path: rows stream into a gzipped NDJSON file, one load job puts it into a scratch
 * table of the dataset (named after the session, so concurrent processes never share one; it
 * expires in a day should the process die), and one INSERT ... SELECT copies it into the session
 * temp table.
 */
import { fileStager } from '../ndjson-file.js';
import type { StageSpec, StageType, Stager } from '../types.js';

const STAGE_TYPES: Record<StageType, string> = { text: 'STRING', double: 'FLOAT64', bigint: 'INT64', boolean: 'BOOL' };

/** What the stage needs from the warehouse it belongs to. */
export interface BigqueryStagePort {
  /** Through the transaction logic (DDL on the session temp table). */
  exec(sql: string): Promise<void>;
  /** Outside the session (the scratch table lives in the dataset). */
  run(sql: string): Promise<void>;
  /** In the session, bypassing the transaction logic. */
  runInSession(sql: string): Promise<void>;
  load(path: string, table: string, fields: readonly { name: string; type: string }[]): Promise<void>;
  createStage(name: string, columns: string): string;
  /** A dataset table's full name. */
  table(name: string): string;
  /** This session's scratch-table prefix. */
  readonly token: string;
}

export async function openBigqueryStage(port: BigqueryStagePort, spec: StageSpec): Promise<Stager> {
  await port.exec(`DROP TABLE IF EXISTS ${spec.name}`);
  await port.exec(port.createStage(spec.name, spec.columns.map((c) => `${c.name} ${STAGE_TYPES[c.type]}`).join(', ')));
  return fileStager(
    spec,
    (path) => loadInto(port, spec, path),
    () => port.exec(`DROP TABLE IF EXISTS ${spec.name}`),
  );
}

/** Load job into a scratch table outside the session, then one INSERT into the session temp table. */
async function loadInto(port: BigqueryStagePort, spec: StageSpec, path: string): Promise<void> {
  const scratch = `clari_dp_stage_${port.token}_${spec.name}`;
  const qualified = port.table(scratch);
  const fields = spec.columns.map((c) => ({ name: c.name, type: STAGE_TYPES[c.type] }));
  const columns = spec.columns.map((c) => c.name).join(', ');
  await port.run(
    `CREATE OR REPLACE TABLE ${qualified} (${fields.map((f) => `${f.name} ${f.type}`).join(', ')}) OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 DAY))`,
  );
  try {
    await port.load(path, scratch, fields);
    await port.runInSession(`INSERT INTO ${spec.name} (${columns}) SELECT ${columns} FROM ${qualified}`);
  } finally {
    await port.run(`DROP TABLE IF EXISTS ${qualified}`).catch(() => undefined);
  }
}
