/**
 * Generic JSON webhook channel: one POST per digest carrying the alerts' machine-readable form, for
 * receivers that do their own formatting (PagerDuty bridges, chat-ops bots, audit sinks). Retries and
 * error rules are the Slack channel's, from the shared http-post helper.
 */
import type { FetchLike } from '../../clari/index.js';
import type { Clock, Random } from '../../core/index.js';
import type { Alert, AlertField, Channel, DeliveryContext, Severity } from '../types.js';
import { channelRetry, checkWebhookUrl, postJson, type PostTarget } from './http-post.js';

export interface WebhookChannelOptions {
  readonly name: string;
  /** A secret: it never appears in errors or logs. */
  readonly url: string;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly random: Random;
  /** Total attempts including the first. Default 4. */
  readonly maxAttempts?: number | undefined;
  /** First backoff step in ms. Default 1000. */
  readonly baseDelayMs?: number | undefined;
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
  const label = `webhook channel "${options.name}"`;
  checkWebhookUrl(label, options.url);
  const target: PostTarget = {
    label,
    url: options.url,
    fetch: options.fetch,
    clock: options.clock,
    random: options.random,
    retry: channelRetry(options.maxAttempts, options.baseDelayMs),
  };
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
