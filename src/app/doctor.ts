/**
 * Readiness checks (`clari-dp doctor`): one PASS/WARN/FAIL per item with the fix, never a stack
 * trace. This part covers the Clari API: key present, API reachable and authenticated
 * (/admin/limits, the cheapest read), quota and concurrency headroom.
 */
import type { ClariClient, ExportLimits } from '../clari/index.js';
import type { LoadedConfig } from '../config/index.js';
import { describeError, isAppError } from '../core/index.js';

export type CheckStatus = 'PASS' | 'WARN' | 'FAIL';

export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string | undefined;
}

export interface DoctorDeps {
  readonly loaded: LoadedConfig;
  /** Builds the client; throws when there is no key. */
  readonly client: () => ClariClient;
}

/** Exports one run needs: every configured forecast times every period. */
export function exportsPerRun(loaded: LoadedConfig): number {
  const { config } = loaded;
  const forecasts = Math.max(1, config.forecasts.length);
  const periods = config.periods.list?.length ?? config.periods.count;
  return forecasts * periods;
}

export async function clariChecks(deps: DoctorDeps): Promise<Check[]> {
  const { loaded } = deps;
  const checks: Check[] = [];
  const key = loaded.secrets.clariApiKey;
  if (!key) {
    checks.push({ name: 'API key', status: 'FAIL', detail: 'no Clari API key found', fix: 'Set CLARI_API_KEY, or CLARI_API_KEY_FILE to a file holding the key (Clari: avatar -> Settings -> API Token).' });
    return checks;
  }
  checks.push({ name: 'API key', status: 'PASS', detail: `present (from ${key.from}), not in the config file` });
  let limits: ExportLimits;
  try {
    limits = await deps.client().getLimits();
  } catch (error) {
    checks.push({
      name: 'Clari API',
      status: 'FAIL',
      detail: `${loaded.config.clari.baseUrl}: ${isAppError(error) ? error.message : describeError(error)}`,
      fix: isAppError(error) ? error.hint : undefined,
    });
    return checks;
  }
  checks.push({ name: 'Clari API', status: 'PASS', detail: `reachable and authenticated at ${loaded.config.clari.baseUrl} (GET /admin/limits)` });
  const needed = exportsPerRun(loaded);
  const quota = `${limits.availableMonthlyQuota} of ${limits.monthlyQuota} exports left in the rolling 30 days; one run needs up to ${needed}`;
  if (limits.availableMonthlyQuota < needed) {
    checks.push({ name: 'Export quota', status: 'FAIL', detail: quota, fix: 'Wait for exports to age out of the 30-day window, export fewer forecasts or periods, or ask your Clari CSM for a higher quota.' });
  } else if (limits.availableMonthlyQuota < needed * 7) {
    checks.push({ name: 'Export quota', status: 'WARN', detail: `${quota} (less than a week of daily runs)`, fix: 'Reduce periods or forecasts, or raise the quota with your Clari CSM.' });
  } else checks.push({ name: 'Export quota', status: 'PASS', detail: quota });
  const slots = `${limits.availableConcurrentLimit} of ${limits.concurrentLimit} concurrent export slots free`;
  if (limits.availableConcurrentLimit <= 0) {
    checks.push({ name: 'Concurrency', status: 'WARN', detail: `${slots}: other exports are running`, fix: 'clari-dp waits for free slots; check for stuck jobs in Clari if this persists.' });
  } else checks.push({ name: 'Concurrency', status: 'PASS', detail: slots });
  return checks;
}

export function formatChecks(checks: readonly Check[]): string {
  return checks
    .map((c) => `${c.status.padEnd(4)}  ${c.name.padEnd(14)}  ${c.detail}${c.fix && c.status !== 'PASS' ? `\n${' '.repeat(22)}fix: ${c.fix}` : ''}`)
    .join('\n')
    .concat('\n');
}
