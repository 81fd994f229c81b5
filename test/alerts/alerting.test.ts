/**
 * Alerting end to end: the simulator advances day by day, the pipeline loads each day into a real
 * warehouse, and alerts go to real channels on loopback (an HTTP receiver playing Slack, including
 * a 429, and an SMTP server). The changes table and the alerts are checked against an independent
 * computation from the raw landed payloads: floor, percent, cooldown, digest, routing to managers,
 * a channel that is down, an empty export.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmailChannel, createSlackChannel, DEFAULT_RULES, type Route } from '../../src/alerts/index.js';
import { seededRandom } from '../../src/core/index.js';
import type { AlertSetup } from '../../src/pipeline/index.js';
import type { RunningSimulator } from '../../src/sim/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { testPipeline } from '../support/pipeline.js';
import { parseMail, recordingClock, runCleanups, startHttp, startSmtp } from '../support/receivers.js';
import { payloadFor, type RawPayload, rawPayloads } from '../support/reference.js';
import { startTestSim } from '../support/sim.js';
import { ENGINES, type TestWarehouse, testWarehouse } from '../support/warehouses.js';

const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'];
const FORECAST = 'net_new_arr';
const PERIOD = '2026_Q4';

/** Owner x call field amounts in the latest week of a payload, straight from the JSON. */
function latestCalls(payload: RawPayload): Map<string, number | null> {
  const week = payload.doc.entries
    .map((e) => e.timeFrameId)
    .sort()
    .pop()!;
  return new Map(
    payload.doc.entries
      .filter((e) => e.timeFrameId === week && e.forecastValue !== undefined)
      .map((e) => [`${e.userId}|${e.fieldId}`, e.forecastValue ?? null]),
  );
}

/** What the default swing rule must fire on, computed independently: |%| >= 20 and |$| >= 10,000. */
function expectedSwings(previous: RawPayload, current: RawPayload): Set<string> {
  const before = latestCalls(previous);
  const out = new Set<string>();
  for (const [key, now] of latestCalls(current)) {
    if (!before.has(key)) continue;
    const was = before.get(key) ?? null;
    if (was === now || now === null || was === null) continue;
    const change = now - was;
    const pct = was === 0 ? null : (change / Math.abs(was)) * 100;
    if (Math.abs(change) >= 10_000 && (pct === null || Math.abs(pct) >= 20)) {
      const [userId, fieldId] = key.split('|');
      out.add(`call-swing|${FORECAST}|${PERIOD}|${userId}|${fieldId}|${change >= 0 ? 'up' : 'down'}`);
    }
  }
  return out;
}

