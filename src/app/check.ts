import { type ClariClient, type ExportLimits, isClariError } from '../clari/index.js';
import { describeError, isAppError } from '../core/index.js';

/** One line of `clari-dp doctor`: a PASS, WARN or FAIL with its detail and, when not PASS, the fix. */
export type CheckStatus = 'PASS' | 'WARN' | 'FAIL';

export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string | undefined;
}

/** What a failed probe's line says: the error's message, and its hint as the fix. */
export const message = (error: unknown): string => (isAppError(error) ? error.message : describeError(error));
export const hint = (error: unknown): string | undefined => (isAppError(error) ? error.hint : undefined);

/** How a probe export's line reads; the rest of the line is the same for every probe. */
export interface ProbeWords {
  readonly name: string;
  /** What a PASS line says first: `valid`, `reachable with this key`. */
  readonly verdict: string;
  /** The PASS line's note when the probe was cancelled in time. */
  readonly cancelled: string;
  /** The PASS line's note when the probe finished before the cancel reached it. */
  readonly spent: string;
  /** The fix of a FAIL line whose error has no hint. */
  readonly fix?: string | undefined;
}

/**
 * One probe export (a forecast id, the activity export): created and cancelled at once, which gives
 * its quota slot back (clari-api.md 2.3). PASS when Clari took it, WARN when no slot or capacity was
 * free to try, FAIL with the error's hint otherwise.
 */
export async function probeExport(
  words: ProbeWords,
  limits: ExportLimits,
  client: Pick<ClariClient, 'cancelJob'>,
  create: () => Promise<{ jobId: string }>,
): Promise<Check> {
  const { name, verdict } = words;
  if (limits.availableConcurrentLimit <= 0)
    return {
      name,
      status: 'WARN',
      detail: 'not checked: no free export slot for a probe',
      fix: 'Run doctor again when exports finish.',
    };
  let jobId: string;
  try {
    ({ jobId } = await create());
  } catch (error) {
    const capacity = isClariError(error, 'clari.capacity');
    return {
      name,
      status: capacity ? 'WARN' : 'FAIL',
      detail: capacity ? 'not checked: the tenant is at its export capacity' : message(error),
      fix: hint(error) ?? words.fix,
    };
  }
  try {
    await client.cancelJob(jobId);
    return { name, status: 'PASS', detail: `${verdict} (${words.cancelled})` };
  } catch (error) {
    const note = isClariError(error, 'clari.cancel_failed')
      ? words.spent
      : `the probe export ${jobId} could not be cancelled: ${message(error)}`;
    return { name, status: 'PASS', detail: `${verdict} (${note})` };
  }
}
