/**
 * `clari-dp alerts backtest`: replays the stored snapshots of a period through the alert rules, in
 * date order with cooldown simulated, and counts what each rule would have sent, so thresholds can
 * be tuned before going live. Nothing is sent or written. Operational rules (failures, quota) are
 * about runs, not snapshots, and are not replayed.
 */
import { evaluate, isForecastRule, needsSignals, type RuleSpec } from '../alerts/index.js';
import { type ForecastEvent, loadChangeEvents, loadSignalEvents } from '../changes/index.js';
import { epochMsOfDate } from '../domain/index.js';
import { alertsSql, type Warehouse } from '../warehouse/index.js';
import { type AlertSetup, ownerPlaces } from './notify.js';

export interface BacktestRow {
  readonly rule: string;
  readonly type: RuleSpec['type'];
  /** Alerts the rule would have sent. */
  readonly fired: number;
  /** Alerts it raised that the cooldown would have held back. */
  readonly cooledDown: number;
  /** Snapshots on which it would have sent at least one alert. */
  readonly days: number;
}

export interface BacktestResult {
  readonly period: string;
  readonly snapshots: number;
  readonly rows: readonly BacktestRow[];
}

export async function backtest(
  wh: Warehouse,
  setup: AlertSetup,
  options: { period: string; forecasts?: readonly string[] | undefined },
): Promise<BacktestResult> {
  const snapshots = await alertsSql.snapshotsOfPeriod(wh, options.period);
  const wanted = snapshots.filter((s) => !options.forecasts?.length || options.forecasts.includes(s.forecast_id));
  const rules = setup.rules.filter((r) => isForecastRule(r) || r.type === 'stale_submission');
  const tally = new Map(rules.map((r) => [r.name, { fired: 0, cooledDown: 0, days: new Set<string>() }]));
  const lastSent = new Map<string, number>();
  const place = await ownerPlaces(wh, setup);
  for (const s of wanted) {
    let events: ForecastEvent[] = await loadChangeEvents(wh, {
      forecastId: s.forecast_id,
      period: options.period,
      snapshot: s.snapshot_date,
    });
    if (needsSignals(rules))
      events = [
        ...events,
        ...(await loadSignalEvents(wh, { forecastId: s.forecast_id, period: options.period, asOf: s.snapshot_date })),
      ];
    const at = epochMsOfDate(s.snapshot_date) + 12 * 3_600_000;
    for (const candidate of evaluate(rules, events, [], place)) {
      const t = tally.get(candidate.rule.name)!;
      const cooldown = (candidate.rule.cooldownHours ?? setup.settings.cooldownHours) * 3_600_000;
      const sent = lastSent.get(candidate.fingerprint);
      if (sent !== undefined && at - sent < cooldown) t.cooledDown++;
      else {
        t.fired++;
        t.days.add(s.snapshot_date);
        lastSent.set(candidate.fingerprint, at);
      }
    }
  }
  return {
    period: options.period,
    snapshots: wanted.length,
    rows: rules.map((r) => {
      const t = tally.get(r.name)!;
      return { rule: r.name, type: r.type, fired: t.fired, cooledDown: t.cooledDown, days: t.days.size };
    }),
  };
}
