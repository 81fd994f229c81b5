import { describe, expect, it } from 'vitest';
import { deliver, type DispatchSettings, inQuietHours, type Outgoing, planDelivery, type Route } from './dispatch.js';
import { hierarchyIndex } from './hierarchy.js';
import type { Alert, Channel } from './types.js';

const alert = (id: string, severity: Alert['severity'] = 'warning'): Alert => ({
  alertId: id,
  rule: 'r',
  severity,
  fingerprint: `fp-${id}`,
  title: id,
  fields: [],
  text: id,
  data: {},
});

function recorder(name: string, fail = false): Channel & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    name,
    type: 'console',
    batches,
    send: (alerts) => {
      if (fail) return Promise.reject(new Error(`${name} is down`));
      batches.push(alerts.map((a) => a.alertId));
      return Promise.resolve();
    },
  };
}

const NOON_UTC = Date.parse('2026-11-24T12:00:00Z');
const settings: DispatchSettings = { digest: true, cooldownHours: 24 };
const out = (a: Alert, channels: string[] = []): Outgoing => ({ alert: a, channels });

describe('planDelivery', () => {
  it('holds back an alert sent on that channel within the cooldown, and sends it after', () => {
    const routes: Route[] = [{ channel: recorder('slack'), minSeverity: 'info' }];
    const recent = planDelivery([out(alert('a'))], routes, settings, () => NOON_UTC - 3_600_000, NOON_UTC);
    expect(recent.deliver.size).toBe(0);
    expect(recent.suppressed).toEqual([
      expect.objectContaining({ channel: 'slack', status: 'suppressed', reason: expect.stringContaining('cooldown') }),
    ]);
    const old = planDelivery([out(alert('a'))], routes, settings, () => NOON_UTC - 25 * 3_600_000, NOON_UTC);
    expect(old.deliver.get('slack')!.map((a) => a.alertId)).toEqual(['a']);
  });

  it('routes by severity and by the rule’s channels', () => {
    const routes: Route[] = [
      { channel: recorder('pager'), minSeverity: 'critical' },
      { channel: recorder('slack'), minSeverity: 'info' },
      { channel: recorder('mail'), minSeverity: 'info' },
    ];
    const plan = planDelivery(
      [out(alert('w')), out(alert('c', 'critical')), out(alert('only-mail'), ['mail'])],
      routes,
      settings,
      () => undefined,
      NOON_UTC,
    );
    expect(plan.deliver.get('pager')!.map((a) => a.alertId)).toEqual(['c']);
    expect(plan.deliver.get('slack')!.map((a) => a.alertId)).toEqual(['w', 'c']);
    expect(plan.deliver.get('mail')!.map((a) => a.alertId)).toEqual(['w', 'c', 'only-mail']);
  });

  it('records an alert no channel takes, so every decision is written', () => {
    const plan = planDelivery([out(alert('x'))], [], settings, () => undefined, NOON_UTC);
    expect(plan.suppressed).toEqual([expect.objectContaining({ channel: 'none', reason: 'no channel configured' })]);
  });

  it('keeps quiet hours in the configured time zone, letting critical alerts through', () => {
    const routes: Route[] = [{ channel: recorder('slack'), minSeverity: 'info' }];
    // 12:00 UTC is 07:00 in New York (EST, UTC-5): inside 20:00-08:00 there.
    const quiet = {
      ...settings,
      quietHours: { from: '20:00', to: '08:00', timezone: 'America/New_York', allow: 'critical' as const },
    };
    const plan = planDelivery([out(alert('w')), out(alert('c', 'critical'))], routes, quiet, () => undefined, NOON_UTC);
    expect(plan.deliver.get('slack')!.map((a) => a.alertId)).toEqual(['c']);
    expect(plan.suppressed[0]).toMatchObject({ status: 'suppressed', reason: expect.stringContaining('quiet hours') });
    expect(inQuietHours({ from: '20:00', to: '08:00', timezone: 'Europe/Berlin', allow: 'critical' }, NOON_UTC)).toBe(
      false,
    );
    expect(inQuietHours({ from: '09:00', to: '17:00', timezone: 'UTC', allow: 'critical' }, NOON_UTC)).toBe(true);
  });
});

describe('deliver', () => {
  it('sends one digest per channel, or one message per alert', async () => {
    const slack = recorder('slack');
    const routes: Route[] = [{ channel: slack, minSeverity: 'info' }];
    const plan = planDelivery([out(alert('a')), out(alert('b'))], routes, settings, () => undefined, NOON_UTC);
    const decisions = await deliver(plan, [], routes, settings, { runId: 'r', asOf: '2026-11-24' });
    expect(slack.batches).toEqual([['a', 'b']]);
    expect(decisions.map((d) => d.status)).toEqual(['sent', 'sent']);
    const single = recorder('slack');
    await deliver(
      plan,
      [],
      [{ channel: single, minSeverity: 'info' }],
      { ...settings, digest: false },
      { runId: 'r', asOf: '2026-11-24' },
    );
    expect(single.batches).toEqual([['a'], ['b']]);
  });

  it('records a failing channel as failed without losing the others, and re-sends earlier failures', async () => {
    const good = recorder('good');
    const routes: Route[] = [
      { channel: recorder('bad', true), minSeverity: 'info' },
      { channel: good, minSeverity: 'info' },
    ];
    const plan = planDelivery([out(alert('a'))], routes, settings, () => undefined, NOON_UTC);
    const decisions = await deliver(plan, [{ channel: 'good', alert: alert('old') }], routes, settings, {
      runId: 'r',
      asOf: '2026-11-24',
    });
    expect(decisions).toEqual([
      expect.objectContaining({ channel: 'bad', status: 'failed', reason: 'bad is down' }),
      expect.objectContaining({ channel: 'good', status: 'sent', alert: expect.objectContaining({ alertId: 'a' }) }),
      expect.objectContaining({ channel: 'good', status: 'sent', alert: expect.objectContaining({ alertId: 'old' }) }),
    ]);
    expect(good.batches).toEqual([['a', 'old']]);
  });
});

describe('hierarchyIndex', () => {
  const users = [
    { userId: 'cro', email: 'cro@x.com', hierarchyId: 'H0', hierarchyName: 'CRO', parentHierarchyId: null },
    { userId: 'vp', email: 'vp@x.com', hierarchyId: 'H1', hierarchyName: 'VP West', parentHierarchyId: 'H0' },
    { userId: 'mgr', email: 'mgr@x.com', hierarchyId: 'H2', hierarchyName: 'Manager West', parentHierarchyId: 'H1' },
    { userId: 'rep', email: 'rep@x.com', hierarchyId: 'H3', hierarchyName: 'AE West', parentHierarchyId: 'H2' },
    { userId: 'loop', email: 'l@x.com', hierarchyId: 'L', hierarchyName: 'Loop', parentHierarchyId: 'L' },
  ];
  it('climbs to the top for scope, and gives the nearest managers for routing', () => {
    expect(hierarchyIndex(users, 1)('rep')).toEqual({
      nodes: ['H3', 'AE West', 'H2', 'Manager West', 'H1', 'VP West', 'H0', 'CRO'],
      managerEmails: ['mgr@x.com'],
    });
    expect(hierarchyIndex(users, 2)('rep')!.managerEmails).toEqual(['mgr@x.com', 'vp@x.com']);
    expect(hierarchyIndex(users, 1)('loop')).toEqual({ nodes: ['L', 'Loop'], managerEmails: [] });
    expect(hierarchyIndex(users, 1)('nobody')).toBeUndefined();
  });
});
