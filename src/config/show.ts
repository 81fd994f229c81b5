/**
 * `config show`: the effective configuration, one line per setting, with where it came from.
 * Secrets are listed by origin only, never by value.
 */
import { REDACTED } from '../core/index.js';
import { type LoadedConfig, leaves, type Source } from './load.js';

export interface ConfigLine {
  readonly key: string;
  readonly value: string;
  readonly source: Source | 'secret';
  readonly origin?: string | undefined;
}

export function configLines(loaded: LoadedConfig): ConfigLine[] {
  const lines: ConfigLine[] = leaves(loaded.config as unknown as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([key, value]) => ({
      key,
      value: typeof value === 'string' ? value : JSON.stringify(value),
      source: loaded.sources[key] ?? 'default',
    }));
  const { secrets } = loaded;
  const secret = (key: string, s: { from: string } | undefined): ConfigLine => ({
    key,
    value: s ? REDACTED : '(not set)',
    source: 'secret',
    origin: s?.from,
  });
  lines.push(
    secret('secrets.clariApiKey', secrets.clariApiKey),
    secret('secrets.slackWebhookUrl', secrets.slackWebhookUrl),
    secret('secrets.smtpUrl', secrets.smtpUrl),
  );
  if (secrets.alertEmailTo)
    lines.push({ key: 'alerts.emailTo', value: secrets.alertEmailTo, source: 'env', origin: 'ALERT_EMAIL_TO' });
  return lines.sort((a, b) => a.key.localeCompare(b.key));
}

export function describeOrigin(line: ConfigLine, loaded: LoadedConfig): string {
  switch (line.source) {
    case 'file':
      return `file ${loaded.file ?? ''}`.trim();
    case 'file-env':
      return `file ${loaded.file ?? ''} [environments.${loaded.envName ?? ''}]`;
    case 'env':
      return line.origin ? `env ${line.origin}` : 'env';
    case 'flag':
      return 'flag';
    case 'secret':
      return line.origin ? `secret from ${line.origin}` : 'secret (not set)';
    default:
      return 'default';
  }
}
