/**
 * An independent reading of the deals the simulator served, for comparing the warehouse with it: a
 * tap on the simulator keeps every activity export's results (by job id) and every GET /opportunity
 * answer it sent whole, parsed with plain JSON.parse; the expected warehouse contents are derived
 * from them here with simple code of their own (never the pipeline's transforms), and the warehouse
 * is read back into the same shapes.
 */
import type { RunningSimulator } from '../../src/sim/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';

export interface ServedActivity {
  activityId: string;
  activityType: string;
  subject: string;
  date: number;
  activityOwnerId: string;
  activityOrganiserId: string;
  accounts: { accountId: string; accountName: string; accountOwnerId: string }[];
  opportunities: { opportunityId: string; opportunityName: string; opportunityOwnerId: string }[];
  participants: { name: string; email: string; sfdcUserId: string; isInternal: boolean }[];
}

export interface ServedOpportunity {
  id: string;
  crmScore: { score: number; message: string };
  fields: {
    id: string;
    value: string | number;
    trendHistory: { oldValue: string; newValue: string; date: string }[];
  }[];
}

/** Keeps what the simulator served whole: activity results by job id, opportunity answers in order. */
export class ServedDeals {
  private readonly activities = new Map<string, ServedActivity[]>();
  /** Every GET /opportunity answer served whole, with the business date it was served on. */
  readonly opportunityAnswers: { date: string; ids: string[]; opportunities: ServedOpportunity[] }[] = [];

  constructor(sim: RunningSimulator) {
    const simulator = sim.simulator;
    const handle = simulator.handle.bind(simulator);
    simulator.handle = (request) => {
      const response = handle(request);
      if (response.status !== 200 || response.fault || typeof response.body !== 'string') return response;
      const jobId = /\/export\/jobs\/([^/]+)\/results$/.exec(request.path)?.[1];
      if (!jobId && !request.path.endsWith('/opportunity')) return response;
      let body: unknown;
      try {
        body = JSON.parse(response.body);
      } catch {
        return response; // a CSV forecast export
      }
      if (jobId && typeof body === 'object' && body !== null && 'activities' in body && !this.activities.has(jobId))
        this.activities.set(jobId, (body as { activities: ServedActivity[] }).activities);
      if (request.path.endsWith('/opportunity'))
        this.opportunityAnswers.push({
          date: simulator.today(),
          ids: request.query.getAll('oppId'),
          opportunities: body as ServedOpportunity[],
        });
      return response;
    };
  }

  has(jobId: string): boolean {
    return this.activities.has(jobId);
  }

  activitiesOf(jobId: string): ServedActivity[] {
    const served = this.activities.get(jobId);
    if (!served) throw new Error(`the simulator never served activity job ${jobId} whole`);
    return served;
  }
}

/** A warehouse timestamp (`YYYY-MM-DD HH:MM:SS[.fff]`, UTC) as epoch ms. */
export const epochOf = (text: unknown): number => Date.parse(`${String(text).replace(' ', 'T')}Z`);

/** One activity with everything the warehouse keeps of it, as comparable JSON. */
function activityKey(a: {
  type: string | null;
  subject: string | null;
  at: number;
  owner: string | null;
  organiser: string | null;
  accountIds: string[];
  opportunityIds: string[];
  participants: string[];
  accounts: string[];
  opportunities: string[];
}): string {
  return JSON.stringify(a);
}

const blank = (v: string): string | null => (v === '' ? null : v);

function servedRow(a: ServedActivity): string {
  return activityKey({
    type: blank(a.activityType),
    subject: a.subject,
    at: a.date,
    owner: blank(a.activityOwnerId),
    organiser: blank(a.activityOrganiserId),
    accountIds: a.accounts.map((x) => x.accountId),
    opportunityIds: a.opportunities.map((x) => x.opportunityId),
    participants: a.participants.map(
      (p, i) => `${i}|${blank(p.email)}|${blank(p.name)}|${blank(p.sfdcUserId)}|${p.isInternal}`,
    ),
    accounts: a.accounts.map((x, i) => `${i}|${x.accountId}|${blank(x.accountName)}|${blank(x.accountOwnerId)}`),
    opportunities: a.opportunities.map(
      (x, i) => `${i}|${x.opportunityId}|${blank(x.opportunityName)}|${blank(x.opportunityOwnerId)}`,
    ),
  });
}

