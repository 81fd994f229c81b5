/**
 * Doctor's checks of the deal endpoints, when `activity.enabled`: that the key reaches the activity
 * export and GET /opportunity, one line each. Neither spends export quota: GET /opportunity is no
 * export (one id that cannot exist is asked for), and the activity export is probed like a forecast
 * id, with a one-day job cancelled at once (cancelling gives its quota slot back, clari-api.md 2.3).
 */
import { ACTIVITY_TYPES, type ClariClient, type ExportLimits, isClariError, offsetDateTime } from '../clari/index.js';
import type { LoadedConfig } from '../config/index.js';
import { dateInZone, zoneOffsetMinutes } from '../domain/index.js';
import { type Check, hint, message } from './check.js';

/** An id in the opportunity key prefix (`006`) that no record has: the answer is an empty list. */
const PROBE_OPPORTUNITY = '006000000000000000';

export async function dealChecks(
  loaded: LoadedConfig,
  client: ClariClient,
  limits: ExportLimits,
  now: number,
  checks: Check[],
): Promise<void> {
  await opportunityCheck(client, checks);
  await activityCheck(loaded, client, limits, now, checks);
}

async function opportunityCheck(client: ClariClient, checks: Check[]): Promise<void> {
  const name = 'GET /opportunity';
  try {
    await client.getOpportunityBatch([PROBE_OPPORTUNITY]);
    checks.push({ name, status: 'PASS', detail: 'reachable with this key (asked for one id; no export quota)' });
  } catch (error) {
    checks.push({
      name,
      status: 'FAIL',
      detail: message(error),
      fix: hint(error) ?? 'The key must reach the Opportunity API as well as the export API (activity.enabled).',
    });
  }
}

async function activityCheck(
  loaded: LoadedConfig,
  client: ClariClient,
  limits: ExportLimits,
  now: number,
  checks: Check[],
): Promise<void> {
  const name = 'Activity export';
  if (limits.availableConcurrentLimit <= 0) {
    checks.push({
      name,
      status: 'WARN',
      detail: 'not checked: no free export slot for a probe',
      fix: 'Run doctor again when exports finish.',
    });
    return;
  }
  const { timezone } = loaded.config;
  const today = dateInZone(now, timezone);
  const offset = zoneOffsetMinutes(today, timezone);
  try {
    const { jobId } = await client.createActivityExport({
      activityTypes: [...ACTIVITY_TYPES],
      startDate: offsetDateTime(today, offset),
      endDate: offsetDateTime(today, offset, '23:59:59'),
    });
    try {
      await client.cancelJob(jobId);
      checks.push({
        name,
        status: 'PASS',
        detail:
          'reachable with this key (a one-day probe export was created and cancelled at once; its quota slot is back)',
      });
    } catch (error) {
      const spent = isClariError(error, 'clari.cancel_failed');
      checks.push({
        name,
        status: 'PASS',
        detail: `reachable with this key${spent ? ' (the probe finished before it could be cancelled: it used 1 export of the quota)' : ` (the probe export ${jobId} could not be cancelled: ${message(error)})`}`,
      });
    }
  } catch (error) {
    const capacity = isClariError(error, 'clari.capacity');
    checks.push({
      name,
      status: capacity ? 'WARN' : 'FAIL',
      detail: capacity ? 'not checked: the tenant is at its export capacity' : message(error),
      fix:
        hint(error) ??
        'The key must be allowed to create activity exports (POST /export/activity); or turn activity.enabled off.',
    });
  }
}
