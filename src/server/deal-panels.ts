/**
 * The dashboard's deal parts (docs/analytics.md, "Deals"), as HTML fragments page.ts places: the
 * changes table's "Deals" cell with its link to the drill-down, the drill-down's content (the deals
 * that moved under one call change) and the deals-at-risk panel. Links, not scripts: every part
 * works without client JavaScript. Pure functions of the data; every value goes through `esc`.
 */
import {
  type AtRiskDeal,
  type ChangeKey,
  changeKeyOf,
  type ChangeRow,
  type DealMove,
  type DealMoveSummary,
  type DealsAtRisk,
  type DealsBehindChange,
  moveReasons,
} from '../analytics/index.js';
import { count, esc, money, NULL_TEXT, signedMoney, signedPct } from './format.js';

/** Where the drill-down of a change lives (its key as query parameters). */
function changeDealsHref(key: ChangeKey): string {
  const q = new URLSearchParams({
    forecast: key.forecast,
    period: key.period,
    field: key.fieldId,
    user: key.userId,
    snapshot: key.snapshot,
  });
  return `/changes/deals?${q.toString()}`;
}

/** The changes table's "Deals" cell: how many moved under the change, linking to them. */
export function dealsCell(change: ChangeRow, summary: DealMoveSummary | undefined): string {
  const href = esc(changeDealsHref(changeKeyOf(change)));
  if (summary === undefined || summary.deals === 0)
    return `<td class="num" data-deals="0"><a class="muted" href="${href}">none</a></td>`;
  const slipped = summary.slipped > 0 ? ` · ${count(summary.slipped)} slipped` : '';
  return `<td class="num" data-deals="${summary.deals}" data-slipped="${summary.slipped}"><a href="${href}">${esc(`${count(summary.deals)} moved${slipped}`)}</a></td>`;
}

const from = (before: string | null, after: string | null): string =>
  before === after
    ? esc(after ?? NULL_TEXT)
    : `${esc(before ?? NULL_TEXT)} → <strong>${esc(after ?? NULL_TEXT)}</strong>`;

function moveBadges(d: DealMove): string {
  return moveReasons(d)
    .map(({ tone, text }) => `<span class="badge${tone ? ` ${tone}` : ''}">${esc(text)}</span>`)
    .join(' ');
}

