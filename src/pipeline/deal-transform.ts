/**
 * Deal wire rows -> staging columns, pure and streaming (the deals' share of transform.ts): an
 * activity becomes one activity row, a row per participant and a row per account and opportunity
 * it names, in their order, all in one stage; an opportunity one row and a row per trend point.
 * While they pass, the payload-side figures of reconciliation are counted independently of the
 * warehouse.
 */
import type { OpportunityRecord, WireActivity } from '../clari/index.js';
import { type ColumnBatch, dealsSql, type SqlValue, type StageSpec } from '../warehouse/index.js';
import { TransformError } from './transform.js';

/** What an activity payload says, to reconcile against what was loaded. */
export interface ActivityStats {
  activities: number;
  participants: number;
  accountLinks: number;
  opportunityLinks: number;
}

export function emptyActivityStats(): ActivityStats {
  return { activities: 0, participants: 0, accountLinks: 0, opportunityLinks: 0 };
}

/** Column-major batches for a stage, filled row by row by column name (a row leaves the others NULL). */
class Rows {
  private readonly index: Map<string, number>;
  private readonly cols: SqlValue[][];
  private n = 0;

  constructor(spec: StageSpec) {
    this.index = new Map(spec.columns.map((c, i) => [c.name, i]));
    this.cols = spec.columns.map(() => []);
  }

  add(values: Readonly<Record<string, SqlValue>>): void {
    for (const col of this.cols) col.push(null);
    for (const [name, value] of Object.entries(values)) this.cols[this.index.get(name)!]![this.n] = value;
    this.n++;
  }

  get batch(): ColumnBatch {
    return this.cols;
  }
}

const orNull = (text: string): string | null => (text === '' ? null : text);

/** One batch of activities as stage rows: the activity, then its participants, accounts and opportunities. */
export function activityColumns(batch: readonly WireActivity[], stats: ActivityStats): ColumnBatch {
  const rows = new Rows(dealsSql.ACTIVITY_STAGE);
  for (const a of batch) {
    const activity_id = a.activityId;
    rows.add({
      kind: 'activity',
      activity_id,
      ordinal: 0,
      activity_type: orNull(a.activityType),
      subject: a.subject,
      activity_at: a.date,
      owner_crm_id: orNull(a.activityOwnerId),
      organiser_crm_id: orNull(a.activityOrganiserId),
    });
    a.participants.forEach((p, ordinal) =>
      // An external participant's sfdcUserId is "": NULL in the warehouse.
      rows.add({
        kind: 'participant',
        activity_id,
        ordinal,
        email: orNull(p.email),
        name: orNull(p.name),
        crm_user_id: orNull(p.sfdcUserId),
        is_internal: p.isInternal,
      }),
    );
    a.accounts.forEach((x, ordinal) =>
      rows.add({
        kind: 'account',
        activity_id,
        ordinal,
        link_id: x.accountId,
        link_name: orNull(x.accountName),
        owner_crm_id: orNull(x.accountOwnerId),
      }),
    );
    a.opportunities.forEach((x, ordinal) =>
      rows.add({
        kind: 'opportunity',
        activity_id,
        ordinal,
        link_id: x.opportunityId,
        link_name: orNull(x.opportunityName),
        owner_crm_id: orNull(x.opportunityOwnerId),
      }),
    );
    stats.activities++;
    stats.participants += a.participants.length;
    stats.accountLinks += a.accounts.length;
    stats.opportunityLinks += a.opportunities.length;
  }
  return rows.batch;
}

/** What a refresh says: opportunities, their amounts' exact sum (cents), trend points. */
export interface RefreshStats {
  opportunities: number;
  amountCents: bigint;
  points: number;
  /** Trend points whose date could not be read (skipped, reported). */
  badDates: number;
}

export function emptyRefreshStats(): RefreshStats {
  return { opportunities: 0, amountCents: 0n, points: 0, badDates: 0 };
}

/** DECIMAL(18,2) holds up to 16 digits before the point. */
const MAX_CENTS = 1e18;

/** One batch of opportunity records as stage rows: the opportunity, then its trend points. */
export function opportunityColumns(records: readonly OpportunityRecord[], stats: RefreshStats): ColumnBatch {
  const rows = new Rows(dealsSql.OPPORTUNITY_STAGE);
  for (const r of records) {
    if (r.amountCents !== null && Math.abs(r.amountCents) >= MAX_CENTS)
      throw new TransformError(
        `Opportunity ${r.opportunityId} has an amount beyond DECIMAL(18,2): ${r.amountCents / 100}`,
        'data.amount_overflow',
        'The refresh is kept in the landing for inspection; report it if Clari sent it.',
      );
    rows.add({
      kind: 'opportunity',
      opportunity_id: r.opportunityId,
      name: r.name,
      owner_crm_id: r.ownerCrmId,
      amount: r.amountCents,
      stage: r.stage,
      close_date: r.closeDate,
      crm_score: r.crmScore,
      crm_score_message: r.crmScoreMessage,
    });
    for (const h of r.history)
      rows.add({
        kind: 'point',
        opportunity_id: r.opportunityId,
        field_id: h.fieldId,
        old_value: h.oldValue,
        new_value: h.newValue,
        changed_at: h.changedAt,
      });
    stats.opportunities++;
    stats.amountCents += BigInt(r.amountCents ?? 0);
    stats.points += r.history.length;
    stats.badDates += r.badDates;
  }
  return rows.batch;
}
