/**
 * E-mail channel: one digest per send (plain text and an HTML table) to the configured recipients,
 * plus, with manager routing, a digest per manager holding only the alerts that name them. The SMTP
 * URL carries the password, so it is kept away from every message: nodemailer's errors are reduced
 * to their code and response and redacted against the URL and password before they are rethrown.
 */
import nodemailer from 'nodemailer';
import { AppError, Redactor } from '../../core/index.js';
import type { Alert, Channel, DeliveryContext } from '../types.js';
import { countSeverity, escapeHtml, headline, isWebLink, renderPlainText, severityTag } from './format.js';
import { CHANNEL_FAILED } from './http-post.js';

export interface EmailMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface MailTransport {
  sendMail(mail: EmailMessage): Promise<unknown>;
}

export interface EmailChannelOptions {
  readonly name: string;
  /** `smtp://user:pass@host:587` or `smtps://...:465`; add `?ignoreTLS=true` for a plain loopback server. A secret. */
  readonly smtpUrl: string;
  readonly from: string;
  /** Receive every alert. */
  readonly to: readonly string[];
  /** Also send each address in `alert.recipients` a digest of the alerts that list it. */
  readonly routeToManagers?: boolean | undefined;
  /** Default: nodemailer's `createTransport(smtpUrl)`. */
  readonly transport?: ((smtpUrl: string) => MailTransport) | undefined;
}

interface Digest {
  readonly to: readonly string[];
  readonly alerts: readonly Alert[];
}

export function createEmailChannel(options: EmailChannelOptions): Channel {
  const redactor = smtpRedactor(options.smtpUrl);
  const makeTransport = options.transport ?? defaultTransport;
  let transport: MailTransport | undefined;
  return {
    name: options.name,
    type: 'email',
    send: async (alerts, context) => {
      const digests = planDigests(alerts, options.to, options.routeToManagers === true);
      if (digests.length === 0) return;
      transport ??= makeTransport(options.smtpUrl);
      await sendDigests(transport, digests, options, context, redactor);
    },
  };
}

function defaultTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return { sendMail: (mail) => transporter.sendMail({ ...mail, to: [...mail.to] }) };
}

/** The configured recipients' digest first, then one per manager not already among them. */
export function planDigests(alerts: readonly Alert[], to: readonly string[], routeToManagers: boolean): Digest[] {
  if (alerts.length === 0) return [];
  const digests: Digest[] = [];
  const configured = unique(to);
  if (configured.length > 0) digests.push({ to: configured, alerts });
  if (!routeToManagers) return digests;
  const taken = new Set(configured.map(normalizeAddress));
  const byManager = new Map<string, { address: string; alerts: Alert[] }>();
  for (const alert of alerts) {
    for (const address of unique(alert.recipients ?? [])) {
      const key = normalizeAddress(address);
      if (taken.has(key)) continue;
      const entry = byManager.get(key) ?? { address, alerts: [] };
      entry.alerts.push(alert);
      byManager.set(key, entry);
    }
  }
  for (const entry of byManager.values()) digests.push({ to: [entry.address], alerts: entry.alerts });
  return digests;
}

/** Sends every digest even when one fails, then reports all failures in one error. */
async function sendDigests(
  transport: MailTransport,
  digests: readonly Digest[],
  options: EmailChannelOptions,
  context: DeliveryContext,
  redactor: Redactor,
): Promise<void> {
  const failures: { to: readonly string[]; reason: string }[] = [];
  for (const digest of digests) {
    try {
      await transport.sendMail(renderEmail(digest, options.from, context));
    } catch (error) {
      failures.push({ to: digest.to, reason: redactor.redact(describeSmtpError(error)) });
    }
  }
  const first = failures[0];
  if (!first) return;
  const count =
    failures.length === digests.length
      ? `${failures.length === 1 ? 'the digest' : `all ${failures.length} digests`}`
      : `${failures.length} of ${digests.length} digests`;
  throw new AppError(`email channel "${options.name}": sending ${count} failed: ${first.reason}`, {
    code: CHANNEL_FAILED,
    kind: 'transient',
    hint: 'Check the SMTP host, port, TLS setting and credentials in the SMTP URL secret, and that the server accepts the sender and recipients.',
    details: { failed: failures.map((f) => ({ to: f.to, reason: f.reason })), digests: digests.length },
  });
}

