/**
 * Loads the effective configuration: defaults < YAML file < the file's section for the selected
 * environment < environment variables < command-line flags (design.md section 3), remembering where
 * every value came from for `config show`. Secrets are read only from the environment or from files
 * named by path; a secret written in the YAML file is refused with a message saying where it goes.
 * I/O (reading files) is injected so the loader is testable and the layers stay pure.
 */
import { parseDocument } from 'yaml';
import { ConfigError } from '../core/index.js';
import { isValidTimeZone } from '../domain/index.js';
import { type AlertsFile, alertsFileSchema } from './alerts-schema.js';
import { type Config, configSchema, ENVIRONMENTS, type EnvironmentName, INLINE_SECRET_KEYS } from './schema.js';

export type Source = 'default' | 'file' | 'file-env' | 'env' | 'flag';

export interface ConfigInputs {
  /** --config; when absent `clari-dp.yaml` in cwd is used if it exists. */
  readonly file?: string | undefined;
  /** --env; else CLARI_DP_ENV. */
  readonly env?: string | undefined;
  /** Flag overrides as dotted paths (e.g. `warehouse`, `periods.list`). */
  readonly flags?: Readonly<Record<string, unknown>> | undefined;
  /** --force: skip the environment guards (a dev environment against api.clari.com, say). */
  readonly force?: boolean | undefined;
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Returns the file's text, or undefined when it does not exist. */
  readonly readFile: (path: string) => string | undefined;
  readonly resolvePath: (path: string) => string;
}

export interface Secret {
  readonly value: string;
  /** Where it came from, e.g. `CLARI_API_KEY` or `file /run/secrets/clari`. Never the value. */
  readonly from: string;
}

export interface Secrets {
  readonly clariApiKey?: Secret | undefined;
  readonly slackWebhookUrl?: Secret | undefined;
  readonly smtpUrl?: Secret | undefined;
  readonly alertEmailTo?: string | undefined;
}

export interface LoadedConfig {
  readonly config: Config;
  /** alerts.yaml, parsed (defaults when the file does not exist). */
  readonly alerts: { readonly file: string | undefined; readonly config: AlertsFile };
  readonly sources: Readonly<Record<string, Source>>;
  readonly envName: EnvironmentName | undefined;
  readonly file: string | undefined;
  readonly secrets: Secrets;
}

const DEFAULT_FILE = 'clari-dp.yaml';

/** Environment variables that set config values (design.md section 3), by dotted path. */
export const ENV_VARS: Readonly<Record<string, string>> = {
  CLARI_BASE_URL: 'clari.baseUrl',
  CLARI_API_KEY_FILE: 'clari.apiKeyFile',
  CLARI_DP_WAREHOUSE: 'warehouse',
  CLARI_DP_DATA_DIR: 'dataDir',
  CLARI_DP_TIMEZONE: 'timezone',
  CLARI_DP_FORECASTS: 'forecasts',
  CLARI_DP_ALERTS_FILE: 'alertsFile',
  CLARI_DP_ACTIVITY: 'activity.enabled',
  CLARI_DP_ACTIVITY_WINDOW: 'activity.window',
};

/** Settings whose environment variable is a switch: true/false, 1/0, yes/no, on/off. */
const SWITCHES = new Set(['activity.enabled']);

