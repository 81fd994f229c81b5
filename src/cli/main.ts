/**
 * The `clari-dp` command line. Parses argv with commander, loads each command's module lazily (a
 * `sim` user never loads the warehouse drivers), and is the only place that turns errors into exit
 * codes: 2 for usage and configuration, 1 for failures, 3 for partial success (design.md section 2).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type AppContext, createContext, type GlobalOptions, type Io, processIo } from '../app/index.js';
import { describeError, isAppError, parseDuration, Redactor } from '../core/index.js';
import type { CommandAction } from './command.js';
import { EXIT, type ExitCode } from './output.js';

interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly options?: readonly Option[];
  readonly args?: string;
  /** Lazily loaded implementation. */
  readonly load: () => Promise<CommandAction>;
  /** Config paths set from this command's flags. */
  readonly flags?: (options: Record<string, unknown>) => Record<string, unknown>;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const num =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    // InvalidArgumentError: commander prints it (with the option) before exit 2.
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number.`);
    return n;
  };

const duration =
  (name: string) =>
  (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined)
      throw new InvalidArgumentError(
        `${name} must be a duration such as 90s, 10m or 1h30m (a bare number is seconds).`,
      );
    return ms;
  };

const lockWaitOption = (): Option =>
  new Option(
    '--lock-wait <duration>',
    'how long to wait for another run holding the data dir or warehouse, e.g. 10m (default: run.lockWaitMs, 5m; 30m for schedule)',
  ).argParser(duration('--lock-wait'));

/** migrate, retention and rebuild take a run's locks: the warehouse and --lock-wait. */
const maintenanceOptions = (): Option[] => [
  new Option('--warehouse <url>', 'duckdb:PATH, postgres://..., snowflake://..., bigquery://PROJECT/DATASET'),
  lockWaitOption(),
];

const maintenanceFlags = (o: Record<string, unknown>): Record<string, unknown> => ({
  warehouse: o.warehouse,
  'run.lockWaitMs': o.lockWait,
});

/** Which owners a list shows; managers' rows are their team's roll-ups, so reps by default. */
const levelOption = (which?: string): Option =>
  new Option(
    '--level <level>',
    `owners to list${which ? ` (${which})` : ''}: rep, manager (team roll-ups) or all; default rep`,
  ).choices(['rep', 'manager', 'all']);

const runOptions = (): Option[] => [
  new Option('--forecast <id>', 'forecast id (repeatable; default: from config)').argParser(collect),
  new Option('--period <YYYY_QN>', 'fiscal period (repeatable; default: current + 4 previous)').argParser(collect),
  new Option('--as-of <YYYY-MM-DD>', 'business date of the run (default: today in the configured time zone)'),
  new Option('--warehouse <url>', 'duckdb:PATH, postgres://..., snowflake://..., bigquery://PROJECT/DATASET'),
  new Option('--dry-run', 'print the plan and its quota cost; spend nothing'),
  new Option('--no-cache', 'ignore landed exports within the cache TTL'),
  new Option('--activity', 'also export activity and refresh the opportunities it names (activity.enabled)'),
  new Option('--no-activity', 'skip activity and opportunities this run'),
  lockWaitOption(),
  new Option(
    '--deadline <duration>',
    'stop a run still going after this, e.g. 2h (default: run.deadlineMs, 4h)',
  ).argParser(duration('--deadline')),
];

const runFlags = (o: Record<string, unknown>): Record<string, unknown> => ({
  forecasts: o.forecast,
  'periods.list': o.period,
  warehouse: o.warehouse,
  'run.lockWaitMs': o.lockWait,
  'run.deadlineMs': o.deadline,
  'activity.enabled': o.activity,
});

const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'demo',
    summary: 'simulator + several business days into ./clari.duckdb, alerts to the console, reports',
    options: [
      new Option('--days <n>', 'simulated business days').default(10).argParser(num('--days')),
      new Option('--users <n>', 'users in the simulated tenant').default(120).argParser(num('--users')),
      new Option('--seed <n>', 'tenant seed').default(42).argParser(num('--seed')),
      new Option('--warehouse <url>', 'where to load (default duckdb:./clari.duckdb)'),
      new Option('--serve', 'then serve the dashboard over the demo data'),
      new Option('--port <n>', 'dashboard port with --serve').default(8080).argParser(num('--port')),
    ],
    load: async () => (await import('./commands/demo.js')).demo,
  },
  {
    name: 'run',
    summary: 'one pipeline run: export, land, load, detect changes, alert',
    options: [
      ...runOptions(),
      new Option('--trigger <name>', 'recorded in clari_sync_runs (cli, airflow, cron, ...)').hideHelp(),
    ],
    flags: runFlags,
    load: async () => (await import('./commands/run.js')).run,
  },
  {
    name: 'backfill',
    summary: 'like run, for past periods; quota-aware and resumable',
    options: [
      ...runOptions(),
      new Option('--quarters <n>', 'how many quarters before the current one (when no --period)')
        .default(8)
        .argParser(num('--quarters')),
      new Option('--reserve <n>', 'export quota to leave for daily runs (default 10% of the quota)').argParser(
        num('--reserve'),
      ),
    ],
    flags: runFlags,
    load: async () => (await import('./commands/run.js')).backfill,
  },
  {
    name: 'changes',
    summary: 'list detected forecast changes',
    options: [
      new Option('--since <YYYY-MM-DD>', 'snapshots on or after this date'),
      new Option('--forecast <id>', 'forecast id (repeatable)').argParser(collect),
      new Option('--period <YYYY_QN>', 'period (repeatable)').argParser(collect),
      new Option('--min-pct <n>', 'only moves of at least this percent').argParser(num('--min-pct')),
      new Option('--kind <kind>', 'changed, new_owner, removed_owner, quota_changed, adjustment_changed'),
      levelOption(),
      new Option('--limit <n>', 'rows (default 50)').argParser(num('--limit')),
      new Option('--format <format>', 'table, csv or json').default('table'),
      new Option('--warehouse <url>', 'duckdb:PATH or postgres://...'),
    ],
    flags: (o) => ({ warehouse: o.warehouse }),
    load: async () => (await import('./commands/changes.js')).changes,
  },
  {
    name: 'report',
    summary: 'accuracy | coverage | reps | changes | health | deals | deals-at-risk',
    args: '<name>',
    options: [
      new Option('--forecast <id>', 'forecast id (default: the first)'),
      new Option('--period <YYYY_QN>', 'period (default: the latest loaded)'),
      new Option('--field <id|name>', 'call field (default: Commit)'),
      levelOption('reps, changes, deals'),
      new Option('--owner <name|email|id>', 'deals, deals-at-risk: one owner (a manager: their team)'),
      new Option('--days <n>', 'changes, deals: moves of the last n days (default 7)').argParser(num('--days')),
      new Option('--quiet-days <n>', 'deals-at-risk: no meeting in more than n days (default 14)').argParser(
        num('--quiet-days'),
      ),
      new Option(
        '--min-amount <n>',
        'deals-at-risk: large means at least this amount (default: top quarter)',
      ).argParser(num('--min-amount')),
      new Option('--limit <n>', 'rows (changes, health, deals-at-risk; changes for deals)').argParser(num('--limit')),
      new Option('--format <format>', 'table, csv or json').default('table'),
      new Option('--warehouse <url>', 'duckdb:PATH or postgres://...'),
    ],
    flags: (o) => ({ warehouse: o.warehouse }),
    load: async () => (await import('./commands/report.js')).report,
  },
  {
    name: 'alerts',
    summary: 'test (send a test message to each channel) | backtest --period P (what the rules would have sent)',
    args: '<action>',
    options: [
      new Option('--period <YYYY_QN>', 'backtest: the period to replay'),
      new Option('--forecast <id>', 'backtest: forecast id (repeatable)').argParser(collect),
      new Option('--format <format>', 'table, csv or json').default('table'),
      new Option('--warehouse <url>', 'duckdb:PATH or postgres://...'),
    ],
    flags: (o) => ({ warehouse: o.warehouse }),
    load: async () => (await import('./commands/alerts.js')).alerts,
  },
  {
    name: 'serve',
    summary: 'dashboard, JSON API, /metrics, /healthz',
    options: [
      new Option('--host <host>', 'interface to bind; anything but loopback needs a token').default('127.0.0.1'),
      new Option('--port <n>', 'port (0 picks a free one)').default(8080).argParser(num('--port')),
      new Option(
        '--token <token>',
        'require this token (Bearer header, or ?token= once); prefer env CLARI_DP_SERVE_TOKEN, flags show in ps',
      ),
      new Option('--warehouse <url>', 'duckdb:PATH or postgres://...'),
    ],
    flags: (o) => ({ warehouse: o.warehouse }),
    load: async () => (await import('./commands/serve.js')).serve,
  },
  {
    name: 'schedule',
    summary:
      'long-running: `run` on a cron expression, one run at a time, /healthz and /metrics, graceful stop on SIGTERM',
    options: [
      new Option(
        '--cron <expr>',
        'five-field cron expression, e.g. "0 6 * * 1-5" (06:00 on weekdays)',
      ).makeOptionMandatory(),
      new Option('--tz <zone>', 'IANA time zone of the expression (default: the configured timezone)'),
      new Option('--port <n>', 'port of /healthz and /metrics (0 picks a free one)')
        .default(9464)
        .argParser(num('--port')),
      new Option('--host <host>', 'interface of /healthz and /metrics').default('127.0.0.1'),
      new Option('--no-catch-up', 'do not run at start when the last successful run is older than the previous slot'),
      ...runOptions().filter((option) => option.long !== '--as-of' && option.long !== '--dry-run'),
      new Option('--trigger <name>', 'recorded in clari_sync_runs (default: schedule)').hideHelp(),
    ],
    // --lock-wait sets the wait of the runs it fires, which has its own default.
    flags: (o) => ({ ...runFlags(o), 'run.lockWaitMs': undefined, 'schedule.lockWaitMs': o.lockWait }),
    load: async () => (await import('./commands/schedule.js')).schedule,
  },
  {
    name: 'doctor',
    summary: 'readiness checks, one PASS/WARN/FAIL line each; exit 1 on any FAIL',
    options: [
      new Option(
        '--forecast <id>',
        'forecast id to check (repeatable; a probe export is created and cancelled at once)',
      ).argParser(collect),
      new Option('--send-test', 'send a test message to every alert channel'),
      new Option('--cron <expr>', 'also check a schedule expression'),
      new Option('--tz <zone>', 'time zone of --cron (default: the configured timezone)'),
      new Option('--warehouse <url>', 'duckdb:PATH or postgres://...'),
    ],
    flags: (o) => ({ forecasts: o.forecast, warehouse: o.warehouse }),
    load: async () => (await import('./commands/doctor.js')).doctor,
  },
  {
    name: 'config',
    summary: 'show: the effective configuration, secrets masked, with the source of each value',
    args: '<action>',
    load: async () => (await import('./commands/config.js')).config,
  },
  {
    name: 'debug-bundle',
    summary:
      'an archive for support: versions, redacted config, recent runs and jobs; no secrets, names, e-mails or amounts',
    options: [
      new Option('--out <file>', 'where to write (default ./clari-dp-debug-<timestamp>.tar.gz)'),
      new Option('--warehouse <url>', 'duckdb:PATH or postgres://...'),
    ],
    flags: (o) => ({ warehouse: o.warehouse }),
    load: async () => (await import('./commands/debug-bundle.js')).debugBundle,
  },
  {
    name: 'sim',
    summary: 'the Clari simulator (Revenue API v4 over HTTP, faults on demand)',
    options: [
      new Option('--port <n>', 'port (0 picks a free one)').default(0).argParser(num('--port')),
      new Option('--host <host>', 'interface to bind').default('127.0.0.1'),
      new Option('--seed <n>', 'tenant seed').default(42).argParser(num('--seed')),
      new Option('--users <n>', 'users in the tenant').default(60).argParser(num('--users')),
      new Option('--forecasts <n>', 'forecast tabs').default(2).argParser(num('--forecasts')),
      new Option('--concurrency-limit <n>', 'concurrent export jobs').default(3).argParser(num('--concurrency-limit')),
      new Option('--monthly-quota <n>', 'exports per rolling 30 days').default(1000).argParser(num('--monthly-quota')),
      new Option('--job-duration <ms>', 'time from creation to DONE').default(2000).argParser(num('--job-duration')),
      new Option('--latency <ms>', 'added to every response').default(0).argParser(num('--latency')),
      new Option('--fault-rate <0..1>', 'share of requests and jobs that misbehave')
        .default(0)
        .argParser(num('--fault-rate')),
      new Option(
        '--fault-kinds <list>',
        'comma list of rate_limit,server_error,reset,slow,truncated_body,stuck,failed,empty,drift',
      ),
      new Option('--retry-after <s>', 'Retry-After seconds sent with 429').default(1).argParser(num('--retry-after')),
      new Option('--api-key <key>', 'the accepted API key').default('sim-key'),
      new Option('--as-of <YYYY-MM-DD>', 'the tenant business date at start (default: today)'),
      new Option('--fiscal-start-month <1-12>', 'first month of the fiscal year')
        .default(1)
        .argParser(num('--fiscal-start-month')),
      new Option('--history-quarters <n>', 'quarters of history before the current one')
        .default(8)
        .argParser(num('--history-quarters')),
      new Option('--max-entries <n>', 'truncate larger exports and flag rowsTruncated').argParser(num('--max-entries')),
      new Option('--rate-limit <n>', 'gateway limit, requests per second per key').argParser(num('--rate-limit')),
      new Option('--reject-crm-types', 'answer 400 type_not_supported for crm_total/crm_closed'),
      new Option('--bare-job-status', 'serve job status without the {job} wrapper'),
      new Option('--wrapped-job-list', 'serve the job list as {jobs: [...]}'),
    ],
    load: async () => (await import('./commands/sim.js')).sim,
  },
  {
    name: 'migrate',
    summary: 'apply pending warehouse schema migrations',
    options: maintenanceOptions(),
    flags: maintenanceFlags,
    load: async () => (await import('./commands/warehouse.js')).migrate,
  },
  {
    name: 'retention',
    summary: 'drop data older than N quarters (default 8)',
    options: [
      new Option('--quarters <n>', 'quarters to keep').argParser(num('--quarters')),
      new Option('--as-of <YYYY-MM-DD>', 'business date'),
      ...maintenanceOptions(),
    ],
    flags: maintenanceFlags,
    load: async () => (await import('./commands/warehouse.js')).retention,
  },
  {
    name: 'rebuild',
    summary: 're-derive all tables from the raw landing',
    options: maintenanceOptions(),
    flags: maintenanceFlags,
    load: async () => (await import('./commands/warehouse.js')).rebuild,
  },
];

export function buildProgram(io: Io, setExit: (code: ExitCode) => void): Command {
  const program = new Command('clari-dp')
    .description('Clari forecast exports into a warehouse, with history, change detection, alerts and analytics.')
    .version('0.1.0')
    .option('--config <file>', 'config file (default ./clari-dp.yaml when present)')
    .option('--env <name>', 'environment section of the config: dev, staging, prod (or CLARI_DP_ENV)')
    .option('--json', 'machine output on stdout; diagnostics on stderr')
    .option('--log-level <level>', 'debug, info, warn, error, silent', 'warn')
    .option('--force', 'skip the environment guards (e.g. --env dev against api.clari.com)')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  for (const spec of COMMANDS) {
    const command = program.command(spec.name).description(spec.summary);
    if (spec.args) command.argument(spec.args);
    for (const option of spec.options ?? []) command.addOption(option);
    for (const name of ['config', 'env', 'log-level'] as const)
      command.addOption(new Option(`--${name} <value>`).hideHelp());
    command.addOption(new Option('--json').hideHelp());
    command.addOption(new Option('--force').hideHelp());
    command.action(async (...received: unknown[]) => {
      const cmd = received[received.length - 1] as Command;
      const options = cmd.optsWithGlobals<Record<string, unknown> & GlobalOptions>();
      const action = await spec.load();
      let context: AppContext | undefined;
      const ctx = (): AppContext => (context ??= createContext(options, io, spec.flags?.(options) ?? {}));
      setExit(await action(ctx, options, cmd.args));
    });
  }
  return program;
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<ExitCode> {
  let exit: ExitCode = EXIT.ok;
  const program = buildProgram(io, (code) => (exit = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(error, io, argv.includes('--json'));
  }
}

/** Prints an error once, redacted, with its hint; maps it to an exit code. */
export function reportError(error: unknown, io: Io, json: boolean): ExitCode {
  const redactor = new Redactor([
    io.environment.CLARI_API_KEY,
    io.environment.SMTP_URL,
    io.environment.SLACK_WEBHOOK_URL,
  ]);
  const code = isAppError(error) && (error.kind === 'config' || error.kind === 'usage') ? EXIT.usage : EXIT.failed;
  if (json) {
    const body = isAppError(error)
      ? { error: error.message, code: error.code, hint: error.hint }
      : { error: String(error), code: 'internal.unexpected' };
    io.stdout(`${redactor.redact(JSON.stringify(body))}\n`);
  } else {
    const detail = isAppError(error) ? '' : error instanceof Error && error.stack ? `\n${error.stack}` : '';
    io.stderr(`clari-dp: ${redactor.redact(describeError(error))}${redactor.redact(detail)}\n`);
  }
  return code;
}
