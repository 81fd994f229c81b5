/**
 * Readiness checks (`clari-dp doctor`): every item of the seed production checklist a program can
 * check, one PASS/WARN/FAIL line each with the fix, never a stack trace. Checks that would cost
 * something say so: a forecast id is validated by creating a probe export and cancelling it at once
 * (cancelling gives the quota slot back, clari-api.md 2.3). With activity.enabled, the deal endpoints
 * are checked the same way (doctor-deals.ts).
 */
import { type Alert } from '../alerts/index.js';
import { ALL_MIGRATIONS } from '../analytics/index.js';
import type { ClariClient, ExportLimits } from '../clari/index.js';
import type { LoadedConfig } from '../config/index.js';
import { isAppError } from '../core/index.js';
import { dateInZone, periodOfDate } from '../domain/index.js';
import type { AlertSetup } from '../pipeline/index.js';
import { type Check, hint, message, probeExport, type ProbeWords } from './check.js';
import { dealChecks } from './doctor-deals.js';
import { parseSchedule } from './scheduler.js';
import { checkPrivileges, migrationStatus, type PrivilegeCheck, type Warehouse } from '../warehouse/index.js';

export type { Check, CheckStatus } from './check.js';

export interface DoctorDeps {
  readonly loaded: LoadedConfig;
  /** Builds the client; throws when there is no key. */
  readonly client: () => ClariClient;
  readonly warehouse?: (() => Promise<Warehouse>) | undefined;
  readonly alerts?: (() => AlertSetup) | undefined;
  readonly now?: (() => number) | undefined;
  /** Forecast ids to validate (default: the configured ones). */
  readonly forecasts?: readonly string[] | undefined;
  /** Send a test alert to every channel. */
  readonly sendTest?: boolean | undefined;
  /** A cron expression to validate (`--cron`), with its time zone. */
  readonly schedule?: { readonly cron: string; readonly timezone: string } | undefined;
}

const REQUIRED_TYPES = ['forecast', 'quota', 'crm_closed'] as const;

/** Exports one run needs: every configured forecast times every period, plus the activity export when enabled. */
export function exportsPerRun(loaded: LoadedConfig): number {
  const { config } = loaded;
  const forecasts = Math.max(1, config.forecasts.length);
  const periods = config.periods.list?.length ?? config.periods.count;
  return forecasts * periods + (config.activity.enabled ? 1 : 0);
}

/** The whole checklist, in order. */
export async function doctorChecks(deps: DoctorDeps): Promise<Check[]> {
  const checks: Check[] = [];
  const client = await clariChecks(deps, checks);
  if (client) await forecastChecks(deps, client.client, client.limits, checks);
  // The deal endpoints, when the run uses them: a line each (doctor-deals.ts).
  if (client && deps.loaded.config.activity.enabled)
    await dealChecks(deps.loaded, client.client, client.limits, (deps.now ?? Date.now)(), checks);
  configChecks(deps, checks);
  if (deps.warehouse) await warehouseCheck(deps.warehouse, checks);
  if (deps.alerts) await alertChecks(deps, checks);
  return checks;
}

/** The Clari API part: key, authentication, quota and concurrency headroom, clock skew. */
export async function clariChecks(
  deps: DoctorDeps,
  checks: Check[] = [],
): Promise<{ client: ClariClient; limits: ExportLimits } | undefined> {
  const { loaded } = deps;
  const key = loaded.secrets.clariApiKey;
  if (!key) {
    checks.push({
      name: 'API key',
      status: 'FAIL',
      detail: 'no Clari API key found',
      fix: 'Set CLARI_API_KEY, or CLARI_API_KEY_FILE to a file holding the key (Clari: avatar -> Settings -> API Token).',
    });
    return undefined;
  }
  checks.push({ name: 'API key', status: 'PASS', detail: `present (from ${key.from}), not in the config file` });
  let client: ClariClient;
  let limits: ExportLimits;
  try {
    client = deps.client();
    limits = await client.getLimits();
  } catch (error) {
    checks.push({
      name: 'Clari API',
      status: 'FAIL',
      detail: `${loaded.config.clari.baseUrl}: ${message(error)}`,
      fix: hint(error),
    });
    return undefined;
  }
  checks.push({
    name: 'Clari API',
    status: 'PASS',
    detail: `reachable and authenticated at ${loaded.config.clari.baseUrl} (GET /admin/limits)`,
  });
  const needed = exportsPerRun(loaded);
  const quota = `${limits.availableMonthlyQuota} of ${limits.monthlyQuota} exports left in the rolling 30 days; one run needs up to ${needed}`;
  if (limits.availableMonthlyQuota < needed) {
    checks.push({
      name: 'Export quota',
      status: 'FAIL',
      detail: quota,
      fix: 'Wait for exports to age out of the 30-day window, export fewer forecasts or periods, or ask your Clari CSM for a higher quota.',
    });
  } else if (limits.availableMonthlyQuota < needed * 7) {
    checks.push({
      name: 'Export quota',
      status: 'WARN',
      detail: `${quota} (less than a week of daily runs)`,
      fix: 'Reduce periods or forecasts, or raise the quota with your Clari CSM.',
    });
  } else checks.push({ name: 'Export quota', status: 'PASS', detail: quota });
  const slots = `${limits.availableConcurrentLimit} of ${limits.concurrentLimit} concurrent export slots free`;
  if (limits.availableConcurrentLimit <= 0) {
    checks.push({
      name: 'Concurrency',
      status: 'WARN',
      detail: `${slots}: other exports are running`,
      fix: 'clari-dp waits for free slots; check for stuck jobs in Clari if this persists.',
    });
  } else checks.push({ name: 'Concurrency', status: 'PASS', detail: slots });
  const skew = client.serverSkewMs();
  if (skew !== undefined) {
    const seconds = Math.round(Math.abs(skew) / 1000);
    const detail = `this machine is ${seconds} s ${skew > 0 ? 'behind' : 'ahead of'} Clari's clock`;
    if (seconds > 600)
      checks.push({
        name: 'Clock skew',
        status: 'FAIL',
        detail,
        fix: 'Synchronise the clock (NTP): business dates, cache ages and job timeouts depend on it.',
      });
    else if (seconds > 60)
      checks.push({ name: 'Clock skew', status: 'WARN', detail, fix: 'Synchronise the clock (NTP).' });
    else checks.push({ name: 'Clock skew', status: 'PASS', detail });
  }
  return { client, limits };
}

