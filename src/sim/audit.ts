/**
 * The tenant's audit log (GET /audit/events): seeded with a month of logins and call updates, then
 * every export and legacy forecast read is recorded. Paged with a cursor in `nextLink`, as Clari
 * does, and filtered by date range and event.
 */
import { hashString, seededRandom } from '../core/index.js';
import { json } from './replies.js';
import type { Tenant } from './tenant.js';
import { DAY_MS, type SimRequest, type SimResponse, WINDOW_MS } from './types.js';

interface AuditEvent {
  readonly at: number;
  readonly actorId: number;
  readonly event: string;
  readonly params: Record<string, unknown>;
}

const invalid = (message: string, target: string): SimResponse =>
  json(400, { errors: [{ code: 'invalid_parameter', message, target, status: '400', details: [] }] });

export class AuditLog {
  private readonly events: AuditEvent[] = [];

  constructor(
    private readonly tenant: Tenant,
    private readonly now: () => number,
    seed: number,
  ) {
    const r = seededRandom(`${seed}|audit`);
    const at = now();
    const users = tenant.users;
    for (let i = 0; i < 240; i++) {
      const user = users[Math.floor(r() * users.length)]!;
      this.events.push({
        at: at - Math.floor(r() * 29 * DAY_MS),
        actorId: user.num,
        event: r() < 0.5 ? 'forecast.call.updated' : 'user.login',
        params: { forecastId: tenant.forecastIds[0] },
      });
    }
    this.events.sort((a, b) => a.at - b.at);
  }

  record(actorId: number, event: string, params: Record<string, unknown>): void {
    this.events.push({ at: this.now(), actorId, event, params });
  }

  /** GET /audit/events. */
  page(request: SimRequest): SimResponse {
    const q = request.query;
    const limit = q.get('limit') === null ? 100 : Number(q.get('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return invalid('limit must be an integer between 1 and 1000', 'limit');
    const now = this.now();
    const from = q.get('dateFrom') ? Date.parse(q.get('dateFrom')!) : now - WINDOW_MS;
    const to = q.get('dateTo') ? Date.parse(q.get('dateTo')!) : now;
    if (Number.isNaN(from) || Number.isNaN(to)) return invalid('dateFrom/dateTo must be ISO dates', 'dateFrom');
    const event = q.get('event');
    const matching = this.events.filter((e) => e.at >= from && e.at <= to && (!event || e.event === event));
    const offset = Number(q.get('cursor') ?? 0) || 0;
    const page = matching.slice(offset, offset + limit);
    const body: Record<string, unknown> = {
      items: page.map((e, i) => ({
        correlationID: `${hashString(`${e.at}|${i + offset}`).toString(16)}-audit`,
        actorId: e.actorId,
        impersonatingActorId: null,
        actorType: 'USER',
        sessionId: null,
        ipAddress: '203.0.113.7',
        sessionType: 'WEB',
        event: e.event,
        eventParameters: e.params,
        eventTimestamp: new Date(e.at).toISOString(),
      })),
      actors: [...new Set(page.map((e) => e.actorId))].map((id) => this.actor(id)),
    };
    if (offset + limit < matching.length) {
      const next = new URLSearchParams(q);
      next.delete('apikey');
      next.set('cursor', String(offset + limit));
      body.nextLink = `${request.origin}/v4/audit/events?${next.toString()}`;
    }
    return json(200, body);
  }

  private actor(id: number): Record<string, unknown> {
    const user = this.tenant.users.find((u) => u.num === id || u.index + 1 === id);
    return {
      actorType: 'USER',
      actorId: id,
      name: user?.name ?? 'Integration User',
      email: user?.email ?? 'integration@example.com',
    };
  }
}
