/**
 * Snowflake's bulk path: rows stream into a gzipped NDJSON file, PUT it to a temporary internal
 * stage and COPY INTO the staging table: one round trip per table instead of one per row. PUT and
 * COPY bypass the transaction logic: the staging table is temporary and new.
 */
import { fileStager } from '../ndjson-file.js';
import type { StageSpec, StageType, Stager } from '../types.js';

/** The temporary internal stage bulk loads go through; it disappears with the session. */
export const LOAD_STAGE = 'clari_dp_load';

const STAGE_TYPES: Record<StageType, string> = {
  text: 'VARCHAR',
  double: 'DOUBLE',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
};

/** Creates the load stage; DDL, so it goes through the transaction logic like any other. */
export const CREATE_LOAD_STAGE = `CREATE TEMPORARY STAGE IF NOT EXISTS ${LOAD_STAGE}`;

/** The statements that move a staged file into a staging table. */
export function copyStatements(spec: StageSpec, file: string): string[] {
  const target = `@${LOAD_STAGE}/${spec.name}/`;
  return [
    `PUT '${pathUrl(file)}' ${target} AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE`,
    // FORCE: the staging table is new for every load, but load metadata would skip a re-used file name.
    `COPY INTO ${spec.name} FROM ${target} FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE PURGE = TRUE`,
  ];
}

/** `file://` URL for PUT; quotes are doubled because the path sits in a string literal. */
function pathUrl(path: string): string {
  return `file://${path.replace(/\\/g, '/').replace(/'/g, "''")}`;
}

/** What the stage needs from the warehouse it belongs to. */
export interface SnowflakeStagePort {
  /** Through the transaction logic (DDL). */
  exec(sql: string): Promise<void>;
  /** Straight to the session. */
  run(sql: string): Promise<void>;
  createStage(name: string, columns: string): string;
  /** The session's load stage exists already. */
  readonly loadStageReady: boolean;
}

export async function openSnowflakeStage(port: SnowflakeStagePort, spec: StageSpec): Promise<Stager> {
  await port.exec(`DROP TABLE IF EXISTS ${spec.name}`);
  await port.exec(port.createStage(spec.name, spec.columns.map((c) => `${c.name} ${STAGE_TYPES[c.type]}`).join(', ')));
  if (!port.loadStageReady) await port.exec(CREATE_LOAD_STAGE);
  return fileStager(
    spec,
    async (path) => {
      for (const sql of copyStatements(spec, path)) await port.run(sql);
    },
    () => port.exec(`DROP TABLE IF EXISTS ${spec.name}`),
  );
}