export interface LoadedWindow {
  readonly jobId: string;
  /** The window's instants: [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * What clari_activities must hold after these windows were loaded in this order: each window
 * replaces the activities of its instants (and those it lists) with its own.
 */
export function expectedActivities(served: ServedDeals, windows: readonly LoadedWindow[]): Map<string, string> {
  const rows = new Map<string, { at: number; row: string }>();
  for (const w of windows) {
    const listed = served.activitiesOf(w.jobId);
    for (const [id, r] of rows) if (r.at >= w.fromMs && r.at < w.toMs) rows.delete(id);
    for (const a of listed) rows.set(a.activityId, { at: a.date, row: servedRow(a) });
  }
  return new Map([...rows].map(([id, r]) => [id, r.row]));
}

/** clari_activities with their children, in the same shape. */
export async function warehouseActivities(wh: Warehouse): Promise<Map<string, string>> {
  const children = async (table: string, columns: string): Promise<Map<string, string[]>> => {
    const rows = await wh.query<Record<string, string | number | boolean | null>>(
      `SELECT activity_id, ordinal, ${columns} FROM ${table} ORDER BY activity_id, ordinal`,
    );
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const list = out.get(String(r.activity_id)) ?? [];
      list.push(
        [Number(r.ordinal), ...columns.split(', ').map((c) => (r[c] === null ? 'null' : String(r[c])))].join('|'),
      );
      out.set(String(r.activity_id), list);
    }
    return out;
  };
  const participants = await children('clari_activity_participants', 'email, name, crm_user_id, is_internal');
  const accounts = await children('clari_activity_accounts', 'account_id, account_name, owner_crm_id');
  const opportunities = await children(
    'clari_activity_opportunities',
    'opportunity_id, opportunity_name, owner_crm_id',
  );
  const rows = await wh.query<Record<string, unknown>>('SELECT * FROM clari_activities');
  const out = new Map<string, string>();
  for (const r of rows) {
    const id = String(r.activity_id);
    out.set(
      id,
      activityKey({
        type: r.activity_type as string | null,
        subject: r.subject as string | null,
        at: epochOf(r.activity_at),
        owner: r.owner_crm_id as string | null,
        organiser: r.organiser_crm_id as string | null,
        accountIds: r.account_ids as string[],
        opportunityIds: r.opportunity_ids as string[],
        participants: participants.get(id) ?? [],
        accounts: accounts.get(id) ?? [],
        opportunities: opportunities.get(id) ?? [],
      }),
    );
  }
  return out;
}

/** The loaded windows in business-date order, with their instants (read from the ledger and the request). */
export async function loadedWindows(
  wh: Warehouse,
  offsetMinutes = 0,
): Promise<{ asOf: string; from: string; to: string; jobId: string; fromMs: number; toMs: number }[]> {
  const rows = await wh.query<{ as_of: string; from_date: string; to_date: string; job_id: string }>(
    'SELECT as_of, from_date, to_date, job_id FROM clari_activity_windows ORDER BY as_of',
  );
  const midnight = (date: string): number => Date.parse(`${date}T00:00:00Z`) - offsetMinutes * 60_000;
  return rows.map((r) => ({
    asOf: r.as_of,
    from: r.from_date,
    to: r.to_date,
    jobId: r.job_id,
    fromMs: midnight(r.from_date),
    toMs: midnight(r.to_date) + 86_400_000,
  }));
}

const field = (o: ServedOpportunity, id: string): string | number | null =>
  o.fields.find((f) => f.id === id)?.value ?? null;

