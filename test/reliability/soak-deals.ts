/**
 * The soak's checks of the deals stage (activity.enabled), after every simulated day, against what
 * the simulator served (support/deals-reference.ts), never against the code under test:
 *
 * - the loaded activity windows chain from the first one's start with one day of overlap and no
 *   gap, and each names a job whose results the simulator served whole;
 * - clari_activities (with participants, accounts, opportunities and arrays) equals those windows'
 *   payloads, each replacing the dates it covers, in business-date order;
 * - each current opportunity version equals what the simulator answered for it on the latest date
 *   a refresh was loaded for; every trend point kept was served; no deal key repeats;
 * - a failed deals step has an alert and makes the run partial.
 */
import type { RunningSimulator } from '../../src/sim/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import {
  dealDuplicates,
  expectedActivities,
  expectedHistory,
  expectedOpportunities,
  loadedWindows,
  ServedDeals,
  warehouseActivities,
  warehouseHistory,
  warehouseOpportunities,
} from '../support/deals-reference.js';
import type { WebhookAlert } from '../support/reliability.js';

export interface DealsLine {
  readonly window: { from: string; to: string } | null;
  readonly activities: { status: string; errorCode?: string };
  readonly opportunities: { status: string; errorCode?: string };
}

export interface DealsSoakReport {
  windowsVerified: number;
  activitiesCompared: number;
  opportunitiesCompared: number;
  stepsFailed: number;
}

export class DealsSoak {
  private readonly served: ServedDeals;
  readonly report: DealsSoakReport = {
    windowsVerified: 0,
    activitiesCompared: 0,
    opportunitiesCompared: 0,
    stepsFailed: 0,
  };

  constructor(sim: RunningSimulator) {
    this.served = new ServedDeals(sim);
  }

  async checkDay(
    wh: Warehouse,
    date: string,
    deals: DealsLine | undefined,
    alerts: readonly WebhookAlert[],
    problem: (text: string) => void,
  ): Promise<void> {
    if (!deals) problem('the run reported no deals stage');
    for (const [name, step] of Object.entries({ activity: deals?.activities, opportunity: deals?.opportunities })) {
      if (step?.status !== 'failed') continue;
      this.report.stepsFailed++;
      if (!alerts.some((a) => a.asOf === date && a.data.forecastId === name))
        problem(`the ${name} step failed (${step.errorCode}) without an alert`);
    }
    await this.checkWindows(wh, problem);
    await this.checkOpportunities(wh, problem);
    for (const [what, n] of Object.entries(await dealDuplicates(wh))) if (n > 0) problem(`deals: ${n} x ${what}`);
  }

  private async checkWindows(wh: Warehouse, problem: (text: string) => void): Promise<void> {
    const windows = await loadedWindows(wh);
    for (let i = 1; i < windows.length; i++)
      if (windows[i]!.from > windows[i - 1]!.asOf)
        problem(`activity gap: window ${windows[i]!.from}..${windows[i]!.to} after one ending ${windows[i - 1]!.asOf}`);
    const missing = windows.filter((w) => !this.served.has(w.jobId));
    if (missing.length > 0) {
      problem(`activity windows name jobs the simulator never served whole: ${missing.map((w) => w.jobId).join(', ')}`);
      return;
    }
    const expected = expectedActivities(this.served, windows);
    const actual = await warehouseActivities(wh);
    this.report.windowsVerified += windows.length;
    this.report.activitiesCompared += expected.size;
    const differ = [...expected].filter(([id, row]) => actual.get(id) !== row).length;
    const extra = [...actual.keys()].filter((id) => !expected.has(id)).length;
    if (differ + extra > 0)
      problem(`activities differ from the served windows: ${differ} missing or different, ${extra} not served`);
  }

  private async checkOpportunities(wh: Warehouse, problem: (text: string) => void): Promise<void> {
    const dates = (
      await wh.query<{ as_of: string }>('SELECT as_of FROM clari_opportunity_snapshots ORDER BY as_of')
    ).map((r) => r.as_of);
    // Within a day the simulator answers the same for an id, so the answers of loaded dates say it all.
    const answers = this.served.opportunityAnswers.filter((a) => dates.includes(a.date));
    const expected = expectedOpportunities(answers);
    const actual = await warehouseOpportunities(wh);
    this.report.opportunitiesCompared += actual.size;
    const differ = [...actual].filter(([id, row]) => expected.get(id) !== row);
    if (differ.length > 0)
      problem(
        `${differ.length} current opportunity version(s) differ from the last answer loaded, e.g. ${differ[0]![0]}`,
      );
    const served = expectedHistory(this.served.opportunityAnswers);
    const unknown = (await warehouseHistory(wh)).filter((p) => !served.has(p));
    if (unknown.length > 0) problem(`${unknown.length} trend point(s) kept that the simulator never served`);
  }
}
