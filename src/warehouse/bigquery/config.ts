/**
 * `CLARI_DP_WAREHOUSE=bigquery://PROJECT/DATASET?location=EU` to client settings. Credentials are
 * Google's Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS pointing at a
 * service-account key file, or the service account of the VM / pod / Cloud Run job. A key file path
 * may also be given as `?key_file=PATH` (a path is not a secret; the key's JSON never goes in a URL
 * or in clari-dp.yaml).
 */
import { WarehouseError } from '../errors.js';

export interface BigquerySettings {
  readonly project: string;
  readonly dataset: string;
  /** Dataset location (EU, US, europe-west1, ...); BigQuery infers it when absent. */
  readonly location?: string | undefined;
  /** Service-account key file, when not from GOOGLE_APPLICATION_CREDENTIALS or the environment. */
  readonly keyFile?: string | undefined;
  readonly description: string;
}

export const BIGQUERY_URL_FORM = 'bigquery://PROJECT/DATASET?location=LOCATION';

export function bigquerySettings(text: string): BigquerySettings {
  const m = /^bigquery:\/\/([^/?]+)\/([^/?]+)\/?(?:\?(.*))?$/i.exec(text.trim());
  if (!m)
    throw new WarehouseError(
      'warehouse.config',
      'CLARI_DP_WAREHOUSE is not a valid bigquery:// URL',
      'config',
      `Use ${BIGQUERY_URL_FORM}.`,
    );
  const project = decodeURIComponent(m[1]!);
  const dataset = decodeURIComponent(m[2]!);
  if (!/^[a-z0-9][a-z0-9.:-]*[a-z0-9]$/i.test(project))
    throw new WarehouseError(
      'warehouse.config',
      `"${project}" is not a Google Cloud project id`,
      'config',
      `Use ${BIGQUERY_URL_FORM} with the project id (not its name or number).`,
    );
  if (!/^[A-Za-z0-9_]{1,1024}$/.test(dataset))
    throw new WarehouseError(
      'warehouse.config',
      `"${dataset}" is not a BigQuery dataset name`,
      'config',
      'Dataset names have letters, digits and underscores only.',
    );
  const params = new URLSearchParams(m[3] ?? '');
  const location = params.get('location') ?? undefined;
  return {
    project,
    dataset,
    location,
    keyFile: params.get('key_file') ?? undefined,
    description: `bigquery://${project}/${dataset}${location ? `?location=${location}` : ''}`,
  };
}
