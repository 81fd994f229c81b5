/**
 * Doctor's checks of the deal endpoints, when `activity.enabled`: that the key reaches the activity
 * export and GET /opportunity, one line each. Neither spends export quota: GET /opportunity is no
 * export (one id that cannot exist is asked for), and the activity export is probed as a forecast id
 * is (probeExport), with a one-day job cancelled at once (cancelling gives its quota slot back,
 * clari-api.md 2.3).
 */
import { ACTIVITY_TYPES, type ClariClient, type ExportLimits, offsetDateTime } from '../clari/index.js';
import type { LoadedConfig } from '../config/index.js';
import { dateInZone, zoneOffsetMinutes } from '../domain/index.js';
import { type Check, hint, message, probeExport, type ProbeWords } from './check.js';

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
  const { timezone } = loaded.config;
  const today = dateInZone(now, timezone);
  const offset = zoneOffsetMinutes(today, timezone);
  checks.push(
    await probeExport(ACTIVITY_PROBE, limits, client, () =>
      client.createActivityExport({
        activityTypes: [...ACTIVITY_TYPES],
        startDate: offsetDateTime(today, offset),
        endDate: offsetDateTime(today, offset, '23:59:59'),
      }),
    ),
  );
}

/** The activity export's probe line (probeExport). */
const ACTIVITY_PROBE: ProbeWords = {
  name: 'Activity export',
  verdict: 'reachable with this key',
  cancelled: 'a one-day probe export was created and cancelled at once; its quota slot is back',
  spent: 'the probe finished before it could be cancelled: it used 1 export of the quota',
  fix: 'The key must be allowed to create activity exports (POST /export/activity); or turn activity.enabled off.',
};
