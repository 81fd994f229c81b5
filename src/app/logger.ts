/**
 * The pino logger behind the Logger port. Every line passes through the run's Redactor before it
 * is written, so a secret that slips into a log field or message is masked anyway. Logs go to
 * stderr (stdout carries command output); a TTY gets short human lines, anything else JSON lines.
 */
import { pino } from 'pino';
import type { Logger, Redactor } from '../core/index.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly redactor: Redactor;
  /** Human-readable lines instead of JSON (for a terminal). */
  readonly pretty: boolean;
  readonly write: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = {
    write(line: string): void {
      const safe = options.redactor.redact(line);
      options.write(options.pretty ? humanLine(safe) : safe);
    },
  };
  return pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'apiKey',
          '*.apiKey',
          'headers.apikey',
          'headers.authorization',
          'password',
          '*.password',
          'webhookUrl',
          '*.webhookUrl',
        ],
        censor: '[REDACTED]',
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

function humanLine(json: string): string {
  try {
    const { level, time, msg, ...fields } = JSON.parse(json) as Record<string, unknown>;
    const clock = typeof time === 'string' ? time.slice(11, 19) : '';
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${clock} ${String(level).padEnd(5)} ${String(msg)}${extra ? `  ${extra}` : ''}\n`;
  } catch {
    return json;
  }
}
