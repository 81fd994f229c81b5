/**
 * The simulator's own control endpoints under /__sim/ (never part of the Clari contract, design.md
 * section 6): GET /__sim/stats, GET and POST /__sim/clock (`{"advanceDays": n}` moves the tenant
 * forward), POST /__sim/config (fault rate, kinds and the routes they hit, limits) for tests and demos.
 */
import { FAULT_KINDS, type FaultKind } from './faults.js';
import { json } from './replies.js';
import type { SimCore } from './core.js';
import type { SimRequest, SimResponse } from './types.js';

export interface Controllable extends SimCore {
  stats(): Record<string, unknown>;
  today(): string;
  advanceDays(days: number): string;
}

export function control(sim: Controllable, request: SimRequest): SimResponse {
  if (request.path === '/__sim/stats' && request.method === 'GET') return json(200, sim.stats());
  if (request.path === '/__sim/clock') {
    if (request.method === 'GET') return json(200, { date: sim.today(), now: sim.now() });
    if (request.method === 'POST') return advanceClock(sim, request);
  }
  if (request.path === '/__sim/config' && request.method === 'POST') return configure(sim, request);
  return sim.replies.notFound();
}

function advanceClock(sim: Controllable, request: SimRequest): SimResponse {
  let days: unknown;
  try {
    days = (JSON.parse(request.body || '{}') as { advanceDays?: unknown }).advanceDays;
  } catch {
    days = undefined;
  }
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0)
    return json(400, { message: 'advanceDays must be a non-negative integer' });
  return json(200, { date: sim.advanceDays(days) });
}

function configure(sim: SimCore, request: SimRequest): SimResponse {
  try {
    const body = JSON.parse(request.body || '{}') as {
      faultRate?: unknown;
      faultKinds?: unknown;
      faultRoutes?: unknown;
      concurrencyLimit?: unknown;
      monthlyQuota?: unknown;
    };
    if (typeof body.faultRate === 'number') sim.faults.settings = { ...sim.faults.settings, rate: body.faultRate };
    if (Array.isArray(body.faultKinds))
      sim.faults.settings = {
        ...sim.faults.settings,
        kinds: body.faultKinds.filter((k): k is FaultKind => (FAULT_KINDS as readonly unknown[]).includes(k)),
      };
    if (Array.isArray(body.faultRoutes) || body.faultRoutes === null)
      sim.faults.settings = {
        ...sim.faults.settings,
        routes: body.faultRoutes?.filter((r): r is string => typeof r === 'string'),
      };
    if (typeof body.concurrencyLimit === 'number') sim.limits.concurrencyLimit = body.concurrencyLimit;
    if (typeof body.monthlyQuota === 'number') sim.limits.monthlyQuota = body.monthlyQuota;
    return json(200, { ok: true });
  } catch {
    return json(400, { message: 'body must be JSON' });
  }
}