function movedTable(deals: readonly DealMove[]): string {
  const body = deals
    .map((d) => {
      const dir = d.amountChange > 0 ? 'up' : d.amountChange < 0 ? 'down' : '';
      return `<tr data-opportunity="${esc(d.opportunityId)}"><td>${esc(d.name)}</td><td>${esc(d.owner)}</td><td class="num" data-v="${d.previousAmount ?? ''}">${esc(money(d.previousAmount))}</td><td class="num" data-v="${d.currentAmount ?? ''}">${esc(money(d.currentAmount))}</td><td class="num ${dir}" data-v="${d.amountChange}">${esc(signedMoney(d.amountChange))}</td><td>${from(d.previousStage, d.currentStage)}</td><td>${from(d.previousCloseDate, d.currentCloseDate)}</td><td class="why">${moveBadges(d)}</td><td class="num" title="${esc(d.crmScoreMessage ?? '')}">${esc(d.crmScore === null ? NULL_TEXT : String(d.crmScore))}</td></tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table class="data" id="deals-table"><thead><tr><th>Deal</th><th>Owner</th><th class="num">Previous</th><th class="num">Current</th><th class="num">Change</th><th>Stage</th><th>Close date</th><th>What moved</th><th class="num">CRM score</th></tr></thead><tbody>
${body}
</tbody></table></div>`;
}

/** The drill-down: one call change and the deals that moved under it (or why there are none to show). */
export function changeDealsSection(behind: DealsBehindChange, dealsLoaded: boolean, offHint: string): string {
  const { change: c, deals, summary } = behind;
  const who = c.level === 'manager' ? `${c.label}’s team` : c.label;
  const dir = c.change === null ? '' : c.change > 0 ? 'up' : c.change < 0 ? 'down' : '';
  const head = `<section class="panel" id="change" data-owner="${esc(c.userId)}" data-level="${c.level}"><h2>${esc(c.label)} · ${esc(c.field)} · ${esc(c.forecast)} ${esc(c.period.replace('_', ' '))}</h2>
<p class="lead">${esc(c.previousSnapshot ?? NULL_TEXT)} → ${esc(c.snapshot)}: ${esc(money(c.previous))} → ${esc(money(c.current))} <span class="${dir}">${esc(signedMoney(c.change))} (${esc(signedPct(c.changePct))})</span></p>
<dl class="stats"><div><dt>Deals that moved</dt><dd data-metric="deals" data-value="${summary.deals}">${esc(count(summary.deals))}</dd></div><div><dt>Their amounts</dt><dd data-metric="amountChange" data-value="${summary.amountChange}">${esc(signedMoney(summary.amountChange))}</dd></div><div><dt>Slipped out of the quarter</dt><dd data-metric="slipped" data-value="${summary.slipped}">${esc(count(summary.slipped))}</dd></div><div><dt>Pulled into the quarter</dt><dd data-metric="pulledIn" data-value="${summary.pulledIn}">${esc(count(summary.pulledIn))}</dd></div></dl>
<p class="hint">The opportunities of ${esc(who)} whose amount, stage, close date or owner differ between the two snapshots (the versions clari-dp refreshed on each date), closing in ${esc(c.period.replace('_', ' '))} on either date. Deal amounts are not per forecast: a deal counts in every forecast of its owner.${c.level === 'manager' ? ' A manager’s call is their team’s roll-up, so these are the deals of everyone below them.' : ''}</p></section>`;
  if (!dealsLoaded)
    return `${head}<section class="panel" data-empty="deals"><p class="empty">No deal data in this warehouse: the activity export has never run. ${esc(offHint)}</p></section>`;
  if (deals.length === 0)
    return `${head}<section class="panel" data-empty="deals"><p class="empty">No deal of ${esc(who)} moved between these snapshots (or clari-dp had not refreshed them on both dates).</p></section>`;
  return `${head}<section class="panel" id="deals"><h2>Deals that moved</h2>${movedTable(deals)}</section>`;
}

function riskReasons(d: AtRiskDeal, quietDays: number): string {
  const out: string[] = [];
  if (d.scoreFalling)
    out.push(
      `<span class="badge bad" title="${esc(d.crmScoreMessage ?? '')}">score ${esc(d.previousCrmScore ?? NULL_TEXT)} → ${esc(d.crmScore ?? NULL_TEXT)}</span>`,
    );
  if (d.noRecentMeeting)
    out.push(
      `<span class="badge warn">${esc(d.daysSinceLastMeeting === null ? 'no meeting loaded' : `no meeting in ${d.daysSinceLastMeeting} days`)}</span>`,
    );
  return out.length > 0 ? out.join(' ') : esc(`(under ${quietDays} days)`);
}

/** The deals-at-risk panel: open, large deals closing this quarter, score falling or no meeting lately. */
export function atRiskPanel(risk: DealsAtRisk): string {
  const hint = `Open deals closing in ${esc((risk.quarter ?? '').replace('_', ' '))} (as of the opportunity refresh of ${esc(risk.asOf ?? NULL_TEXT)}), in the top quarter by amount, whose CRM score fell at its last move or that had no meeting in more than ${risk.quietDays} days. All forecasts: deals are not per forecast.`;
  const shown = risk.total > risk.deals.length ? ` · the ${count(risk.deals.length)} largest shown` : '';
  if (risk.deals.length === 0)
    return `<section class="panel" id="at-risk"><h2>Deals at risk</h2><p class="hint">${hint}</p><p class="empty" data-empty="at-risk">No deal is at risk.</p></section>`;
  const body = risk.deals
    .map(
      (d) =>
        `<tr data-opportunity="${esc(d.opportunityId)}"><td>${esc(d.name)}</td><td class="wrap">${esc(d.owner)}</td><td class="num" data-v="${d.amount ?? ''}">${esc(money(d.amount))}</td><td>${esc(d.closeDate ?? NULL_TEXT)}</td><td>${esc(d.stage ?? NULL_TEXT)}</td><td class="why">${riskReasons(d, risk.quietDays)}</td><td class="num">${esc(d.crmScore ?? NULL_TEXT)}</td><td>${esc(d.lastMeetingAt === null ? 'none' : d.lastMeetingAt.slice(0, 10))}</td><td class="num">${esc(`${d.internalParticipants} / ${d.externalParticipants}`)}</td></tr>`,
    )
    .join('\n');
  return `<section class="panel" id="at-risk" data-total="${risk.total}"><h2>Deals at risk · <span class="muted">${esc(count(risk.total))}${esc(shown)}</span></h2>
<p class="hint">${hint}</p>
<div class="scroll"><table class="data" id="at-risk-table"><thead><tr><th>Deal</th><th>Owner</th><th class="num">Amount</th><th>Close date</th><th>Stage</th><th>Why</th><th class="num">CRM score</th><th>Last meeting</th><th class="num" title="distinct participants of its activities: internal / external">In / out</th></tr></thead><tbody>
${body}
</tbody></table></div></section>`;
}
