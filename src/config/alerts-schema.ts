/**
 * The schema of alerts.yaml: channels (secrets referenced by environment variable name, never
 * written in the file), rules with their thresholds and scope, and noise control (digest, cooldown,
 * quiet hours). Everything has a default; without the file the seed checklist's rules go to every
 * channel configured by environment.
 */
import { z } from 'zod';

const severity = z.enum(['info', 'warning', 'critical']);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM, e.g. 20:00');
const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'the NAME of an environment variable (the secret itself goes in the environment)');

export const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('slack'),
    webhookUrlEnv: envName.default('SLACK_WEBHOOK_URL'),
    minSeverity: severity.default('info'),
  }),
  z.strictObject({
    type: z.literal('email'),
    smtpUrlEnv: envName.default('SMTP_URL'),
    /** Addresses that receive every alert; ALERT_EMAIL_TO (comma-separated) is added. */
    to: z.array(z.email()).default([]),
    from: z.string().min(3).default('clari-dp <clari-dp@localhost>'),
    /** Also send each owner's managers the alerts about their team. */
    routeToManagers: z.boolean().default(false),
    /** How many managers up the chain (1 = the direct manager). */
    managerLevels: z.number().int().min(1).max(10).default(1),
    minSeverity: severity.default('info'),
  }),
  z.strictObject({
    type: z.literal('webhook'),
    urlEnv: envName.default('ALERT_WEBHOOK_URL'),
    minSeverity: severity.default('info'),
  }),
  z.strictObject({ type: z.literal('console'), minSeverity: severity.default('info') }),
]);

const scope = {
  forecasts: z.array(z.string()).default([]),
  fields: z.array(z.string()).default([]),
  hierarchy: z.array(z.string()).default([]),
};

const common = {
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, . _ -')
    .optional(),
  severity: severity.default('warning'),
  channels: z.array(z.string()).default([]),
  cooldownHours: z.number().min(0).optional(),
};

const thresholds = {
  percent: z.number().min(0).default(20),
  minAmount: z.number().min(0).default(10_000),
  minPercentOfQuota: z.number().min(0).max(1000).default(0),
  direction: z.enum(['any', 'up', 'down']).default('any'),
  robustZ: z.number().positive().optional(),
  minHistory: z.number().int().min(1).default(4),
};

export const FORECAST_RULE_TYPES = [
  'forecast_swing',
  'wow_move',
  'new_owner',
  'removed_owner',
  'quota_change',
  'adjustment_change',
  'direction_flip',
] as const;

export const ruleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.enum(FORECAST_RULE_TYPES), ...common, ...thresholds, ...scope }),
  z.strictObject({
    type: z.literal('stale_submission'),
    ...common,
    weeks: z.number().int().min(1).default(2),
    ...scope,
  }),
  z.strictObject({ type: z.literal('export_failed'), ...common, severity: severity.default('critical') }),
  z.strictObject({ type: z.literal('empty_export'), ...common, severity: severity.default('critical') }),
  z.strictObject({ type: z.literal('reconciliation_mismatch'), ...common, severity: severity.default('critical') }),
  z.strictObject({ type: z.literal('breaker_open'), ...common, severity: severity.default('critical') }),
  z.strictObject({ type: z.literal('stale_data'), ...common, hours: z.number().positive().default(26) }),
  z.strictObject({
    type: z.literal('low_quota'),
    ...common,
    below: z.number().int().min(0).optional(),
    belowPercent: z.number().min(0).max(100).default(10),
  }),
]);

export const alertsFileSchema = z.strictObject({
  /** Links in alerts point here (the `clari-dp serve` dashboard). */
  dashboardUrl: z.url().optional(),
  /** One message per run and channel instead of one per alert. */
  digest: z.boolean().default(true),
  /** The same alert (rule, owner, field, direction) is not sent again within this many hours. */
  cooldownHours: z.number().min(0).default(24),
  quietHours: z
    .strictObject({ from: hhmm, to: hhmm, timezone: z.string().optional(), allow: severity.default('critical') })
    .optional(),
  /** Named channels; without this section, channels come from SLACK_WEBHOOK_URL, SMTP_URL + ALERT_EMAIL_TO, ALERT_WEBHOOK_URL. */
  channels: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ -'), channelSchema).optional(),
  /** Without this section, the default rules apply (call swing > 20% with a $10,000 floor, export failed, empty export). */
  rules: z.array(ruleSchema).min(1).optional(),
});

export type AlertsFile = z.infer<typeof alertsFileSchema>;
export type ChannelConfig = z.infer<typeof channelSchema>;
export type RuleConfig = z.infer<typeof ruleSchema>;
