/**
 * `CLARI_DP_WAREHOUSE=snowflake://USER@ACCOUNT/DATABASE/SCHEMA?warehouse=WH&role=ROLE` to
 * connection settings. Credentials come from the environment or key files, never from the YAML file
 * (config/load.ts refuses URLs with passwords there): key-pair authentication with
 * SNOWFLAKE_PRIVATE_KEY_FILE (and SNOWFLAKE_PRIVATE_KEY_PASSPHRASE when the key is encrypted), or a
 * password (or programmatic access token) in SNOWFLAKE_PASSWORD or in the URL held in the environment.
 */
import { WarehouseError } from '../errors.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export type SnowflakeAuth =
  | { readonly kind: 'password'; readonly password: string; readonly from: string }
  | {
      readonly kind: 'key-pair';
      readonly privateKeyPath: string;
      readonly passphrase?: string | undefined;
      readonly from: string;
    };

export interface SnowflakeSettings {
  /** Account identifier, e.g. `myorg-myaccount` or `xy12345.eu-west-1`. */
  readonly account: string;
  readonly username: string;
  readonly database: string;
  readonly schema: string;
  /** Virtual warehouse; the user's default when absent. */
  readonly warehouse?: string | undefined;
  /** Role; the user's default when absent. */
  readonly role?: string | undefined;
  /** SNOWFLAKE (password), SNOWFLAKE_JWT (key pair) or one given with ?authenticator=. */
  readonly authenticator: string;
  readonly auth: SnowflakeAuth;
  /** The URL without credentials, for messages. */
  readonly description: string;
  /** Values never to print: password, passphrase. */
  readonly secrets: readonly string[];
}

export const SNOWFLAKE_URL_FORM = 'snowflake://USER@ACCOUNT/DATABASE/SCHEMA?warehouse=WAREHOUSE&role=ROLE';

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

function configError(message: string, hint: string): WarehouseError {
  return new WarehouseError('warehouse.config', message, 'config', hint);
}

export function snowflakeSettings(text: string, env: Environment): SnowflakeSettings {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw configError('CLARI_DP_WAREHOUSE is not a valid snowflake:// URL', `Use ${SNOWFLAKE_URL_FORM}.`);
  }
  const account = decodeURIComponent(url.hostname);
  const username = decodeURIComponent(url.username);
  const [database = '', schema = '', ...rest] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const params = url.searchParams;
  const base = `snowflake://${username}@${account}/${database}/${schema}`;
  if (!account || !username || !database || !schema || rest.length > 0) {
    throw configError(
      `${base} is missing the user, account, database or schema`,
      `Use ${SNOWFLAKE_URL_FORM} (the account identifier is ORGNAME-ACCOUNTNAME, as in ORGNAME-ACCOUNTNAME.snowflakecomputing.com).`,
    );
  }
  for (const [what, value] of [
    ['database', database],
    ['schema', schema],
    ['warehouse', params.get('warehouse')],
    ['role', params.get('role')],
  ] as const) {
    if (value && !IDENT.test(value))
      throw configError(
        `Snowflake ${what} "${value}" is not a plain identifier`,
        'Use the unquoted name (letters, digits, _ and $).',
      );
  }
  const auth = snowflakeAuth(url, params, env, base);
  const authenticator =
    params.get('authenticator')?.toUpperCase() ?? (auth.kind === 'key-pair' ? 'SNOWFLAKE_JWT' : 'SNOWFLAKE');
  const warehouse = params.get('warehouse') ?? undefined;
  const role = params.get('role') ?? undefined;
  const query = [warehouse && `warehouse=${warehouse}`, role && `role=${role}`].filter(Boolean).join('&');
  return {
    account,
    username,
    database,
    schema,
    warehouse,
    role,
    authenticator,
    auth,
    description: query ? `${base}?${query}` : base,
    secrets: [auth.kind === 'password' ? auth.password : auth.passphrase].filter(
      (s): s is string => typeof s === 'string' && s !== '',
    ),
  };
}

function snowflakeAuth(url: URL, params: URLSearchParams, env: Environment, base: string): SnowflakeAuth {
  const keyFile = params.get('private_key_file') ?? env.SNOWFLAKE_PRIVATE_KEY_FILE?.trim();
  if (keyFile) {
    const passphrase = env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE || undefined;
    return {
      kind: 'key-pair',
      privateKeyPath: keyFile,
      passphrase,
      from: params.has('private_key_file') ? 'private_key_file in the URL' : 'SNOWFLAKE_PRIVATE_KEY_FILE',
    };
  }
  if (url.password)
    return { kind: 'password', password: decodeURIComponent(url.password), from: 'the URL in CLARI_DP_WAREHOUSE' };
  const password = env.SNOWFLAKE_PASSWORD;
  if (password) return { kind: 'password', password, from: 'SNOWFLAKE_PASSWORD' };
  throw configError(
    `${base}: no Snowflake credentials found`,
    "Set SNOWFLAKE_PRIVATE_KEY_FILE to the user's PKCS#8 private key (key-pair authentication; add SNOWFLAKE_PRIVATE_KEY_PASSPHRASE if it is encrypted), or SNOWFLAKE_PASSWORD (a password or programmatic access token). Never put them in clari-dp.yaml.",
  );
}
