/**
 * Which cloud warehouses the engine matrix includes: Snowflake and BigQuery run only when their
 * credentials are in the environment. Read by warehouses.ts (the matrix) and by global-setup.ts,
 * which prints the one line saying what was skipped and why.
 */
export type LiveEngine = 'snowflake' | 'bigquery';

/** What each live engine needs: the URL variable, and the credentials the adapter reads. */
export const LIVE_REQUIREMENTS: Record<
  LiveEngine,
  { readonly url: string; readonly credentials: readonly string[]; readonly how: string }
> = {
  snowflake: {
    url: 'CLARI_DP_TEST_SNOWFLAKE_URL',
    credentials: ['SNOWFLAKE_PRIVATE_KEY_FILE', 'SNOWFLAKE_PASSWORD'],
    how: 'snowflake://USER@ACCOUNT/DATABASE/SCHEMA?warehouse=WH&role=ROLE with SNOWFLAKE_PRIVATE_KEY_FILE or SNOWFLAKE_PASSWORD',
  },
  bigquery: {
    url: 'CLARI_DP_TEST_BIGQUERY_URL',
    credentials: ['GOOGLE_APPLICATION_CREDENTIALS'],
    how: 'bigquery://PROJECT/DATASET?location=LOCATION with GOOGLE_APPLICATION_CREDENTIALS',
  },
};

export function liveEngines(env: Readonly<Record<string, string | undefined>>): LiveEngine[] {
  return (Object.keys(LIVE_REQUIREMENTS) as LiveEngine[]).filter((engine) => {
    const need = LIVE_REQUIREMENTS[engine];
    return Boolean(env[need.url]) && need.credentials.some((name) => Boolean(env[name]));
  });
}

/** One line for the test log: which live engines run, and how to enable the others. */
export function liveEnginesNote(env: Readonly<Record<string, string | undefined>>): string {
  const live = liveEngines(env);
  const skipped = (Object.keys(LIVE_REQUIREMENTS) as LiveEngine[]).filter((e) => !live.includes(e));
  if (skipped.length === 0) return `warehouse suites: also running on ${live.join(' and ')} (credentials found)`;
  const how = skipped.map((e) => `${LIVE_REQUIREMENTS[e].url}=${LIVE_REQUIREMENTS[e].how}`).join('; ');
  return `warehouse suites: ${skipped.map((e) => (e === 'bigquery' ? 'BigQuery' : 'Snowflake')).join(' and ')} skipped, no credentials in the environment (set ${how})${live.length > 0 ? `; running on ${live.join(', ')}` : ''}`;
}
