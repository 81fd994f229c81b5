/**
 * The alert stage of a run: the run's loaded snapshots and failed exports go to notify (rules,
 * routing, cooldown, delivery, alert log). Alerting that itself fails is a warning and one failed
 * decision, so the run is partial: the data loaded, but someone was not told.
 */
import { periodOfDate } from '../domain/index.js';
import { notify } from './notify.js';
import type { PlannedExport } from './plan.js';
import { messageOf, type RunScope } from './run-record.js';
import { stopReason } from './stop.js';
import type { DealsSummary, ExportSummary, PipelineDeps, RunSettings, RunSummary } from './types.js';

export async function alertRun(
  deps: PipelineDeps,
  scope: RunScope,
  outcome: {
    readonly planned: readonly PlannedExport[];
    readonly exports: readonly ExportSummary[];
    readonly deals?: DealsSummary | undefined;
  },
  quota: RunSummary['quota'],
  settings: RunSettings,
): Promise<RunSummary['alertDecisions']> {
  const { planned, exports } = outcome;
  const period = periodOfDate(scope.asOf, settings.fiscal);
  if (!deps.alerts || stopReason(deps.signal)) return undefined;
  try {
    const result = await notify(
      deps.warehouse,
      deps.alerts,
      {
        runId: scope.runId,
        asOf: scope.asOf,
        snapshots: exports
          .filter((e) => e.status !== 'failed')
          .map((e) => ({ forecastId: e.forecastId, period: e.timePeriod })),
        currentPeriod: period,
        forecasts: [...new Set(planned.map((p) => p.forecastId))],
        failures: [
          ...exports
            .filter((e) => e.status === 'failed')
            .map((e) => ({
              forecastId: e.forecastId,
              period: e.timePeriod,
              code: e.errorCode ?? 'internal.unexpected',
              message: e.error ?? '',
            })),
          // A failed deals step alerts like a failed export, named `activity` or `opportunity`.
          ...dealFailures(outcome.deals, period),
        ],
        quota,
        breakerOpen: deps.client.breakerState === 'open' || exports.some((e) => e.errorCode === 'clari.circuit_open'),
      },
      { clock: deps.clock, logger: scope.log, checkpoint: scope.checkpoint },
    );
    return { sent: result.sent, suppressed: result.suppressed, failed: result.failed };
  } catch (error) {
    scope.warnings.push(`alerting failed: ${messageOf(error)}`);
    return { sent: 0, suppressed: 0, failed: 1 };
  }
}

function dealFailures(
  deals: DealsSummary | undefined,
  period: string,
): { forecastId: string; period: string; code: string; message: string }[] {
  if (!deals) return [];
  return (
    [
      ['activity', deals.activities],
      ['opportunity', deals.opportunities],
    ] as const
  )
    .filter(([, step]) => step.status === 'failed')
    .map(([forecastId, step]) => ({
      forecastId,
      period,
      code: step.errorCode ?? 'internal.unexpected',
      message: step.error ?? '',
    }));
}
