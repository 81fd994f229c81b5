/**
 * Decides, per alert and channel, whether to send (routing by severity and rule, cooldown per
 * fingerprint, quiet hours in a time zone) and then delivers: one digest message per channel and
 * run, or one message per alert. A channel that fails after its own retries does not lose the
 * alert: the decision is `failed`, kept in clari_alerts, and sent again by the next run.
 */
import { type Alert, type Channel, type DeliveryContext, type Severity, severityRank } from './types.js';

export interface Route {
  readonly channel: Channel;
  /** Alerts below this severity do not go to this channel. */
  readonly minSeverity: Severity;
}

export interface QuietHours {
  /** Local time "HH:MM" when quiet starts (inclusive) and ends (exclusive); may wrap midnight. */
  readonly from: string;
  readonly to: string;
  readonly timezone: string;
  /** This severity and above still go out. */
  readonly allow: Severity;
}

export interface DispatchSettings {
  readonly digest: boolean;
  readonly cooldownHours: number;
  readonly quietHours?: QuietHours | undefined;
}

export interface Outgoing {
  readonly alert: Alert;
  /** Channel names the rule allows; empty = all. */
  readonly channels: readonly string[];
  readonly cooldownHours?: number | undefined;
}

/** An earlier decision to deliver again (it failed last time). */
export interface AlertRecord {
  readonly alert: Alert;
  readonly channel: string;
}

export type DecisionStatus = 'sent' | 'suppressed' | 'failed';

export interface Decision {
  readonly alert: Alert;
  readonly channel: string;
  readonly status: DecisionStatus;
  readonly reason?: string | undefined;
}

export interface Plan {
  readonly suppressed: readonly Decision[];
  /** Alerts to deliver, by channel name. */
  readonly deliver: ReadonlyMap<string, Alert[]>;
}

/** The pure part: who gets what, and what is held back and why. */
export function planDelivery(
  outgoing: readonly Outgoing[],
  routes: readonly Route[],
  settings: DispatchSettings,
  lastSent: (fingerprint: string, channel: string) => number | undefined,
  now: number,
): Plan {
  const suppressed: Decision[] = [];
  const deliver = new Map<string, Alert[]>();
  const quiet = settings.quietHours && inQuietHours(settings.quietHours, now);
  for (const { alert, channels, cooldownHours } of outgoing) {
    const targets = routes.filter(
      (r) =>
        (channels.length === 0 || channels.includes(r.channel.name)) &&
        severityRank(alert.severity) >= severityRank(r.minSeverity),
    );
    if (targets.length === 0) {
      suppressed.push({
        alert,
        channel: 'none',
        status: 'suppressed',
        reason: routes.length === 0 ? 'no channel configured' : 'no channel takes this rule or severity',
      });
      continue;
    }
    for (const route of targets) {
      const name = route.channel.name;
      const sentAt = lastSent(alert.fingerprint, name);
      const cooldownMs = (cooldownHours ?? settings.cooldownHours) * 3_600_000;
      if (sentAt !== undefined && now - sentAt < cooldownMs) {
        suppressed.push({
          alert,
          channel: name,
          status: 'suppressed',
          reason: `cooldown: sent ${Math.round((now - sentAt) / 60_000)} min ago`,
        });
      } else if (quiet && severityRank(alert.severity) < severityRank(settings.quietHours.allow)) {
        suppressed.push({
          alert,
          channel: name,
          status: 'suppressed',
          reason: `quiet hours ${settings.quietHours.from}-${settings.quietHours.to} ${settings.quietHours.timezone}`,
        });
      } else {
        const list = deliver.get(name) ?? [];
        list.push(alert);
        deliver.set(name, list);
      }
    }
  }
  return { suppressed, deliver };
}

/**
 * Sends the plan (plus earlier failures to retry) and returns a decision for every alert and channel.
 * `onBatch` hears each message's outcome as soon as it is known, so the caller can record it before
 * the next one goes out (a process that dies mid-delivery then knows what was already sent).
 */
export async function deliver(
  plan: Plan,
  retry: readonly AlertRecord[],
  routes: readonly Route[],
  settings: DispatchSettings,
  context: DeliveryContext,
  onBatch?: (decisions: readonly Decision[]) => Promise<void>,
): Promise<Decision[]> {
  const decisions: Decision[] = [...plan.suppressed];
  const byChannel = new Map(plan.deliver);
  for (const record of retry) {
    if (!routes.some((r) => r.channel.name === record.channel)) continue;
    const list = byChannel.get(record.channel) ?? [];
    if (!list.some((a) => a.alertId === record.alert.alertId)) list.push(record.alert);
    byChannel.set(record.channel, list);
  }
  for (const route of routes) {
    const alerts = byChannel.get(route.channel.name) ?? [];
    if (alerts.length === 0) continue;
    const batches = settings.digest ? [alerts] : alerts.map((a) => [a]);
    for (const batch of batches) {
      let outcome: Decision[];
      try {
        await route.channel.send(batch, context);
        outcome = batch.map((alert) => ({ alert, channel: route.channel.name, status: 'sent' }));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        outcome = batch.map((alert) => ({ alert, channel: route.channel.name, status: 'failed', reason }));
      }
      decisions.push(...outcome);
      await onBatch?.(outcome);
    }
  }
  return decisions;
}

export function inQuietHours(quiet: QuietHours, now: number): boolean {
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone: quiet.timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(now));
  return quiet.from <= quiet.to ? local >= quiet.from && local < quiet.to : local >= quiet.from || local < quiet.to;
}