function envValue(variable: string, path: string, value: string): unknown {
  if (path === 'forecasts')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (!SWITCHES.has(path)) return value;
  const word = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(word)) return true;
  if (['0', 'false', 'no', 'off'].includes(word)) return false;
  throw new ConfigError(
    `${variable} must be true or false, got "${value}"`,
    `Set ${variable}=true or ${variable}=false.`,
  );
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadConfig(inputs: ConfigInputs): LoadedConfig {
  const envName = pickEnvironment(inputs.env ?? inputs.environment.CLARI_DP_ENV);
  const { file, base, section } = readFileLayers(inputs, envName);
  const envLayer: Obj = {};
  for (const [variable, path] of Object.entries(ENV_VARS)) {
    const value = inputs.environment[variable];
    if (value === undefined || value === '') continue;
    setPath(envLayer, path, envValue(variable, path, value));
  }
  const layers: [Source, Obj][] = [
    ['file', base],
    ['file-env', section],
    ['env', envLayer],
    ['flag', unflatten(inputs.flags ?? {})],
  ];
  const merged: Obj = {};
  const sources: Record<string, Source> = {};
  for (const [source, layer] of layers) {
    for (const [path, value] of leaves(layer)) {
      setPath(merged, path, value);
      sources[path] = source;
    }
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const path = issue.path.join('.') || '(top level)';
      const from = describeSource(sourceOf(sources, path), file, envName);
      const keys =
        issue.code === 'unrecognized_keys'
          ? ` ${issue.keys.map((k) => (path === '(top level)' ? k : `${path}.${k}`)).join(', ')}`
          : '';
      return `  ${path}${from}: ${issue.message}${keys}`;
    });
    throw new ConfigError(
      `Invalid configuration:\n${lines.join('\n')}`,
      'Fix the keys named above; `clari-dp config show` prints the effective configuration and where each value comes from.',
      {
        issues: parsed.error.issues.map((i) => i.path.join('.')),
      },
    );
  }
  const config = parsed.data;
  if (!isValidTimeZone(config.timezone))
    throw new ConfigError(
      `timezone${describeSource(sources.timezone, file, envName)}: unknown time zone "${config.timezone}"`,
      'Use an IANA name such as UTC or America/New_York.',
    );
  for (const [path, value] of leaves(config)) if (!(path in sources) && value !== undefined) sources[path] = 'default';
  const secrets = readSecrets(inputs, config);
  if (envName && !(inputs.force === true || inputs.environment.CLARI_DP_FORCE === '1'))
    guardEnvironment(envName, config, secrets);
  return {
    config,
    sources,
    envName,
    file,
    secrets,
    alerts: loadAlerts(inputs, config.alertsFile, sources.alertsFile !== 'default'),
  };
}

function loadAlerts(inputs: ConfigInputs, name: string, explicit: boolean): LoadedConfig['alerts'] {
  const path = inputs.resolvePath(name);
  const text = inputs.readFile(path);
  if (text === undefined) {
    if (explicit)
      throw new ConfigError(
        `Alerts file not found: ${name}`,
        'Check alertsFile / CLARI_DP_ALERTS_FILE, or remove it to use the default rules.',
      );
    return { file: undefined, config: alertsFileSchema.parse({}) };
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw yamlSyntaxError(path, doc.errors[0]!.message);
  const raw: unknown = doc.toJS() ?? {};
  refuseInlineSecrets(raw, path, '');
  const parsed = alertsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.join(', ')}` : '';
      return `  ${issue.path.join('.') || '(top level)'}: ${issue.message}${keys}`;
    });
    throw new ConfigError(
      `Invalid alerts file ${path}:\n${lines.join('\n')}`,
      'Fix the keys named above; docs/alerts.md lists every rule and channel option.',
    );
  }
  return { file: path, config: parsed.data };
}

const PRODUCTION_HOST = /(^|\.)clari\.com$/i;

/**
 * Keeps environments apart (the seed checklist: separate keys per environment): staging and prod
 * must talk to Clari over HTTPS with a real key, never to a simulator or with a dev key; dev must not
 * reach api.clari.com by accident. `--force` or CLARI_DP_FORCE=1 skips these checks.
 */
export function guardEnvironment(envName: EnvironmentName, config: Config, secrets: Secrets): void {
  const url = new URL(config.clari.baseUrl);
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(url.hostname);
  if (envName === 'dev' && PRODUCTION_HOST.test(url.hostname)) {
    throw new ConfigError(
      `--env dev points at ${url.host}, a real Clari tenant`,
      'Use the simulator (clari-dp sim) for dev, select --env staging or prod, or add --force (CLARI_DP_FORCE=1) if you mean it.',
    );
  }
  if (envName === 'prod' || envName === 'staging') {
    if (loopback || url.protocol !== 'https:') {
      throw new ConfigError(
        `--env ${envName} points at ${url.protocol}//${url.host}, which looks like a simulator or a plain-HTTP endpoint`,
        'Set CLARI_BASE_URL to https://api.clari.com/v4 for this environment, or add --force.',
      );
    }
    const key = secrets.clariApiKey?.value;
    if (key && looksLikeDevKey(key)) {
      throw new ConfigError(
        `--env ${envName} has a development-looking API key (from ${secrets.clariApiKey.from})`,
        'Use the production token for this environment (one token per environment), or add --force.',
      );
    }
  }
}