/**
 * Each forecast id: a probe export of the current period, cancelled at once. A wrong id is a 400
 * no_such_forecast_config; a token without access is a 401 no_optin.
 */
async function forecastChecks(
  deps: DoctorDeps,
  client: ClariClient,
  limits: ExportLimits,
  checks: Check[],
): Promise<void> {
  const { config } = deps.loaded;
  const ids =
    deps.forecasts && deps.forecasts.length > 0
      ? deps.forecasts
      : config.forecasts.map((f) => (typeof f === 'string' ? f : f.id));
  if (ids.length === 0) {
    checks.push({
      name: 'Forecasts',
      status: 'FAIL',
      detail: 'no forecast ids configured',
      fix: 'Set forecasts: in clari-dp.yaml, CLARI_DP_FORECASTS, or --forecast; the id is in the Forecast tab URL (app.clari.com/forecast/<id>).',
    });
    return;
  }
  const period = periodOfDate(dateInZone((deps.now ?? Date.now)(), config.timezone), {
    startMonth: config.fiscalYearStartMonth,
  });
  for (const id of ids)
    checks.push(
      await probeExport(forecastProbe(id), limits, client, () =>
        client.createExport(id, { timePeriod: period, typesToExport: ['forecast'] }),
      ),
    );
}

/** A forecast id's probe line (probeExport). */
const forecastProbe = (id: string): ProbeWords => ({
  name: `Forecast ${id}`,
  verdict: 'valid',
  cancelled: 'a probe export was created and cancelled at once; cancelling returns its quota slot',
  spent: 'the probe export finished before it could be cancelled: it used 1 export of the quota',
});

function configChecks(deps: DoctorDeps, checks: Check[]): void {
  const { config } = deps.loaded;
  const list = config.periods.list;
  const current = periodOfDate(dateInZone((deps.now ?? Date.now)(), config.timezone), {
    startMonth: config.fiscalYearStartMonth,
  });
  if (list) {
    const status = list.length >= 5 && list.includes(current) ? 'PASS' : 'WARN';
    checks.push({
      name: 'Periods',
      status,
      detail: `explicit list ${list.join(', ')}${list.includes(current) ? '' : ` (the current quarter ${current} is not in it)`}`,
      fix:
        status === 'WARN'
          ? 'The checklist asks for the current quarter and the 4 before it: drop periods.list or extend it.'
          : undefined,
    });
  } else if (config.periods.count >= 5) {
    checks.push({
      name: 'Periods',
      status: 'PASS',
      detail: `current quarter (${current}) and the ${config.periods.count - 1} before it`,
    });
  } else {
    checks.push({
      name: 'Periods',
      status: 'WARN',
      detail: `only ${config.periods.count} period(s)`,
      fix: 'Set periods.count to 5 (current + 4 previous) so accuracy and history have material.',
    });
  }
  const missing = REQUIRED_TYPES.filter((t) => !config.export.types.includes(t));
  checks.push(
    missing.length === 0
      ? { name: 'Export types', status: 'PASS', detail: config.export.types.join(', ') }
      : {
          name: 'Export types',
          status: 'WARN',
          detail: `missing ${missing.join(', ')}`,
          fix: 'Add them to export.types: accuracy needs crm_closed, attainment needs quota.',
        },
  );
  checks.push({
    name: 'Retention',
    status: 'PASS',
    detail: `keeps ${config.retention.quarters} quarter(s) of history and landing`,
  });
  if (deps.schedule) {
    const { cron, timezone } = deps.schedule;
    try {
      const next = parseSchedule(cron, timezone).nextRun();
      checks.push({
        name: 'Schedule',
        status: 'PASS',
        detail: `"${cron}" in ${timezone}; next run ${next ? next.toISOString() : 'never'}`,
      });
    } catch (error) {
      checks.push({
        name: 'Schedule',
        status: 'FAIL',
        detail: message(error),
        fix: isAppError(error) && error.hint ? error.hint : 'Check --cron and --tz.',
      });
    }
  }
}

