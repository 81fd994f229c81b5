/**
 * The cloud warehouse drivers are optional dependencies (snowflake-sdk alone is 122 MB), imported
 * only when CLARI_DP_WAREHOUSE names their engine. When one is missing, say which package to install
 * instead of surfacing Node's module-resolution error.
 */
import { WarehouseError } from './errors.js';

/** Optional drivers, pinned to the versions clari-dp is built and tested against (package.json). */
export const OPTIONAL_DRIVERS = {
  snowflake: { label: 'Snowflake', package: 'snowflake-sdk', version: '3.3.0' },
  bigquery: { label: 'BigQuery', package: '@google-cloud/bigquery', version: '8.3.1' },
} as const;

export type OptionalDriver = keyof typeof OPTIONAL_DRIVERS;

function isMissing(error: unknown, pkg: string): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (
    (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(`'${pkg}`)
  );
}

/** Runs `load` (a dynamic import of the adapter module); a missing driver becomes a config error naming the install command. */
export async function loadAdapter<T>(driver: OptionalDriver, load: () => Promise<T>): Promise<T> {
  const info = OPTIONAL_DRIVERS[driver];
  try {
    return await load();
  } catch (error) {
    if (!isMissing(error, info.package)) throw error;
    throw new WarehouseError(
      'warehouse.driver_missing',
      `${info.label} needs the optional driver ${info.package}, which is not installed`,
      'config',
      `Install it next to clari-dp: npm install ${info.package}@${info.version} (it is an optional dependency: npm skips it with --omit=optional, or when it failed to install).`,
      error,
    );
  }
}