export function renderEmail(digest: Digest, from: string, context: DeliveryContext): EmailMessage {
  return {
    from,
    to: digest.to,
    subject: emailSubject(digest.alerts, context),
    text: renderPlainText(digest.alerts, context, { withText: true }),
    html: renderHtml(digest.alerts, context),
  };
}

/** "[clari-dp] 3 forecast alerts for 2026-11-23 (1 critical)". */
export function emailSubject(alerts: readonly Alert[], context: DeliveryContext): string {
  const critical = countSeverity(alerts, 'critical');
  return `[clari-dp] ${headline(alerts.length, context.asOf)}${critical > 0 ? ` (${critical} critical)` : ''}`;
}

const SEVERITY_COLOUR = { info: '#1f6feb', warning: '#b7791f', critical: '#c53030' } as const;
const CELL = 'style="border:1px solid #d0d7de;padding:6px 10px;vertical-align:top;text-align:left"';

export function renderHtml(alerts: readonly Alert[], context: DeliveryContext): string {
  const rows = alerts.map(alertRow).join('\n');
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"></head><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2328">',
    `<h2 style="font-size:18px">clari-dp: ${escapeHtml(headline(alerts.length, context.asOf))}</h2>`,
    '<table style="border-collapse:collapse">',
    `<thead><tr><th ${CELL}>Severity</th><th ${CELL}>Alert</th><th ${CELL}>Details</th></tr></thead>`,
    `<tbody>\n${rows}\n</tbody>`,
    '</table>',
    `<p style="color:#656d76;font-size:12px">Run ${escapeHtml(context.runId)}</p>`,
    '</body></html>',
  ].join('\n');
}

function alertRow(alert: Alert): string {
  const severity = `<td ${CELL}><strong style="color:${SEVERITY_COLOUR[alert.severity]}">${escapeHtml(severityTag(alert.severity))}</strong></td>`;
  const parts = [`<strong>${escapeHtml(alert.title)}</strong>`];
  if (alert.text.trim() !== '') parts.push(escapeHtml(alert.text));
  if (isWebLink(alert.link)) parts.push(`<a href="${escapeHtml(alert.link)}">Open dashboard</a>`);
  const fields = alert.fields
    .map((f) => `<strong>${escapeHtml(f.label)}:</strong> ${escapeHtml(f.value)}`)
    .join('<br>');
  return `<tr>${severity}<td ${CELL}>${parts.join('<br>')}</td><td ${CELL}>${fields}</td></tr>`;
}

/** Code, SMTP response code and message of a nodemailer error; redacted by the caller. */
function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const { code, responseCode } = error as Error & { code?: unknown; responseCode?: unknown };
  const prefix = [
    typeof code === 'string' ? code : undefined,
    typeof responseCode === 'number' ? String(responseCode) : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const message = error.message.replace(/\s+/g, ' ').trim().slice(0, 300);
  return prefix === '' ? message : `${prefix}: ${message}`;
}

function smtpRedactor(smtpUrl: string): Redactor {
  const redactor = new Redactor([smtpUrl]);
  try {
    const password = new URL(smtpUrl).password;
    if (password !== '') redactor.add(decodeURIComponent(password)).add(password);
  } catch {
    // Not a parseable URL: the whole string is already registered.
  }
  return redactor;
}

function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

function unique(addresses: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const address of addresses) {
    const key = normalizeAddress(address);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(address.trim());
  }
  return out;
}