/** The current version each opportunity must have: its values in the latest answer that listed it. */
export function expectedOpportunities(answers: readonly { opportunities: ServedOpportunity[] }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const answer of answers)
    for (const o of answer.opportunities)
      out.set(
        o.id,
        JSON.stringify([
          field(o, 'opportunity.name'),
          field(o, 'opportunity.ownerId'),
          Number(field(o, 'opportunity.amount')).toFixed(2),
          field(o, 'opportunity.stage'),
          field(o, 'opportunity.closeDate'),
          o.crmScore.score,
          o.crmScore.message,
        ]),
      );
  return out;
}

export async function warehouseOpportunities(wh: Warehouse): Promise<Map<string, string>> {
  const rows = await wh.query<Record<string, unknown>>('SELECT * FROM clari_opportunities WHERE valid_to IS NULL');
  return new Map(
    rows.map((r) => [
      String(r.opportunity_id),
      JSON.stringify([
        r.name,
        r.owner_crm_id,
        Number(r.amount).toFixed(2),
        r.stage,
        r.close_date,
        Number(r.crm_score),
        r.crm_score_message,
      ]),
    ]),
  );
}

/** Every trend point ever served, once each. */
export function expectedHistory(answers: readonly { opportunities: ServedOpportunity[] }[]): Set<string> {
  const out = new Set<string>();
  for (const answer of answers)
    for (const o of answer.opportunities)
      for (const f of o.fields)
        for (const p of f.trendHistory) out.add(`${o.id}|${f.id}|${p.oldValue}|${p.newValue}|${Date.parse(p.date)}`);
  return out;
}

export async function warehouseHistory(wh: Warehouse): Promise<string[]> {
  const rows = await wh.query<Record<string, string | null>>(
    'SELECT opportunity_id, field_id, old_value, new_value, changed_at FROM clari_opportunity_field_history',
  );
  return rows.map(
    (r) => `${r.opportunity_id}|${r.field_id}|${String(r.old_value)}|${String(r.new_value)}|${epochOf(r.changed_at)}`,
  );
}

/** Keys a deal table must not repeat. */
export async function dealDuplicates(wh: Warehouse): Promise<Record<string, number>> {
  const checks: Record<string, string> = {
    'activities twice': 'SELECT activity_id FROM clari_activities GROUP BY activity_id HAVING count(*) > 1',
    'participants twice':
      'SELECT activity_id FROM clari_activity_participants GROUP BY activity_id, ordinal HAVING count(*) > 1',
    'links twice':
      'SELECT activity_id FROM clari_activity_opportunities GROUP BY activity_id, ordinal HAVING count(*) > 1',
    'orphan participants':
      'SELECT p.activity_id FROM clari_activity_participants p WHERE NOT EXISTS (SELECT 1 FROM clari_activities a WHERE a.activity_id = p.activity_id)',
    'opportunities open twice':
      'SELECT opportunity_id FROM clari_opportunities WHERE valid_to IS NULL GROUP BY opportunity_id HAVING count(*) > 1',
    'opportunity versions overlapping': `SELECT a.opportunity_id FROM clari_opportunities a JOIN clari_opportunities b
      ON a.opportunity_id = b.opportunity_id AND a.valid_from < b.valid_from AND (a.valid_to IS NULL OR a.valid_to > b.valid_from)`,
    'opportunity versions empty':
      'SELECT opportunity_id FROM clari_opportunities WHERE valid_to IS NOT NULL AND valid_to <= valid_from',
    'trend points twice':
      'SELECT opportunity_id FROM clari_opportunity_field_history GROUP BY opportunity_id, field_id, changed_at, old_value, new_value HAVING count(*) > 1',
  };
  const out: Record<string, number> = {};
  for (const [name, sql] of Object.entries(checks)) {
    const [row] = await wh.query<{ n: string | number }>(`SELECT count(*) AS n FROM (${sql}) d`);
    out[name] = Number(row?.n ?? 0);
  }
  return out;
}
