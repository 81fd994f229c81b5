/**
 * The one configuration schema (design.md section 3). Types are inferred from it; objects are strict
 * so a misspelt key is an error that names it, not a silently ignored setting. Secrets are not part
 * of the schema at all: they come from the environment or from files (see load.ts).
 */
import { z } from 'zod';
import { ACTIVITY_TYPES, EXPORT_TYPES } from '../domain/index.js';

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);

export const forecastSchema = z.union([
  z.string().min(1),
  z.strictObject({
    id: z.string().min(1),
    scopeId: z.string().min(1).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO currency code such as USD')
      .optional(),
    types: z.array(z.enum(EXPORT_TYPES)).min(1).optional(),
  }),
]);

/**
 * Deals and activity (design.md section 3): the activity export and GET /opportunity, loaded
 * beside the forecast. Off for `run` (it spends one export of quota per run), on in `demo`.
 */
export const activitySchema = z.strictObject({
  enabled: z.boolean().default(false),
  /**
   * How far back the first export reaches (later runs continue from the last one, one day of
   * overlap): `quarter` (the as-of date's fiscal quarter) or a number of days such as `90d`.
   */
  window: z
    .string()
    .regex(/^(quarter|[1-9]\d{0,3}d)$/, '`quarter` or a number of days such as 90d')
    .default('quarter'),
  /** Clari returns only the types asked for. */
  types: z
    .array(z.enum(ACTIVITY_TYPES))
    .min(1)
    .default([...ACTIVITY_TYPES]),
  /** Opportunity ids per GET /opportunity call (Clari takes at most 100). */
  batchSize: positiveInt.max(100).default(100),
  /** GET /opportunity calls in flight at once (never more than the tenant's concurrent-job limit). */
  concurrency: positiveInt.max(10).default(2),
  /** Opportunities refreshed per run, the most recently active first (100 per call). */
  maxOpportunities: positiveInt.default(5_000),
});

