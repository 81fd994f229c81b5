/**
 * Shared machinery of the reliability suites (crash recovery, warehouse faults, concurrency, soak):
 * a config for fast CLI runs against the simulator, real alert receivers with their secrets, a tap
 * on the simulator that keeps every payload it served in full (the independent source of truth for
 * what the warehouse must hold), and read-backs of the warehouse: its data tables without run-
 * specific columns (to compare a crashed-and-recovered warehouse with an uninterrupted one) and the
 * duplicate and overlap checks.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSimulator } from '../../src/sim/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { dealDuplicates } from './deals-reference.js';
import type { RawPayload } from './reference.js';
import { parseMail, type Received, type ReceivedMail, startHttp, startSmtp } from './receivers.js';

export const API_KEY = 'reliability-key-5e1f9c27d4';

/** clari-dp.yaml for CLI runs against a test simulator: small timings, two periods, fast retries. */
export function writeRunConfig(
  dir: string,
  extra: { export?: Record<string, unknown>; top?: Record<string, unknown> } = {},
): void {
  const exportSettings = {
    pollIntervalMs: 15,
    jobTimeoutMs: 1500,
    maxRequeues: 3,
    capacityWaitMs: 10_000,
    ...extra.export,
  };
  const lines = [
    'clari:',
    '  timeoutMs: 5000',
    '  maxAttempts: 8',
    '  retryBaseDelayMs: 5',
    '  retryMaxDelayMs: 40',
    '  breakerFailureThreshold: 12',
    '  breakerCooldownMs: 100',
    'periods:',
    '  count: 2',
    'export:',
    ...Object.entries(exportSettings).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
    ...Object.entries(extra.top ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}`),
  ];
  writeFileSync(join(dir, 'clari-dp.yaml'), `${lines.join('\n')}\n`);
}

/**
 * alerts.yaml: one digest per channel and run, swings with low floors so a simulated day fires
 * some, every operational rule, and the given cooldown (0 in the soak: only the per-date rule may
 * hold an alert back there).
 */
export function writeAlertsConfig(dir: string, cooldownHours = 24): void {
  writeFileSync(
    join(dir, 'alerts.yaml'),
    [
      'digest: true',
      `cooldownHours: ${cooldownHours}`,
      'channels:',
      '  webhook: {type: webhook, urlEnv: ALERT_WEBHOOK_URL}',
      '  slack: {type: slack, webhookUrlEnv: SLACK_WEBHOOK_URL}',
      '  email: {type: email, smtpUrlEnv: SMTP_URL, to: [revops@example.com]}',
      'rules:',
      '  - {type: forecast_swing, name: swing, percent: 15, minAmount: 20000}',
      '  - {type: export_failed, name: export-failed}',
      '  - {type: empty_export, name: empty-export}',
      '  - {type: reconciliation_mismatch, name: reconciliation}',
      '  - {type: breaker_open, name: breaker}',
      '',
    ].join('\n'),
  );
}

export interface WebhookAlert {
  readonly runId: string;
  readonly asOf: string;
  readonly alertId: string;
  readonly rule: string;
  readonly fingerprint: string;
  readonly title: string;
  readonly data: Record<string, unknown>;
}

export interface AlertReceivers {
  /** Environment for the CLI: the three channels' secrets. */
  readonly env: Record<string, string>;
  /** The secrets, by name, for findSecrets. */
  readonly secrets: Record<string, string>;
  readonly webhook: Received[];
  readonly slack: Received[];
  readonly mails: ReceivedMail[];
  /** Every alert the webhook received, flattened. */
  webhookAlerts(): WebhookAlert[];
  /** Per channel: messages received and the alerts they announced (the digest headline's count). */
  digests(): Record<'webhook' | 'slack' | 'email', { messages: number; alerts: number }>;
  /** Everything received, as text, for the secrets check. */
  texts(): Record<string, string>;
}

/** Real receivers on loopback: an HTTP endpoint each for the webhook and Slack, an SMTP server with a password. */
export async function startAlertReceivers(): Promise<AlertReceivers> {
  const webhook = await startHttp(() => ({ status: 200, body: 'ok' }));
  const slack = await startHttp(() => ({ status: 200, body: 'ok' }));
  const password = 'smtp-pw-8c2b7e41a9';
  const smtp = await startSmtp({
    onAuth(auth, _session, callback) {
      if (auth.password !== password) callback(new Error('bad password'));
      else callback(null, { user: auth.username });
    },
  });
  const webhookUrl = `${webhook.base}/hooks/wh-secret-3d9a61f0`;
  const slackUrl = `${slack.base}/services/T000/B000/slack-secret-7b4e02c5`;
  const count = (text: string): number => Number(/(\d+) forecast alerts? for \d{4}-\d{2}-\d{2}/.exec(text)?.[1] ?? 0);
  return {
    env: {
      ALERT_WEBHOOK_URL: webhookUrl,
      SLACK_WEBHOOK_URL: slackUrl,
      SMTP_URL: `smtp://alerts:${password}@127.0.0.1:${smtp.port}?ignoreTLS=true`,
    },
    secrets: {
      'API key': API_KEY,
      'SMTP password': password,
      'webhook URL': webhookUrl,
      'Slack webhook URL': slackUrl,
    },
    webhook: webhook.requests,
    slack: slack.requests,
    mails: smtp.mails,
    webhookAlerts: () =>
      webhook.requests.flatMap((r) => {
        const body = JSON.parse(r.body) as {
          runId: string;
          asOf: string;
          alerts: Omit<WebhookAlert, 'runId' | 'asOf'>[];
        };
        return body.alerts.map((a) => ({
          runId: body.runId,
          asOf: body.asOf,
          alertId: a.alertId,
          rule: a.rule,
          fingerprint: a.fingerprint,
          title: a.title,
          data: a.data,
        }));
      }),
    digests: () => ({
      webhook: {
        messages: webhook.requests.length,
        alerts: webhook.requests.reduce((n, r) => n + (JSON.parse(r.body) as { alerts: unknown[] }).alerts.length, 0),
      },
      slack: { messages: slack.requests.length, alerts: slack.requests.reduce((n, r) => n + count(r.body), 0) },
      email: { messages: smtp.mails.length, alerts: smtp.mails.reduce((n, m) => n + count(parseMail(m.raw).text), 0) },
    }),
    texts: () => ({
      ...Object.fromEntries(
        webhook.requests.map((r, i) => [`webhook request ${i}`, `${r.path}\n${JSON.stringify(r.headers)}\n${r.body}`]),
      ),
      ...Object.fromEntries(
        slack.requests.map((r, i) => [`slack request ${i}`, `${r.path}\n${JSON.stringify(r.headers)}\n${r.body}`]),
      ),
      ...Object.fromEntries(smtp.mails.map((m, i) => [`mail ${i}`, m.raw])),
    }),
  };
}

