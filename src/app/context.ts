/**
 * The composition root: the only place that turns configuration into live ports (clock, fetch,
 * logger, Clari client). Commands receive an AppContext and never read process.env or globals.
 */
import { ClariClient, type RequestEvent } from '../clari/index.js';
import { loadConfig, type LoadedConfig } from '../config/index.js';
import { type Clock, type Logger, type Random, Redactor, systemClock } from '../core/index.js';
import { createLogger, type LogLevel } from './logger.js';
import type { LiveMetrics } from './metrics.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface GlobalOptions {
  readonly config?: string | undefined;
  readonly env?: string | undefined;
  readonly json?: boolean | undefined;
  readonly logLevel?: string | undefined;
  readonly force?: boolean | undefined;
}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTTY: boolean;
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface AppContext {
  readonly loaded: LoadedConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly redactor: Redactor;
  readonly logger: Logger;
  readonly io: Io;
  readonly json: boolean;
  /** Live Prometheus series of a long-running process (schedule); absent for one-shot commands. */
  readonly metrics?: LiveMetrics | undefined;
  /**
   * Aborted when the process is asked to stop before a run got going (the scheduler stopping): a
   * run still waiting for a lock gives up at once instead of waiting out --lock-wait.
   */
  readonly stopSignal?: AbortSignal | undefined;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    environment: process.env,
    cwd: process.cwd(),
  };
}

export function readTextFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Loads config and builds the shared ports. Flags are dotted config paths set on the command line. */
export function createContext(options: GlobalOptions, io: Io, flags: Record<string, unknown> = {}): AppContext {
  const redactor = new Redactor();
  const level = (options.logLevel ?? 'warn') as LogLevel;
  const logger = createLogger({
    level: LOG_LEVELS.includes(level) ? level : 'warn',
    redactor,
    pretty: io.isTTY && options.json !== true,
    write: io.stderr,
  });
  const loaded = loadConfig({
    file: options.config,
    env: options.env,
    force: options.force,
    flags,
    environment: io.environment,
    readFile: readTextFile,
    resolvePath: (path) => resolve(io.cwd, path),
  });
  for (const secret of [loaded.secrets.clariApiKey, loaded.secrets.slackWebhookUrl, loaded.secrets.smtpUrl])
    redactor.add(secret?.value);
  return { loaded, clock: systemClock, random: Math.random, redactor, logger, io, json: options.json === true };
}

export function createClariClient(ctx: AppContext, onRequest?: (event: RequestEvent) => void): ClariClient {
  const { config, secrets } = ctx.loaded;
  const metrics = ctx.metrics;
  const client = new ClariClient({
    apiKey: secrets.clariApiKey?.value ?? '',
    baseUrl: config.clari.baseUrl,
    fetch: (input, init) => fetch(input, init),
    clock: ctx.clock,
    random: ctx.random,
    logger: ctx.logger.child({ component: 'clari' }),
    redactor: ctx.redactor,
    timeoutMs: config.clari.timeoutMs,
    retry: {
      maxAttempts: config.clari.maxAttempts,
      baseDelayMs: config.clari.retryBaseDelayMs,
      maxDelayMs: config.clari.retryMaxDelayMs,
    },
    breaker: { failureThreshold: config.clari.breakerFailureThreshold, cooldownMs: config.clari.breakerCooldownMs },
    rateLimitPerSecond: config.clari.rateLimitPerSecond || undefined,
    userAgent: 'clari-dp/0.1',
    onRequest: metrics
      ? (event) => {
          metrics.onRequest(event);
          onRequest?.(event);
        }
      : onRequest,
  });
  if (metrics) client.onBreakerChange((state) => metrics.onBreaker(state));
  return client;
}