export const configSchema = z.strictObject({
  clari: z
    .strictObject({
      /** Default https://api.clari.com/v4; the simulator prints its own. */
      baseUrl: z.url().default('https://api.clari.com/v4'),
      /** A file holding the API key (the key itself is never written in the config). */
      apiKeyFile: z.string().min(1).optional(),
      timeoutMs: positiveInt.default(30_000),
      maxAttempts: positiveInt.max(20).default(5),
      retryBaseDelayMs: positiveInt.default(1_000),
      retryMaxDelayMs: positiveInt.default(60_000),
      /** Optional client-side limit on requests per second (0 = none). */
      rateLimitPerSecond: z.number().min(0).default(0),
      breakerFailureThreshold: positiveInt.default(5),
      breakerCooldownMs: positiveInt.default(30_000),
    })
    .prefault({}),
  forecasts: z.array(forecastSchema).default([]),
  periods: z
    .strictObject({
      /** The current fiscal quarter and `count - 1` before it. Default 5 (current + 4). */
      count: positiveInt.max(40).default(5),
      /** Explicit periods (YYYY_QN) instead of the rolling window. */
      list: z.array(z.string().regex(/^\d{4}_Q[1-4]$/, 'a fiscal period such as 2026_Q2')).optional(),
    })
    .prefault({}),
  /** Month (1-12) in which the tenant's fiscal year starts. */
  fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
  /** Time zone of the business date (the default as-of is today there). */
  timezone: z.string().min(1).default('UTC'),
  export: z
    .strictObject({
      types: z
        .array(z.enum(EXPORT_TYPES))
        .min(1)
        .default(['forecast', 'quota', 'forecast_updated', 'adjustment', 'crm_total', 'crm_closed']),
      includeHistorical: z.boolean().default(true),
      format: z.enum(['JSON', 'CSV']).default('JSON'),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/, 'an ISO currency code such as USD')
        .optional(),
      pollIntervalMs: positiveInt.default(5_000),
      jobTimeoutMs: positiveInt.default(600_000),
      maxRequeues: nonNegativeInt.max(10).default(2),
      /** Our own cap on export jobs in flight (the tenant's always applies). */
      maxConcurrency: positiveInt.optional(),
      capacityWaitMs: positiveInt.default(900_000),
      /** A request landed this recently is served from the landing without calling Clari. */
      cacheTtlHours: z.number().min(0).default(4),
      /** Load exports Clari flagged rowsTruncated/cellsTruncated (default: fail them). */
      allowTruncated: z.boolean().default(false),
    })
    .prefault({}),
  /** duckdb:PATH (default duckdb:./clari.duckdb), postgres://..., snowflake://..., bigquery://PROJECT/DATASET */
  warehouse: z.string().min(1).default('duckdb:./clari.duckdb'),
  /** DuckDB: how long a command waits for another process (the dashboard mid-request) to let go of the file. */
  warehouseLockWaitMs: nonNegativeInt.default(15_000),
  /** PostgreSQL: statement_timeout of every statement, ms (a load of millions of rows takes seconds). */
  warehouseStatementTimeoutMs: positiveInt.default(1_800_000),
  run: z
    .strictObject({
      /**
       * run and backfill: how long a run waits for another run that holds the data dir or the
       * warehouse (printing who), before exiting 1 with run.locked (--lock-wait).
       */
      lockWaitMs: nonNegativeInt.default(300_000),
      /** A run still going this long after it started cancels its Clari jobs, is recorded failed, exits 1 (--deadline). */
      deadlineMs: positiveInt.default(14_400_000),
      /**
       * The warehouse-level run lock: auto (DuckDB's file lock, a PostgreSQL advisory lock, a lease
       * row on Snowflake and BigQuery), lease (also on PostgreSQL, e.g. behind a transaction-pooling
       * PgBouncer), off.
       */
      warehouseLock: z.enum(['auto', 'lease', 'off']).default('auto'),
      /** A lease not renewed for this long is free (its run died); renewed every third of it. */
      leaseTtlMs: z.number().int().min(3_000).default(300_000),
    })
    .prefault({}),
  schedule: z
    .strictObject({
      /** Runs fired by `schedule` wait this long for another run (a manual one, a backfill) (--lock-wait). */
      lockWaitMs: nonNegativeInt.default(1_800_000),
    })
    .prefault({}),
  activity: activitySchema.prefault({}),
  /** Raw landing, cache and state. */
  dataDir: z.string().min(1).default('./.clari-dp'),
  retention: z.strictObject({ quarters: positiveInt.default(8) }).prefault({}),
  /** Alert rules and channels (see docs/alerts.md); optional unless set explicitly. */
  alertsFile: z.string().min(1).default('alerts.yaml'),
});

export type Config = z.infer<typeof configSchema>;
export type ForecastConfig = z.infer<typeof forecastSchema>;

/** Keys that hold secrets and must never be written in the YAML file, with where they go instead. */
export const INLINE_SECRET_KEYS: Record<string, string> = {
  apikey: 'set CLARI_API_KEY in the environment, or clari.apiKeyFile / CLARI_API_KEY_FILE to a file that holds it',
  api_key: 'set CLARI_API_KEY in the environment, or clari.apiKeyFile / CLARI_API_KEY_FILE to a file that holds it',
  password: 'put it in the environment (e.g. PGPASSWORD) or in a file referenced by path',
  token: 'put it in the environment or in a file referenced by path',
  secret: 'put it in the environment or in a file referenced by path',
  webhookurl: 'set SLACK_WEBHOOK_URL in the environment',
  slackwebhookurl: 'set SLACK_WEBHOOK_URL in the environment',
  smtpurl: 'set SMTP_URL in the environment',
  privatekey:
    'keep the key in a file and point SNOWFLAKE_PRIVATE_KEY_FILE (Snowflake) or GOOGLE_APPLICATION_CREDENTIALS (BigQuery) at it',
  privatekeypassphrase: 'set SNOWFLAKE_PRIVATE_KEY_PASSPHRASE in the environment',
  passphrase: 'put it in the environment (e.g. SNOWFLAKE_PRIVATE_KEY_PASSPHRASE) or in a file referenced by path',
};
