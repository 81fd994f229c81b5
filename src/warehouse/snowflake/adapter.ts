/**
 * Snowflake through snowflake-sdk (an optional dependency, imported only from registry.ts). Reads the
 * credentials from the environment (snowflake/config.ts), opens one session, fixes its settings
 * (UTC, date formats, identifier case) and hands it to SnowflakeWarehouse as a small client port.
 */
import snowflake from 'snowflake-sdk';
import { WarehouseError } from '../errors.js';
import type { Warehouse } from '../types.js';
import { snowflakeSettings } from './config.js';
import { classifySnowflake } from './errors.js';
import {
  type SnowflakeBind,
  type SnowflakeClient,
  type SnowflakeResult,
  SESSION_SETTINGS,
  SnowflakeWarehouse,
} from './warehouse.js';

const quiet = (): void => undefined;

export async function openSnowflake(url: string): Promise<Warehouse> {
  const settings = snowflakeSettings(url, process.env);
  // The driver logs to ./snowflake.log by default; clari-dp reports errors itself.
  snowflake.configure({ customLogger: { error: quiet, warn: quiet, info: quiet, debug: quiet, trace: quiet } });
  const auth = settings.auth;
  const connection = snowflake.createConnection({
    account: settings.account,
    username: settings.username,
    database: settings.database,
    schema: settings.schema,
    ...(settings.warehouse ? { warehouse: settings.warehouse } : {}),
    ...(settings.role ? { role: settings.role } : {}),
    authenticator: settings.authenticator,
    ...(auth.kind === 'password'
      ? { password: auth.password }
      : { privateKeyPath: auth.privateKeyPath, ...(auth.passphrase ? { privateKeyPass: auth.passphrase } : {}) }),
    application: 'clari-dp',
    // The driver retries a failing login for up to 5 minutes by default; a run fails sooner and the next one retries.
    sfRetryMaxLoginRetries: 3,
  });
  try {
    // connect(callback), not connectAsync(): the driver reports some connectAsync failures only to a callback.
    await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  } catch (error) {
    throw classifySnowflake(error, settings.description, settings.secrets);
  }
  const client: SnowflakeClient = {
    execute: (sql, binds) => execute(connection, sql, binds),
    close: () => new Promise<void>((resolve) => connection.destroy(() => resolve())),
  };
  const warehouse = new SnowflakeWarehouse(client, settings.description, settings.secrets);
  try {
    await warehouse.exec(SESSION_SETTINGS);
  } catch (error) {
    await warehouse.close();
    throw error instanceof WarehouseError ? error : classifySnowflake(error, settings.description, settings.secrets);
  }
  return warehouse;
}

function execute(
  connection: snowflake.Connection,
  sql: string,
  binds: readonly SnowflakeBind[],
): Promise<SnowflakeResult> {
  return new Promise((resolve, reject) => {
    connection.execute({
      sqlText: sql,
      ...(binds.length > 0 ? { binds: [...binds] } : {}),
      // Exact: NUMBER (DECIMAL, BIGINT) and dates as text; SnowflakeWarehouse turns FLOAT back into numbers.
      fetchAsString: ['Number', 'Date'],
      complete: (error, statement, rows) => {
        if (error) {
          reject(error);
          return;
        }
        const columns =
          'getColumns' in statement
            ? (statement.getColumns() ?? []).map((c) => ({ name: c.getName(), type: c.getType() }))
            : [];
        resolve({ rows: (rows ?? []) as SnowflakeResult['rows'], columns });
      },
    });
  });
}
