/**
 * Turns a fired rule into an Alert: a title a RevOps lead understands at a glance ("who, what,
 * previous -> current, change"), labelled fields, and machine data for webhooks and clari_alerts.
 * Pure; channels only lay these parts out.
 */
import type { ForecastEvent } from '../changes/index.js';
import { sha256Hex } from '../core/index.js';
import type { Candidate, OpsEvent, OwnerPlace } from './rules.js';
import type { Alert, AlertField } from './types.js';

export interface RenderContext {
  readonly runId: string;
  readonly dashboardUrl?: string | undefined;
  readonly place: (userId: string) => OwnerPlace | undefined;
}

export function money(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  const abs = Math.abs(value).toLocaleString('en-US', { maximumFractionDigits: 0 });
  return `${value < 0 ? '-' : ''}$${abs}`;
}

function signedMoney(value: number | null): string {
  if (value === null) return '-';
  return `${value >= 0 ? '+' : '-'}${money(Math.abs(value))}`;
}

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? 'n/a' : `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
}

export function renderAlert(candidate: Candidate, context: RenderContext): Alert {
  const { rule } = candidate;
  const parts = candidate.source === 'forecast' ? forecastParts(candidate.event) : opsParts(candidate.event);
  const alertId = sha256Hex(`${context.runId}|${candidate.fingerprint}`).slice(0, 20);
  const link = context.dashboardUrl ? dashboardLink(context.dashboardUrl, candidate) : undefined;
  const recipients = candidate.source === 'forecast' ? context.place(candidate.event.userId)?.managerEmails : undefined;
  return {
    alertId,
    rule: rule.name,
    severity: rule.severity,
    fingerprint: candidate.fingerprint,
    title: parts.title,
    fields: parts.fields,
    text: parts.text,
    ...(link ? { link } : {}),
    ...(recipients && recipients.length > 0 ? { recipients } : {}),
    data: { rule: rule.name, type: rule.type, ...parts.data },
  };
}

interface Parts {
  title: string;
  text: string;
  fields: AlertField[];
  data: Record<string, unknown>;
}

function forecastParts(e: ForecastEvent): Parts {
  const who = e.ownerName || e.ownerEmail || e.userId;
  const where = `${e.forecastId} ${e.period}`;
  const move = `${money(e.previous)} -> ${money(e.current)}`;
  const fields: AlertField[] = [
    { label: 'Who', value: e.ownerEmail ? `${who} <${e.ownerEmail}>` : who },
    { label: 'Forecast', value: e.forecastId },
    { label: 'Period', value: e.period },
    { label: 'Field', value: e.fieldName },
    { label: 'Previous -> current', value: move },
    { label: 'Change', value: `${signedMoney(e.change)} (${pct(e.changePct)})` },
  ];
  if (e.quota !== null) fields.push({ label: 'Quota', value: money(e.quota) });
  if (e.robustZ !== undefined && e.robustZ !== null)
    fields.push({ label: 'Robust z (same week, prior quarters)', value: e.robustZ.toFixed(1) });
  const snapshots = e.previousSnapshot ? `${e.previousSnapshot} -> ${e.snapshot}` : e.snapshot;
  fields.push({ label: 'Snapshot', value: snapshots });
  const deals = e.kind === 'changed' ? dealsSentence(e) : undefined;
  if (deals) fields.push({ label: 'Deals', value: deals });
  const up = (e.change ?? 0) >= 0;
  let title: string;
  switch (e.kind) {
    case 'changed':
      title = `${who}: ${e.fieldName} on ${where} ${up ? 'up' : 'down'} ${e.changePct === null ? 'from zero' : `${Math.abs(e.changePct).toFixed(1)}%`} (${move})`;
      break;
    case 'new_owner':
      title = `${who}: new ${e.fieldName} call on ${where} (${money(e.current)})`;
      break;
    case 'removed_owner':
      title = `${who} is no longer in ${where} (${e.fieldName} was ${money(e.previous)})`;
      break;
    case 'quota_changed':
      title = `${who}: quota on ${where} changed ${move}`;
      break;
    case 'adjustment_changed':
      title = `${who}: manager adjustment of ${e.fieldName} on ${where} changed ${move}`;
      break;
    case 'wow_move':
      title = `${who}: ${e.fieldName} on ${where} moved ${pct(e.changePct)} against last week (week ${e.weekIndex ?? '?'})`;
      break;
    case 'direction_flip':
      title = `${who}: ${e.fieldName} on ${where} turned ${up ? 'up' : 'down'} in week ${e.weekIndex ?? '?'}`;
      break;
    case 'stale_submission':
      title = `${who}: ${e.fieldName} on ${where} not updated for ${e.staleWeeks ?? '?'} week(s)`;
      break;
  }
  return {
    title,
    text: deals ? `${title}. ${deals}.` : `${title}.`,
    fields,
    data: {
      kind: e.kind,
      forecastId: e.forecastId,
      period: e.period,
      snapshot: e.snapshot,
      previousSnapshot: e.previousSnapshot,
      userId: e.userId,
      ownerName: e.ownerName,
      ownerEmail: e.ownerEmail,
      fieldId: e.fieldId,
      fieldName: e.fieldName,
      previous: e.previous,
      current: e.current,
      change: e.change,
      changePct: e.changePct,
      quota: e.quota,
      weekIndex: e.weekIndex ?? null,
      staleWeeks: e.staleWeeks ?? null,
      robustZ: e.robustZ ?? null,
      deals: e.deals ?? null,
    },
  };
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * The deals behind a call change, when some moved: "3 deals slipped to a later quarter; 5 deals
 * moved in all (-$420,000 in amounts)". Slipped: the close date left the period for a later one.
 */
export function dealsSentence(e: ForecastEvent): string | undefined {
  const d = e.deals;
  if (!d || d.moved === 0) return undefined;
  const parts: string[] = [];
  if (d.slipped > 0) parts.push(`${plural(d.slipped, 'deal', 'deals')} slipped to a later quarter`);
  if (d.pulledIn > 0) parts.push(`${plural(d.pulledIn, 'deal was', 'deals were')} pulled into ${e.period}`);
  const all =
    parts.length > 0 ? `${plural(d.moved, 'deal', 'deals')} moved in all` : `${plural(d.moved, 'deal', 'deals')} moved`;
  parts.push(`${all} (${signedMoney(d.amountChange)} in amounts)`);
  return parts.join('; ');
}

function opsParts(e: OpsEvent): Parts {
  switch (e.kind) {
    case 'export_failed':
    case 'empty_export':
    case 'reconciliation_mismatch': {
      const label =
        e.kind === 'export_failed'
          ? 'Export failed'
          : e.kind === 'empty_export'
            ? 'Empty export'
            : 'Reconciliation mismatch';
      return {
        title: `${label}: ${e.forecastId} ${e.period} (${e.code})`,
        text: e.message,
        fields: [
          { label: 'Forecast', value: e.forecastId },
          { label: 'Period', value: e.period },
          { label: 'Error', value: e.code },
        ],
        data: { kind: e.kind, forecastId: e.forecastId, period: e.period, code: e.code, message: e.message },
      };
    }
    case 'stale_data':
      return {
        title: `No fresh data for ${e.forecastId}${e.lastSuccess ? ` since ${e.lastSuccess}` : ': never loaded'}`,
        text: `The last successful snapshot of ${e.forecastId} is ${e.hoursSince === null ? 'missing' : `${Math.floor(e.hoursSince)} hours old`}.`,
        fields: [
          { label: 'Forecast', value: e.forecastId },
          { label: 'Last success', value: e.lastSuccess ?? 'never' },
        ],
        data: { kind: e.kind, forecastId: e.forecastId, lastSuccess: e.lastSuccess, hoursSince: e.hoursSince },
      };
    case 'low_quota':
      return {
        title: `Clari export quota low: ${e.left} of ${e.limit} left in the rolling 30 days`,
        text: 'Exports stop when the quota is used up; reduce periods or forecasts, or ask the Clari CSM for more.',
        fields: [{ label: 'Exports left', value: `${e.left} / ${e.limit}` }],
        data: { kind: e.kind, left: e.left, limit: e.limit },
      };
    case 'breaker_open':
      return {
        title: 'Clari API unreachable: circuit breaker open',
        text: e.message,
        fields: [],
        data: { kind: e.kind, message: e.message },
      };
  }
}

function dashboardLink(base: string, candidate: Candidate): string {
  const url = new URL(base);
  const e = candidate.source === 'forecast' ? candidate.event : undefined;
  if (e && e.kind === 'changed' && (e.deals?.moved ?? 0) > 0) {
    // Straight to the deals that moved under the change (the dashboard's drill-down).
    url.pathname = `${url.pathname.replace(/\/?$/, '/')}changes/deals`;
    url.search = new URLSearchParams({
      forecast: e.forecastId,
      period: e.period,
      field: e.fieldId,
      user: e.userId,
      snapshot: e.snapshot,
    }).toString();
    return url.toString();
  }
  if (candidate.source === 'forecast') {
    url.searchParams.set('forecast', candidate.event.forecastId);
    url.searchParams.set('period', candidate.event.period);
    url.hash = 'changes';
  } else url.hash = 'health';
  return url.toString();
}
