/**
 * The activity window (pure): first export, one day of overlap after, no gap after skipped days or
 * across a quarter boundary, the same plan on a re-run, a fresh start after a long pause, a widened
 * window exported whole; the request's bounds carry the zone's offset on each date.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVITY_TYPES } from '../clari/index.js';
import { FakeClock } from '../core/index.js';
import { activityWindow, planActivity, refreshFingerprint, windowInstants, windowStart } from './deal-plan.js';
import { JobState } from './job-state.js';
import { Landing } from './landing.js';
import { planDeals } from './planner.js';

const FISCAL = { startMonth: 1 };
const Q = { window: 'quarter' };
const w = (as_of: string, from_date: string) => ({ as_of, from_date });

describe('activityWindow', () => {
  it('first export: from the start of the as-of date’s quarter (or N days) to the as-of date', () => {
    expect(activityWindow('2026-11-23', Q, FISCAL, [])).toEqual({ from: '2026-10-01', to: '2026-11-23' });
    expect(activityWindow('2026-11-23', { window: '30d' }, FISCAL, [])).toEqual({
      from: '2026-10-25',
      to: '2026-11-23',
    });
    // A fiscal year starting in February moves the quarter.
    expect(activityWindow('2026-11-23', Q, { startMonth: 2 }, [])).toEqual({ from: '2026-11-01', to: '2026-11-23' });
  });

  it('then from the last loaded date (one day of overlap), however many days passed, and the same plan again on a re-run', () => {
    const loaded = [w('2026-11-23', '2026-10-01')];
    expect(activityWindow('2026-11-24', Q, FISCAL, loaded)).toEqual({ from: '2026-11-23', to: '2026-11-24' });
    expect(activityWindow('2026-11-30', Q, FISCAL, loaded)).toEqual({ from: '2026-11-23', to: '2026-11-30' });
    // A re-run of 11-24 sees only windows before its date: the same window.
    const chain = [w('2026-11-23', '2026-10-01')];
    expect(activityWindow('2026-11-24', Q, FISCAL, chain)).toEqual(activityWindow('2026-11-24', Q, FISCAL, loaded));
  });

  it('across a quarter boundary the chain continues (no gap at the end of the old quarter)', () => {
    const loaded = [w('2026-12-30', '2026-12-29'), w('2026-12-29', '2026-10-01')];
    expect(activityWindow('2027-01-04', Q, FISCAL, loaded)).toEqual({ from: '2026-12-30', to: '2027-01-04' });
  });

  it('after a pause longer than one window, starts afresh at the window’s start', () => {
    const loaded = [w('2026-05-10', '2026-04-01')];
    expect(activityWindow('2026-11-23', Q, FISCAL, loaded)).toEqual({ from: '2026-10-01', to: '2026-11-23' });
    expect(activityWindow('2026-11-23', { window: '7d' }, FISCAL, [w('2026-11-08', '2026-11-02')])).toEqual({
      from: '2026-11-17',
      to: '2026-11-23',
    });
  });

  it('a chain that does not reach back to the window’s start (the window was widened) is exported whole once', () => {
    const loaded = [w('2026-11-23', '2026-11-22'), w('2026-11-22', '2026-11-01')];
    expect(activityWindow('2026-11-24', Q, FISCAL, loaded)).toEqual({ from: '2026-10-01', to: '2026-11-24' });
    // A chain broken by a gap counts from after the gap.
    const gap = [w('2026-11-23', '2026-11-20'), w('2026-11-10', '2026-10-01')];
    expect(activityWindow('2026-11-24', Q, FISCAL, gap)).toEqual({ from: '2026-10-01', to: '2026-11-24' });
  });

  it('refuses a window setting it does not know', () => {
    expect(() => windowStart('2026-11-23', 'month', FISCAL)).toThrow(RangeError);
  });
});

describe('planActivity', () => {
  const deal = { types: [...ACTIVITY_TYPES], timezone: 'America/New_York' };

  it('writes each bound at local midnight / end of day with the zone’s offset on that date (DST included)', () => {
    const planned = planActivity('2026-11-23', { from: '2026-10-01', to: '2026-11-23' }, deal, FISCAL);
    expect(planned.request).toEqual({
      activityTypes: [...ACTIVITY_TYPES],
      startDate: '2026-10-01T00:00:00-04:00',
      endDate: '2026-11-23T23:59:59-05:00',
      exportFormat: 'JSON',
    });
    expect(planned.fromMs).toBe(Date.parse('2026-10-01T04:00:00Z'));
    expect(planned.toMs).toBe(Date.parse('2026-11-24T05:00:00Z'));
    expect(planned.period).toBe('2026_Q4');
    expect(windowInstants(planned.request)).toEqual({ fromMs: planned.fromMs, toMs: planned.toMs });
  });

  it('the same window is the same fingerprint; another window or zone is another', () => {
    const a = planActivity('2026-11-24', { from: '2026-11-23', to: '2026-11-24' }, deal, FISCAL);
    const b = planActivity('2026-11-24', { from: '2026-11-23', to: '2026-11-24' }, deal, FISCAL);
    const c = planActivity('2026-11-24', { from: '2026-11-22', to: '2026-11-24' }, deal, FISCAL);
    const d = planActivity(
      '2026-11-24',
      { from: '2026-11-23', to: '2026-11-24' },
      { ...deal, timezone: 'UTC' },
      FISCAL,
    );
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(new Set([a.fingerprint, c.fingerprint, d.fingerprint]).size).toBe(3);
    expect(refreshFingerprint(['b', 'a'], 100)).toBe(refreshFingerprint(['a', 'b'], 100));
    expect(refreshFingerprint(['a', 'b'], 50)).not.toBe(refreshFingerprint(['a', 'b'], 100));
  });
});

describe('planDeals (the dry run’s decisions)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('a new activity export costs one unit of quota, a landed one none; opportunity calls per 100 ids unless cached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-deal-plan-'));
    dirs.push(dir);
    const clock = new FakeClock(Date.parse('2026-11-24T06:00:00Z'));
    const state = { landing: new Landing(dir, clock).deals(), jobs: new JobState(dir) };
    const planned = planActivity(
      '2026-11-24',
      { from: '2026-11-23', to: '2026-11-24' },
      { types: ['MEETING'], timezone: 'UTC' },
      FISCAL,
    );
    const ids = Array.from({ length: 250 }, (_, i) => `o${i}`);
    const refresh = { fingerprint: refreshFingerprint(['x'], 100), ids, batchSize: 100 };
    const options = { noCache: false, cacheTtlMs: 3_600_000 };
    expect(planDeals(state, planned, refresh, options)).toMatchObject({
      activity: { source: 'new', quotaCost: 1 },
      opportunityCalls: 3,
      opportunitiesCached: false,
    });
    const meta = { period: planned.period, asOf: planned.asOf, format: 'JSON' as const };
    await state.landing.land(
      { ...meta, forecastId: 'activity', jobId: 'j1', fingerprint: planned.fingerprint, request: planned.request },
      Readable.from([Buffer.from('{"activities":[]}')]),
    );
    await state.landing.land(
      {
        ...meta,
        forecastId: 'opportunity',
        jobId: 'r1',
        fingerprint: refresh.fingerprint,
        request: { opportunities: 250, batchSize: 100 },
      },
      Readable.from([Buffer.from('{"batches":[]}')]),
    );
    expect(planDeals(state, planned, refresh, options)).toMatchObject({
      activity: { source: 'cache', quotaCost: 0 },
      opportunityCalls: 0,
      opportunitiesCached: true,
    });
    expect(planDeals(state, planned, refresh, { ...options, noCache: true })).toMatchObject({
      activity: { source: 'new', quotaCost: 1 },
      opportunityCalls: 3,
    });
  });
});
