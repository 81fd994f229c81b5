/**
 * Builds the alert setup from alerts.yaml and the environment: channels (secrets read from the
 * environment variables the file names, or SLACK_WEBHOOK_URL / SMTP_URL + ALERT_EMAIL_TO /
 * ALERT_WEBHOOK_URL when the file has no channels), rules (the seed checklist's defaults without a
 * file), noise settings. Every secret is registered with the run's redactor.
 */
import {
  type Channel,
  createConsoleChannel,
  createEmailChannel,
  createSlackChannel,
  createWebhookChannel,
  DEFAULT_RULES,
  type Route,
  type RuleSpec,
  type Severity,
} from '../alerts/index.js';
import type { ChannelConfig, RuleConfig } from '../config/index.js';
import { ConfigError } from '../core/index.js';
import type { AlertSetup } from '../pipeline/index.js';
import type { AppContext } from './context.js';

export interface AlertSetupOptions {
  /** Add a console channel (demo, development). */
  readonly console?: boolean | undefined;
}

export function alertSetup(ctx: AppContext, options: AlertSetupOptions = {}): AlertSetup {
  const file = ctx.loaded.alerts.config;
  const env = ctx.io.environment;
  const where = ctx.loaded.alerts.file ?? 'the environment';
  const configs: [string, ChannelConfig][] = file.channels
    ? Object.entries(file.channels)
    : channelsFromEnvironment(env);
  const routes: Route[] = configs.map(([name, config]) => ({
    channel: buildChannel(ctx, name, config, where),
    minSeverity: config.minSeverity,
  }));
  if (options.console && !routes.some((r) => r.channel.type === 'console'))
    routes.push({ channel: createConsoleChannel({ write: ctx.io.stdout }), minSeverity: 'info' });
  const rules = file.rules ? file.rules.map(toRuleSpec) : [...DEFAULT_RULES];
  const unknown = rules.flatMap((r) =>
    r.channels.filter((c) => !routes.some((route) => route.channel.name === c)).map((c) => `${r.name} -> ${c}`),
  );
  if (unknown.length > 0 && file.channels)
    throw new ConfigError(
      `${where}: rules name channels that are not configured: ${unknown.join(', ')}`,
      `Define them under channels:, or remove them from the rules.`,
    );
  const managerLevels = Math.max(
    0,
    ...configs.map(([, c]) => (c.type === 'email' && c.routeToManagers ? c.managerLevels : 0)),
  );
  return {
    rules,
    routes,
    settings: {
      digest: file.digest,
      cooldownHours: file.cooldownHours,
      ...(file.quietHours
        ? {
            quietHours: {
              from: file.quietHours.from,
              to: file.quietHours.to,
              allow: file.quietHours.allow,
              timezone: file.quietHours.timezone ?? ctx.loaded.config.timezone,
            },
          }
        : {}),
    },
    dashboardUrl: file.dashboardUrl,
    managerLevels,
  };
}

function channelsFromEnvironment(env: Readonly<Record<string, string | undefined>>): [string, ChannelConfig][] {
  const out: [string, ChannelConfig][] = [];
  const info: Severity = 'info';
  if (env.SLACK_WEBHOOK_URL)
    out.push(['slack', { type: 'slack', webhookUrlEnv: 'SLACK_WEBHOOK_URL', minSeverity: info }]);
  if (env.SMTP_URL && env.ALERT_EMAIL_TO) {
    out.push([
      'email',
      {
        type: 'email',
        smtpUrlEnv: 'SMTP_URL',
        to: [],
        from: 'clari-dp <clari-dp@localhost>',
        routeToManagers: false,
        managerLevels: 1,
        minSeverity: info,
      },
    ]);
  }
  if (env.ALERT_WEBHOOK_URL) out.push(['webhook', { type: 'webhook', urlEnv: 'ALERT_WEBHOOK_URL', minSeverity: info }]);
  return out;
}

function buildChannel(ctx: AppContext, name: string, config: ChannelConfig, where: string): Channel {
  const env = ctx.io.environment;
  const secret = (variable: string): string => {
    const value = env[variable]?.trim();
    if (!value)
      throw new ConfigError(
        `Alert channel '${name}' (${where}) needs ${variable} in the environment`,
        `Set ${variable}, or remove the channel.`,
      );
    ctx.redactor.add(value);
    return value;
  };
  const http = {
    fetch: (input: string, init: RequestInit) => fetch(input, init),
    clock: ctx.clock,
    random: ctx.random,
  };
  switch (config.type) {
    case 'slack':
      return createSlackChannel({ name, webhookUrl: secret(config.webhookUrlEnv), ...http });
    case 'webhook':
      return createWebhookChannel({ name, url: secret(config.urlEnv), ...http });
    case 'email': {
      const extra = (env.ALERT_EMAIL_TO ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const to = [...new Set([...config.to, ...extra])];
      if (to.length === 0 && !config.routeToManagers)
        throw new ConfigError(
          `Alert channel '${name}' (${where}) has no recipients`,
          'Set ALERT_EMAIL_TO or list addresses under to:.',
        );
      return createEmailChannel({
        name,
        smtpUrl: secret(config.smtpUrlEnv),
        from: config.from,
        to,
        routeToManagers: config.routeToManagers,
      });
    }
    case 'console':
      return createConsoleChannel({ name, write: ctx.io.stdout });
  }
}

function toRuleSpec(rule: RuleConfig, index: number): RuleSpec {
  const base = {
    name: rule.name ?? `${rule.type}-${index + 1}`,
    severity: rule.severity,
    channels: rule.channels,
    cooldownHours: rule.cooldownHours,
  };
  switch (rule.type) {
    case 'stale_submission':
      return {
        ...base,
        type: rule.type,
        weeks: rule.weeks,
        scope: { forecasts: rule.forecasts, fields: rule.fields, hierarchy: rule.hierarchy },
      };
    case 'export_failed':
    case 'empty_export':
    case 'reconciliation_mismatch':
    case 'breaker_open':
      return { ...base, type: rule.type };
    case 'stale_data':
      return { ...base, type: rule.type, hours: rule.hours };
    case 'low_quota':
      return { ...base, type: rule.type, below: rule.below, belowPercent: rule.belowPercent };
    default:
      return {
        ...base,
        type: rule.type,
        percent: rule.percent,
        minAmount: rule.minAmount,
        minPercentOfQuota: rule.minPercentOfQuota,
        direction: rule.direction,
        robustZ: rule.robustZ,
        minHistory: rule.minHistory,
        scope: { forecasts: rule.forecasts, fields: rule.fields, hierarchy: rule.hierarchy },
      };
  }
}
