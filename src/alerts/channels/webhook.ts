/**
 * Generic JSON webhook channel: one POST per digest carrying the alerts' machine-readable form, for
 * receivers that do their own formatting (PagerDuty bridges, chat-ops bots, audit sinks). Retries and
 * error rules are the Slack channel's, from the shared http-post helper.
 */
import type { Alert, AlertField, Channel, DeliveryContext, Severity } from '../types.js';
import { type PostChannelOptions, postJson, postTarget } from './http-post.js';

export interface WebhookChannelOptions extends PostChannelOptions {
  readonly name: string;
  /** A secret: it never appears in errors or logs. */
  readonly url: string;
}

/** The documented body of a webhook POST. */
export interface WebhookPayload {
  readonly runId: string;
  readonly asOf: string;
  readonly alerts: readonly WebhookAlert[];
}

export interface WebhookAlert {
  readonly alertId: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly fingerprint: string;
  readonly title: string;
  readonly text: string;
  readonly fields: readonly AlertField[];
  /** null when no dashboard URL is configured. */
  readonly link: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

export function createWebhookChannel(options: WebhookChannelOptions): Channel {
  const target = postTarget(`webhook channel "${options.name}"`, options.url, options);
  return {
    name: options.name,
    type: 'webhook',
    send: async (alerts, context) => {
      if (alerts.length === 0) return;
      await postJson(target, webhookPayload(alerts, context), context.signal);
    },
  };
}

export function webhookPayload(alerts: readonly Alert[], context: DeliveryContext): WebhookPayload {
  return {
    runId: context.runId,
    asOf: context.asOf,
    alerts: alerts.map((a) => ({
      alertId: a.alertId,
      rule: a.rule,
      severity: a.severity,
      fingerprint: a.fingerprint,
      title: a.title,
      text: a.text,
      fields: a.fields.map((f) => ({ label: f.label, value: f.value })),
      link: a.link ?? null,
      data: a.data,
    })),
  };
}