/** Simulator and placeholder keys: `sim-key`, `dev-...`, `test_...`, or too short to be a Clari token. */
export function looksLikeDevKey(key: string): boolean {
  return /^(sim|dev|test|demo|fake|dummy|changeme)([-_]|$)/i.test(key) || key.length < 20;
}

function pickEnvironment(name: string | undefined): EnvironmentName | undefined {
  if (name === undefined || name === '') return undefined;
  if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
    throw new ConfigError(
      `Unknown environment "${name}"`,
      `Use one of ${ENVIRONMENTS.join(', ')} (--env or CLARI_DP_ENV).`,
    );
  }
  return name as EnvironmentName;
}

function readFileLayers(
  inputs: ConfigInputs,
  envName: EnvironmentName | undefined,
): { file: string | undefined; base: Obj; section: Obj } {
  const path = inputs.resolvePath(inputs.file ?? DEFAULT_FILE);
  const text = inputs.readFile(path);
  if (text === undefined) {
    if (inputs.file)
      throw new ConfigError(
        `Config file not found: ${inputs.file}`,
        'Check the --config path, or leave it out to use defaults and environment variables.',
      );
    return { file: undefined, base: {}, section: {} };
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw yamlSyntaxError(path, doc.errors[0]!.message);
  const raw: unknown = doc.toJS() ?? {};
  if (!isObj(raw))
    throw new ConfigError(`${path} must hold a mapping of settings, not ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  refuseInlineSecrets(raw, path, '');
  const { environments, ...base } = raw;
  if (environments !== undefined && !isObj(environments))
    throw new ConfigError(`${path}: environments must map dev/staging/prod to settings`);
  const sections = environments ?? {};
  for (const name of Object.keys(sections)) {
    if (!(ENVIRONMENTS as readonly string[]).includes(name))
      throw new ConfigError(`${path}: environments.${name} is not an environment`, `Use ${ENVIRONMENTS.join(', ')}.`);
  }
  const section = envName ? sections[envName] : undefined;
  if (section !== undefined && !isObj(section))
    throw new ConfigError(`${path}: environments.${envName} must be a mapping`);
  return { file: path, base, section: section ?? {} };
}

function refuseInlineSecrets(value: unknown, file: string, path: string): void {
  if (isObj(value)) {
    for (const [key, inner] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      const advice = INLINE_SECRET_KEYS[key.toLowerCase().replace(/[-_]/g, '')];
      if (advice && inner !== null && inner !== undefined && inner !== '') {
        throw new ConfigError(
          `${file}: ${here} holds a secret, and secrets are never read from the config file`,
          `Remove it from the file and ${advice}.`,
        );
      }
      refuseInlineSecrets(inner, file, here);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => refuseInlineSecrets(v, file, `${path}[${i}]`));
  } else if (typeof value === 'string') {
    if (
      /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(value) ||
      /^[a-z][a-z0-9+.-]*:\/\/\S*[?&](password|token|private_key_passphrase)=/i.test(value)
    ) {
      throw new ConfigError(
        `${file}: ${path} contains a password in a URL`,
        'Keep the URL without the password in the file and put the full URL in the environment (e.g. CLARI_DP_WAREHOUSE), or use PGPASSWORD (PostgreSQL) or SNOWFLAKE_PASSWORD / SNOWFLAKE_PRIVATE_KEY_FILE (Snowflake).',
      );
    }
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----|"private_key"\s*:/.test(value)) {
      throw new ConfigError(
        `${file}: ${path} contains a private key`,
        'Keep keys in files: SNOWFLAKE_PRIVATE_KEY_FILE for Snowflake, GOOGLE_APPLICATION_CREDENTIALS for a BigQuery service-account key.',
      );
    }
    if (/hooks\.slack\.com\/services\//i.test(value)) {
      throw new ConfigError(
        `${file}: ${path} contains a Slack webhook URL, which is a secret`,
        'Set SLACK_WEBHOOK_URL in the environment instead.',
      );
    }
  }
}

function readSecrets(inputs: ConfigInputs, config: Config): Secrets {
  const env = inputs.environment;
  let clariApiKey: Secret | undefined;
  const direct = env.CLARI_API_KEY?.trim();
  if (direct) clariApiKey = { value: direct, from: 'CLARI_API_KEY' };
  else if (config.clari.apiKeyFile) {
    const path = inputs.resolvePath(config.clari.apiKeyFile);
    const text = inputs.readFile(path);
    if (text === undefined) {
      throw new ConfigError(
        `The API key file ${config.clari.apiKeyFile} does not exist or cannot be read`,
        'Point CLARI_API_KEY_FILE (or clari.apiKeyFile) at a readable file that holds only the key.',
      );
    }
    if (text.trim() === '')
      throw new ConfigError(
        `The API key file ${config.clari.apiKeyFile} is empty`,
        'Write the Clari API token into it (Settings -> API Token in Clari).',
      );
    clariApiKey = { value: text.trim(), from: `file ${config.clari.apiKeyFile}` };
  }
  const secret = (name: string): Secret | undefined => {
    const value = env[name]?.trim();
    return value ? { value, from: name } : undefined;
  };
  return {
    clariApiKey,
    slackWebhookUrl: secret('SLACK_WEBHOOK_URL'),
    smtpUrl: secret('SMTP_URL'),
    alertEmailTo: env.ALERT_EMAIL_TO?.trim() || undefined,
  };
}

function describeSource(source: Source | undefined, file: string | undefined, envName: string | undefined): string {
  switch (source) {
    case 'file':
      return ` (from ${file})`;
    case 'file-env':
      return ` (from ${file}, environments.${envName})`;
    case 'env':
      return ' (from the environment)';
    case 'flag':
      return ' (from the command line)';
    default:
      return '';
  }
}

function sourceOf(sources: Record<string, Source>, path: string): Source | undefined {
  for (let p = path; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    if (sources[p]) return sources[p];
    const prefix = `${p}.`;
    const child = Object.keys(sources).find((k) => k.startsWith(prefix));
    if (child) return sources[child];
  }
  return undefined;
}

/** Leaf values by dotted path; arrays are leaves. */
export function leaves(value: Obj, prefix = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObj(inner) && Object.keys(inner).length > 0) out.push(...leaves(inner, path));
    else out.push([path, inner]);
  }
  return out;
}

function setPath(target: Obj, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isObj(node[key])) node[key] = {};
    node = node[key] as Obj;
  }
  node[keys[keys.length - 1]!] = value;
}

function unflatten(flat: Readonly<Record<string, unknown>>): Obj {
  const out: Obj = {};
  for (const [path, value] of Object.entries(flat)) if (value !== undefined) setPath(out, path, value);
  return out;
}

/**
 * A YAML syntax error as one message: the parser's first error with the lines it points at. The
 * errors after the first mostly follow from it (an unclosed bracket upsets everything below).
 */
function yamlSyntaxError(path: string, message: string): ConfigError {
  const [first = '', ...frame] = message.split('\n');
  const shown = frame.filter((line) => line.trim() !== '').map((line) => `    ${line}`);
  return new ConfigError(
    `${path} is not valid YAML:\n  ${shown.length > 0 ? first : first.replace(/:$/, '')}${shown.length > 0 ? `\n${shown.join('\n')}` : ''}`,
    'Fix the YAML syntax at the line shown; errors further down often follow from this one.',
  );
}