/** Environment for a CLI run against `sim` on a DuckDB file or PostgreSQL URL, with a data dir. */
export function cliEnv(
  sim: RunningSimulator,
  warehouse: string,
  dataDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    CLARI_BASE_URL: sim.url,
    CLARI_API_KEY: API_KEY,
    CLARI_DP_WAREHOUSE: warehouse,
    CLARI_DP_DATA_DIR: dataDir,
    ...extra,
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `clari-dp-${prefix}-`));
}

/**
 * Keeps every results body the simulator served in full, by job id, parsed with plain JSON.parse:
 * what the warehouse must reproduce. A body cut off by a fault is not kept (the client never had
 * it); the same job served again later is the same document.
 */
export class ServedPayloads {
  private readonly byJob = new Map<string, RawPayload['doc']>();

  constructor(sim: RunningSimulator) {
    const simulator = sim.simulator;
    const handle = simulator.handle.bind(simulator);
    simulator.handle = (request) => {
      const response = handle(request);
      const jobId = /\/export\/jobs\/([^/]+)\/results$/.exec(request.path)?.[1];
      if (
        !jobId ||
        request.method !== 'GET' ||
        response.status !== 200 ||
        response.fault ||
        response.body === undefined
      )
        return response;
      const keep = (text: string): void => {
        if (!this.byJob.has(jobId)) this.byJob.set(jobId, JSON.parse(text) as RawPayload['doc']);
      };
      if (typeof response.body === 'string') {
        keep(response.body);
        return response;
      }
      const source = response.body;
      return {
        ...response,
        body: (function* () {
          const chunks: string[] = [];
          for (const chunk of source) {
            chunks.push(chunk);
            yield chunk;
          }
          keep(chunks.join(''));
        })(),
      };
    };
  }