describe.each(ENGINES)('alerting on %s', (engine) => {
  let sim: RunningSimulator;
  let target: TestWarehouse;
  let wh: Warehouse;

  beforeEach(async () => {
    sim = await startTestSim({ asOf: DAYS[0], users: 40, forecasts: 1, seed: 11 });
    target = await testWarehouse(engine);
    wh = await target.open();
  });
  afterEach(async () => {
    await runCleanups();
    await wh.close();
    await target.dispose();
    await sim.close();
  });

  it('alerts on the rules, in one digest per channel, once per cooldown, to the right managers', async () => {
    let slackDown = false;
    const slack = await startHttp((n) =>
      n === 1
        ? { status: 429, headers: { 'retry-after': '2' } }
        : slackDown
          ? { status: 500, body: 'oops' }
          : { status: 200, body: 'ok' },
    );
    const smtp = await startSmtp();
    const clock = recordingClock();
    const routes: Route[] = [
      {
        channel: createSlackChannel({
          name: 'slack',
          webhookUrl: `${slack.base}/services/T1/B1/secret`,
          fetch,
          clock,
          random: seededRandom(3),
          maxAttempts: 3,
        }),
        minSeverity: 'info',
      },
      {
        channel: createEmailChannel({
          name: 'email',
          smtpUrl: `smtp://127.0.0.1:${smtp.port}?ignoreTLS=true`,
          from: 'clari-dp@example.com',
          to: ['revops@example.com'],
          routeToManagers: true,
        }),
        minSeverity: 'info',
      },
    ];
    const alerts: AlertSetup = {
      rules: DEFAULT_RULES,
      routes,
      settings: { digest: true, cooldownHours: 24 },
      managerLevels: 1,
    };
    const p = testPipeline(sim, wh, { alerts });
    const run = (asOf: string, forecasts = [FORECAST]) =>
      p.run({ asOf, periods: [PERIOD], forecasts: forecasts.map((id) => ({ id })) });

    // Day 1: the first snapshot has nothing to compare with.
    expect((await run(DAYS[0]!)).alerts).toBe(0);
    expect(slack.requests).toHaveLength(0);

    // Day 2: changes; the alerts are exactly the default rule applied to the payloads.
    sim.simulator.advanceDays(1);
    const day2 = await run(DAYS[1]!);
    const payloads = rawPayloads(`${p.dataDir}/landing`);
    const expected = expectedSwings(
      payloadFor(payloads, FORECAST, PERIOD, DAYS[0]!),
      payloadFor(payloads, FORECAST, PERIOD, DAYS[1]!),
    );
    expect(expected.size).toBeGreaterThan(0);
    const sent = await wh.query<{ fingerprint: string }>(
      "SELECT fingerprint FROM clari_alerts WHERE channel = 'slack' AND status = 'sent'",
    );
    expect(new Set(sent.map((r) => r.fingerprint))).toEqual(expected);
    expect(day2.alerts).toBe(expected.size * 2); // slack and email
    // Slack: the 429 was honoured (Retry-After 2 s), then one digest carried every alert.
    expect(clock.sleeps).toEqual([2000]);
    const posts = slack.requests
      .slice(1)
      .map((r) => JSON.parse(r.body) as { blocks: { type: string; text?: { text: string } }[] });
    const slackTitles = posts.flatMap((m) =>
      m.blocks.filter((b) => b.type === 'section' && b.text).map((b) => b.text!.text.split('\n')[0]!),
    );
    expect(slackTitles).toHaveLength(expected.size);
    // E-mail: one digest to RevOps with everything; each manager a digest of their own team only.
    const mails = smtp.mails.map((m) => ({ to: m.rcptTo, ...parseMail(m.raw) }));
    const revops = mails.filter((m) => m.to.includes('revops@example.com'));
    expect(revops).toHaveLength(1);
    expect(revops[0]!.headers.get('subject')).toContain(`${expected.size} forecast alert`);
    const users = payloadFor(payloads, FORECAST, PERIOD, DAYS[1]!).doc.users;
    const byNode = new Map(users.map((u) => [u.hierarchyId, u]));
    const managerOf = new Map(
      users.map((u) => [u.userId, u.parentHierarchyId ? byNode.get(u.parentHierarchyId)?.email : undefined]),
    );
    const expectedManagers = new Set(
      [...expected].map((f) => managerOf.get(f.split('|')[3]!)).filter((e): e is string => Boolean(e)),
    );
    const managerMails = mails.filter((m) => !m.to.includes('revops@example.com'));
    expect(new Set(managerMails.flatMap((m) => m.to))).toEqual(expectedManagers);
    for (const mail of managerMails) {
      const theirs = [...expected].filter((f) => managerOf.get(f.split('|')[3]!) === mail.to[0]).length;
      expect(mail.headers.get('subject')).toContain(`${theirs} forecast alert`);
    }

    // Day 2 again (the snapshot is replaced): the same alerts are held by the cooldown.
    const posted = slack.requests.length;
    const mailed = smtp.mails.length;
    const rerun = await run(DAYS[1]!);
    expect(rerun.alerts).toBe(0);
    expect(rerun.alertDecisions?.suppressed).toBe(expected.size * 2);
    expect(slack.requests).toHaveLength(posted);
    expect(smtp.mails).toHaveLength(mailed);
    expect(
      await wh.query(
        "SELECT count(*) AS n FROM clari_alerts WHERE status = 'suppressed' AND CAST(payload AS VARCHAR(100000)) LIKE '%cooldown%'",
      ),
    ).toEqual([{ n: String(expected.size * 2) }]);

    // Day 3 with Slack down (and a broken forecast id, so there is always a critical alert): the
    // run is partial and the undelivered alerts are kept as failed ...
    sim.simulator.advanceDays(1);
    slackDown = true;
    const day3 = await run(DAYS[2]!, [FORECAST, 'no_such_tab']);
    const failed = await wh.query<{ rule: string }>(
      "SELECT rule FROM clari_alerts WHERE channel = 'slack' AND status = 'failed'",
    );
    expect(failed.map((r) => r.rule)).toContain('export-failed');
    expect(day3.status).toBe('partial');
    expect(day3.alertDecisions?.failed).toBe(failed.length);
    // ... and the next run delivers them once Slack is back.
    slackDown = false;
    sim.simulator.advanceDays(1);
    const before = slack.requests.length;
    await run(DAYS[3]!);
    expect(
      await wh.query("SELECT count(*) AS n FROM clari_alerts WHERE channel = 'slack' AND status = 'failed'"),
    ).toEqual([{ n: '0' }]);
    const resent = slack.requests
      .slice(before)
      .map((r) => r.body)
      .join('\n');
    expect(resent).toContain('Export failed: no_such_tab 2026_Q4 (clari.forecast_not_found)');
  });

  it('an empty export sends a critical alert and keeps the data', async () => {
    const slack = await startHttp(() => ({ status: 200, body: 'ok' }));
    const routes: Route[] = [
      {
        channel: createSlackChannel({
          name: 'slack',
          webhookUrl: `${slack.base}/hook`,
          fetch,
          clock: recordingClock(),
          random: seededRandom(3),
        }),
        minSeverity: 'critical',
      },
    ];
    const p = testPipeline(sim, wh, {
      alerts: { rules: DEFAULT_RULES, routes, settings: { digest: true, cooldownHours: 24 }, managerLevels: 0 },
    });
    await p.run({ asOf: DAYS[0]!, periods: [PERIOD] });
    sim.simulator.advanceDays(1);
    await fetch(`${sim.origin}/__sim/config`, {
      method: 'POST',
      body: JSON.stringify({ faultRate: 1, faultKinds: ['empty'] }),
    });
    const summary = await p.run({ asOf: DAYS[1]!, periods: [PERIOD] });
    expect(summary.status).toBe('failed');
    expect(slack.requests).toHaveLength(1);
    const body = JSON.parse(slack.requests[0]!.body) as { text: string };
    expect(body.text).toContain(`Empty export: ${FORECAST} ${PERIOD} (data.empty_export)`);
    expect(await wh.query("SELECT rule, severity, status FROM clari_alerts WHERE channel = 'slack'")).toEqual([
      { rule: 'empty-export', severity: 'critical', status: 'sent' },
    ]);
  });
});