async function warehouseCheck(open: () => Promise<Warehouse>, checks: Check[]): Promise<void> {
  let wh: Warehouse | undefined;
  try {
    wh = await open();
    const status = await migrationStatus(wh, ALL_MIGRATIONS);
    if (status.pending.length > 0) {
      checks.push({
        name: 'Warehouse',
        status: 'WARN',
        detail: `${wh.description} reachable; ${status.pending.length} migration(s) pending`,
        fix: 'Run `clari-dp migrate` (run applies them too).',
      });
    } else
      checks.push({
        name: 'Warehouse',
        status: 'PASS',
        detail: `${wh.description} reachable and migrated (schema versions ${status.applied.join(', ')})`,
      });
    checks.push(...privilegeChecks(await checkPrivileges(wh, { migrated: status.applied.includes(1) })));
  } catch (error) {
    checks.push({
      name: 'Warehouse',
      status: 'FAIL',
      detail: message(error),
      fix: hint(error) ?? 'Check CLARI_DP_WAREHOUSE.',
    });
  } finally {
    await wh?.close();
  }
}

/**
 * One PASS line when the warehouse user may do all the pipeline needs, else a FAIL line per refusal
 * with the grant that fixes it (docs/warehouses.md has the full least-privilege setup).
 */
export function privilegeChecks(results: readonly PrivilegeCheck[]): Check[] {
  const refused = results.filter((r) => !r.ok);
  if (refused.length === 0) {
    return [
      {
        name: 'Warehouse privileges',
        status: 'PASS',
        detail: `may ${results.map((r) => r.what).join(', ')} (probed with clari_dp_probe objects, dropped again)`,
      },
    ];
  }
  return refused.map((r) => ({
    name: 'Warehouse privileges',
    status: 'FAIL',
    detail: `${r.missingPrivilege ? 'missing privilege to' : 'could not'} ${r.what}: ${r.error ?? 'refused'}`,
    fix: r.fix ?? 'See docs/warehouses.md, "Least-privilege setup".',
  }));
}

async function alertChecks(deps: DoctorDeps, checks: Check[]): Promise<void> {
  let setup: AlertSetup;
  try {
    setup = deps.alerts!();
  } catch (error) {
    checks.push({ name: 'Alert channels', status: 'FAIL', detail: message(error), fix: hint(error) });
    return;
  }
  if (setup.routes.length === 0) {
    checks.push({
      name: 'Alert channels',
      status: 'WARN',
      detail: 'none configured: failures and swings only show in exit codes, logs and clari_alerts',
      fix: 'Set SLACK_WEBHOOK_URL, or SMTP_URL with ALERT_EMAIL_TO, or channels in alerts.yaml.',
    });
    return;
  }
  checks.push({
    name: 'Alert rules',
    status: 'PASS',
    detail: `${setup.rules.length} rule(s): ${setup.rules.map((r) => r.name).join(', ')}`,
  });
  if (!deps.sendTest) {
    checks.push({
      name: 'Alert channels',
      status: 'PASS',
      detail: `${setup.routes.map((r) => `${r.channel.name} (${r.channel.type})`).join(', ')}; add --send-test to send each a test message`,
    });
    return;
  }
  const now = (deps.now ?? Date.now)();
  const test: Alert = {
    alertId: `doctor-${now}`,
    rule: 'doctor',
    severity: 'info',
    fingerprint: `doctor-${now}`,
    title: 'clari-dp doctor: test alert',
    text: 'Sent by `clari-dp doctor --send-test`.',
    fields: [],
    data: { test: true },
  };
  for (const route of setup.routes) {
    try {
      await route.channel.send([test], { runId: 'doctor', asOf: new Date(now).toISOString().slice(0, 10) });
      checks.push({
        name: `Channel ${route.channel.name}`,
        status: 'PASS',
        detail: `${route.channel.type}: test message delivered`,
      });
    } catch (error) {
      checks.push({ name: `Channel ${route.channel.name}`, status: 'FAIL', detail: message(error), fix: hint(error) });
    }
  }
}

export function formatChecks(checks: readonly Check[]): string {
  const width = Math.max(14, ...checks.map((c) => c.name.length));
  return checks
    .map(
      (c) =>
        `${c.status.padEnd(4)}  ${c.name.padEnd(width)}  ${c.detail}${c.fix && c.status !== 'PASS' ? `\n${' '.repeat(width + 8)}fix: ${c.fix}` : ''}`,
    )
    .join('\n')
    .concat('\n');
}
