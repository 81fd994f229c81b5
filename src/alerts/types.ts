/**
 * The alert vocabulary shared by rules, dispatch and channels. An Alert is already decided and
 * rendered into neutral parts (title, fields, text); each channel formats them its own way.
 */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export interface AlertField {
  readonly label: string;
  readonly value: string;
}

export interface Alert {
  /** Unique id of this decision (one alert may go to several channels). */
  readonly alertId: string;
  /** Name of the rule that fired, e.g. `forecast-swing`. */
  readonly rule: string;
  readonly severity: Severity;
  /** Identity for cooldown: the same fingerprint within the cooldown is not sent again. */
  readonly fingerprint: string;
  /** One line, e.g. "Dana Whitfield: Commit on net_new_arr 2026_Q2 up 25.0%". */
  readonly title: string;
  /** Labelled facts: who, forecast, period, previous -> current, change. */
  readonly fields: readonly AlertField[];
  /** A sentence or two of plain text. */
  readonly text: string;
  /** Link to the dashboard page for this alert, when a dashboard URL is configured. */
  readonly link?: string | undefined;
  /** Extra e-mail recipients from hierarchy routing (the owner's managers). */
  readonly recipients?: readonly string[] | undefined;
  /** Machine-readable details, sent as-is by the webhook channel and stored in clari_alerts. */
  readonly data: Readonly<Record<string, unknown>>;
}

export interface DeliveryContext {
  readonly runId: string;
  readonly asOf: string;
  readonly signal?: AbortSignal | undefined;
}

export const CHANNEL_TYPES = ['slack', 'email', 'webhook', 'console'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A place alerts go. `send` delivers the given alerts as one message (a digest when several). */
export interface Channel {
  readonly name: string;
  readonly type: ChannelType;
  send(alerts: readonly Alert[], context: DeliveryContext): Promise<void>;
}
