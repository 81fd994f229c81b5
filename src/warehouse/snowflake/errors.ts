/**
 * snowflake-sdk errors -> WarehouseError. Codes are Snowflake's (server: `002003`, `003001`, `39xxxx`
 * for login) or the driver's (`401001` network). Messages are scrubbed of the password and key
 * passphrase before they go anywhere, in case a driver ever echoes them.
 */
import { WarehouseError } from '../errors.js';

/** Replaces every secret value in `text` with `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((out, secret) => out.split(secret).join('***'), text);
}

const LOGIN = /^39\d{4}$/;
const NETWORK = new Set([
  '401001',
  '401002',
  '402001',
  '402002',
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EAI_AGAIN',
]);

export function classifySnowflake(
  error: unknown,
  where: string,
  secrets: readonly string[],
  sql?: string,
): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const raw = e.code ?? e.cause?.code;
  const code = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  const message = scrub(typeof e.message === 'string' ? e.message.split('\n')[0]! : String(error), secrets);
  if (NETWORK.has(code) || /could not connect|network error|socket hang up|getaddrinfo/i.test(message)) {
    return new WarehouseError(
      'warehouse.unreachable',
      `${where} is unreachable: ${message}`,
      'transient',
      'Check the account identifier in the URL and the network path to <account>.snowflakecomputing.com; the run changed nothing and can be repeated.',
      error,
    );
  }
  if (
    LOGIN.test(code) ||
    /incorrect username or password|JWT token is invalid|authentication failed|user .* is locked|private key/i.test(
      message,
    )
  ) {
    return new WarehouseError(
      'warehouse.auth',
      `${where}: Snowflake refused the login: ${message}`,
      'config',
      'Check the user and account in CLARI_DP_WAREHOUSE and the credential: SNOWFLAKE_PRIVATE_KEY_FILE (its public key set with ALTER USER ... SET RSA_PUBLIC_KEY) and SNOWFLAKE_PRIVATE_KEY_PASSPHRASE, or SNOWFLAKE_PASSWORD.',
      error,
    );
  }
  if (code === '000606' || /no active warehouse/i.test(message)) {
    return new WarehouseError(
      'warehouse.privilege',
      `${where}: no usable virtual warehouse: ${message}`,
      'config',
      'Add ?warehouse=NAME to the URL and GRANT USAGE ON WAREHOUSE <name> TO ROLE <clari_dp_role>;',
      error,
    );
  }
  if (code === '003001' || /insufficient privileges/i.test(message)) {
    return new WarehouseError(
      'warehouse.privilege',
      `${where}: ${message}`,
      'config',
      'Grant the role what docs/warehouses.md lists ("Least-privilege setup"); `clari-dp doctor` names the missing privilege.',
      error,
    );
  }
  const statement = sql ? ` in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}` : '';
  const hint =
    code === '002003'
      ? 'The object does not exist, or the role may not see it (USAGE on the database and schema, SELECT on the table).'
      : undefined;
  return new WarehouseError('warehouse.query', `${where}: ${message}${statement}`, 'internal', hint, error);
}
