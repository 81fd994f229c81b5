/**
 * Text helpers shared by the channels: the digest headline, the plain-text rendering (the console
 * channel and the e-mail text part use the same lines so they never drift), truncation and escaping.
 * Escaping is per target (HTML, Slack mrkdwn) because each treats different characters as markup.
 */
import type { Alert, DeliveryContext, Severity } from '../types.js';

/** "3 forecast alerts for 2026-11-23" (singular for one). */
export function headline(count: number, asOf: string): string {
  return `${count} forecast ${count === 1 ? 'alert' : 'alerts'} for ${asOf}`;
}

export function severityTag(severity: Severity): string {
  return `[${severity.toUpperCase()}]`;
}

export function countSeverity(alerts: readonly Alert[], severity: Severity): number {
  return alerts.filter((a) => a.severity === severity).length;
}

/** Cuts `text` to at most `max` characters, ending with an ellipsis, without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Only http(s) links are rendered as links: a `javascript:` URL must never become clickable. */
export function isWebLink(link: string | undefined): link is string {
  return link !== undefined && /^https?:\/\/[^\s]+$/i.test(link);
}

/** Indents continuation lines so a multi-line value stays inside its block. */
function indentValue(value: string, indent: string): string {
  return value.replace(/\r?\n/g, `\n${indent}`);
}

/** `[WARNING] title` and indented `label: value` lines; the sentence of text when asked for. */
export function alertLines(alert: Alert, options: PlainTextOptions): string[] {
  const indent = '    ';
  const lines = [`${severityTag(alert.severity)} ${alert.title}`];
  if (options.withText && alert.text.trim() !== '') lines.push(`${indent}${indentValue(alert.text, indent)}`);
  if (options.withFields !== false)
    for (const field of alert.fields) lines.push(`${indent}${field.label}: ${indentValue(field.value, indent)}`);
  if (alert.link !== undefined) lines.push(`${indent}dashboard: ${alert.link}`);
  return lines;
}

export interface PlainTextOptions {
  readonly withText: boolean;
  /** Labelled fields under each title; off for a compact console. Default on. */
  readonly withFields?: boolean | undefined;
}

/** The whole digest as plain text: a header line, then each alert's lines. */
export function renderPlainText(alerts: readonly Alert[], context: DeliveryContext, options: PlainTextOptions): string {
  const header = `clari-dp: ${headline(alerts.length, context.asOf)} (run ${context.runId})`;
  const blocks = alerts.map((alert) => alertLines(alert, options).join('\n'));
  return `${[header, ...blocks].join(options.withText ? '\n\n' : '\n')}\n`;
}
