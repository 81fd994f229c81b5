/**
 * Slack incoming-webhook channel. A digest becomes Block Kit messages: a header, then per alert a
 * section (title, fields), a context line (severity, rule) and a dashboard button. Slack's limits
 * (50 blocks a message, 10 fields a section, 3000 characters a text) are met by splitting between
 * alerts and truncating texts, so a large digest arrives as several messages, never as a 400.
 */
import { AppError, isAppError } from '../../core/index.js';
import type { Alert, AlertField, Channel, DeliveryContext } from '../types.js';
import { headline, isWebLink, severityTag, truncate } from './format.js';
import { type PostChannelOptions, postJson, type PostTarget, postTarget } from './http-post.js';

export interface SlackChannelOptions extends PostChannelOptions {
  readonly name: string;
  /** A secret: it never appears in errors or logs. */
  readonly webhookUrl: string;
}

export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] }
  | { readonly type: 'actions'; readonly elements: readonly SlackButton[] };

export interface SlackButton {
  readonly type: 'button';
  readonly text: SlackText;
  readonly url: string;
  readonly action_id: string;
}

export interface SlackMessage {
  /** Fallback for notifications and clients without blocks. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Slack's documented limits. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionFields: 10,
  sectionText: 3000,
  fieldText: 2000,
  headerText: 150,
  buttonUrl: 3000,
} as const;

export function createSlackChannel(options: SlackChannelOptions): Channel {
  const target = postTarget(`slack channel "${options.name}"`, options.webhookUrl, options);
  return {
    name: options.name,
    type: 'slack',
    send: async (alerts, context) => {
      await sendMessages(target, buildSlackMessages(alerts, context), context.signal);
    },
  };
}

async function sendMessages(
  target: PostTarget,
  messages: readonly SlackMessage[],
  signal: AbortSignal | undefined,
): Promise<void> {
  for (const [index, message] of messages.entries()) {
    try {
      await postJson(target, message, signal);
    } catch (error) {
      if (!isAppError(error) || index === 0) throw error;
      throw new AppError(
        `${error.message} (message ${index + 1} of ${messages.length}; the first ${index} were delivered)`,
        {
          code: error.code,
          kind: error.kind,
          hint: error.hint,
          details: { ...error.details, delivered: index, messages: messages.length },
        },
      );
    }
  }
}

/** The Slack messages for one digest: alerts packed whole into messages of at most 50 blocks. */
export function buildSlackMessages(alerts: readonly Alert[], context: DeliveryContext): SlackMessage[] {
  if (alerts.length === 0) return [];
  const pages = packPages(alerts.map((alert, index) => alertBlocks(alert, index)));
  return pages.map((blocks, index) => {
    const only = alerts.length === 1 && pages.length === 1 ? alerts[0] : undefined;
    const title = only
      ? only.title.trim() || '(untitled alert)'
      : digestTitle(alerts.length, context, index, pages.length);
    const fallback = only ? `${severityTag(only.severity)} ${only.title}` : title;
    const header: SlackBlock = {
      type: 'header',
      text: { type: 'plain_text', text: truncate(title, SLACK_LIMITS.headerText) },
    };
    return { text: truncateMrkdwn(escapeMrkdwn(fallback), SLACK_LIMITS.sectionText), blocks: [header, ...blocks] };
  });
}

function digestTitle(count: number, context: DeliveryContext, page: number, pages: number): string {
  const base = `clari-dp: ${headline(count, context.asOf)}`;
  return pages === 1 ? base : `${base} (part ${page + 1} of ${pages})`;
}

/** Greedy packing that keeps an alert's blocks together; the header takes one block of each message. */
function packPages(groups: readonly SlackBlock[][]): SlackBlock[][] {
  const room = SLACK_LIMITS.blocks - 1;
  const pages: SlackBlock[][] = [];
  let current: SlackBlock[] = [];
  for (const group of groups) {
    if (current.length > 0 && current.length + group.length > room) {
      pages.push(current);
      current = [];
    }
    for (const block of group) {
      if (current.length === room) {
        pages.push(current);
        current = [];
      }
      current.push(block);
    }
  }
  if (current.length > 0) pages.push(current);
  return pages;
}

function alertBlocks(alert: Alert, index: number): SlackBlock[] {
  const fieldChunks = chunk(alert.fields.map(fieldText), SLACK_LIMITS.sectionFields);
  const [first, ...rest] = fieldChunks;
  const blocks: SlackBlock[] = [
    { type: 'section', text: mrkdwn(sectionText(alert)), ...(first ? { fields: first } : {}) },
  ];
  for (const fields of rest) blocks.push({ type: 'section', fields });
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`${severityLabel(alert)}  ·  rule \`${escapeMrkdwn(alert.rule)}\``)],
  });
  if (isWebLink(alert.link) && alert.link.length <= SLACK_LIMITS.buttonUrl) {
    const button: SlackButton = {
      type: 'button',
      text: { type: 'plain_text', text: 'Open dashboard' },
      url: alert.link,
      action_id: `open-dashboard-${index}`,
    };
    blocks.push({ type: 'actions', elements: [button] });
  }
  return blocks;
}

/** Bold title, then the sentence of text, within the 3000-character section limit. */
function sectionText(alert: Alert): string {
  const title = `*${truncateMrkdwn(escapeMrkdwn(alert.title.trim() || '(untitled alert)'), 1000)}*`;
  const text = alert.text.trim();
  if (text === '') return title;
  return `${title}\n${truncateMrkdwn(escapeMrkdwn(text), SLACK_LIMITS.sectionText - title.length - 1)}`;
}

function fieldText(field: AlertField): SlackText {
  const label = `*${truncateMrkdwn(escapeMrkdwn(field.label), 200)}*`;
  const value = field.value.trim() === '' ? '—' : escapeMrkdwn(field.value);
  return mrkdwn(`${label}\n${truncateMrkdwn(value, SLACK_LIMITS.fieldText - label.length - 1)}`);
}

const SEVERITY_EMOJI = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' } as const;

function severityLabel(alert: Alert): string {
  return `${SEVERITY_EMOJI[alert.severity]} *${alert.severity.toUpperCase()}*`;
}

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text };
}

/** Slack mrkdwn treats only &, < and > as control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Truncates escaped text without leaving half an entity (`&am…`) behind. */
function truncateMrkdwn(text: string, max: number): string {
  const cut = truncate(text, max);
  if (cut === text) return text;
  return cut.replace(/&[a-z]{0,3}…$/, '…');
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