  /** The document served for a job; throws when the simulator never served it whole. */
  doc(jobId: string): RawPayload['doc'] {
    const doc = this.byJob.get(jobId);
    if (!doc) throw new Error(`the simulator never served job ${jobId} in full`);
    return doc;
  }

  has(jobId: string): boolean {
    return this.byJob.has(jobId);
  }

  /** In the shape reference.ts's helpers take. */
  payload(jobId: string, forecastId: string, period: string, asOf: string): RawPayload {
    return { manifest: { forecastId, period, asOf, landedAt: 0, format: 'JSON', jobId }, doc: this.doc(jobId) };
  }
}

/** Columns that differ between two correct runs (run ids, wall-clock times, job ids). */
const VOLATILE: Readonly<Record<string, readonly string[]>> = {
  clari_forecast_entries: ['run_id'],
  clari_users: [],
  clari_forecasts: ['run_id', 'exported_at'],
  clari_forecast_changes: ['run_id', 'detected_at'],
  clari_snapshots: ['run_id', 'job_id', 'loaded_at'],
  clari_fields: [],
  clari_time_frames: [],
  clari_time_periods: [],
  // Deals: the job that served a window and when Clari produced it differ between two correct runs.
  clari_activities: ['run_id', 'job_id', 'exported_at'],
  clari_activity_participants: [],
  clari_activity_opportunities: [],
  clari_activity_accounts: [],
  clari_activity_windows: ['run_id', 'job_id', 'loaded_at'],
  clari_opportunities: ['run_id'],
  clari_opportunity_field_history: ['run_id'],
  clari_opportunity_snapshots: ['run_id', 'loaded_at'],
};

/** The data tables as sorted JSON rows without run-specific columns: equal for equal outcomes. */
export async function dataState(wh: Warehouse): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, volatile] of Object.entries(VOLATILE)) {
    const rows = await wh.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    out[table] = rows
      .map((row) =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(row)
              .filter(([k]) => !volatile.includes(k))
              .sort(([a], [b]) => a.localeCompare(b)),
          ),
        ),
      )
      .sort();
  }
  return out;
}

/**
 * Rows that break a key: two versions of one entry valid on the same date (open twice, or
 * overlapping), two daily rows for one owner and field, two ledger rows for one snapshot, two
 * changes of one kind for one owner and field. Each query returns the offending keys.
 */
export async function duplicateKeys(wh: Warehouse): Promise<Record<string, number>> {
  const checks: Record<string, string> = {
    'entries open twice': `SELECT forecast_id, time_period, time_frame_id, user_id, field_id FROM clari_forecast_entries WHERE valid_to IS NULL GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1`,
    'entry versions overlapping': `SELECT a.forecast_id FROM clari_forecast_entries a JOIN clari_forecast_entries b
      ON a.forecast_id = b.forecast_id AND a.time_period = b.time_period AND a.time_frame_id = b.time_frame_id AND a.user_id = b.user_id AND a.field_id = b.field_id
      AND a.valid_from < b.valid_from AND (a.valid_to IS NULL OR a.valid_to > b.valid_from)`,
    'entry versions empty': `SELECT forecast_id FROM clari_forecast_entries WHERE valid_to IS NOT NULL AND valid_to <= valid_from`,
    'users open twice': `SELECT user_id FROM clari_users WHERE valid_to IS NULL GROUP BY 1 HAVING count(*) > 1`,
    'daily rows twice': `SELECT forecast_name FROM clari_forecasts GROUP BY forecast_name, time_period, snapshot_date, user_id, field_id HAVING count(*) > 1`,
    'snapshots twice': `SELECT forecast_id FROM clari_snapshots GROUP BY forecast_id, time_period, snapshot_date HAVING count(*) > 1`,
    'changes twice': `SELECT forecast_name FROM clari_forecast_changes GROUP BY forecast_name, time_period, current_snapshot, user_id, field_id, change_kind HAVING count(*) > 1`,
  };
  const out: Record<string, number> = {};
  for (const [name, sql] of Object.entries(checks)) {
    const [row] = await wh.query<{ n: string | number }>(`SELECT count(*) AS n FROM (${sql}) d`);
    out[name] = Number(row?.n ?? 0);
  }
  return { ...out, ...(await dealDuplicates(wh)) };
}

export async function advanceSim(sim: RunningSimulator, days: number): Promise<void> {
  await fetch(`${sim.origin}/__sim/clock`, { method: 'POST', body: JSON.stringify({ advanceDays: days }) });
}
