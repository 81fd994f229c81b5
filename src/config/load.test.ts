import { describe, expect, it } from 'vitest';
import { type ConfigInputs, loadConfig } from './load.js';
import { configLines } from './show.js';

function inputs(files: Record<string, string>, extra: Partial<ConfigInputs> = {}): ConfigInputs {
  return { environment: {}, readFile: (p) => files[p], resolvePath: (p) => p.replace(/^\.\//, ''), ...extra };
}

const FILE = `
forecasts: [net_new_arr]
export:
  pollIntervalMs: 1000
  jobTimeoutMs: 20000
warehouse: duckdb:./file.duckdb
environments:
  prod:
    clari:
      baseUrl: https://api.clari.com/v4
    export:
      pollIntervalMs: 30000
  dev:
    clari:
      baseUrl: http://127.0.0.1:4010/v4
`;

describe('loadConfig', () => {
  it('has sensible defaults with no file', () => {
    const { config, sources, file } = loadConfig(inputs({}));
    expect(file).toBeUndefined();
    expect(config.warehouse).toBe('duckdb:./clari.duckdb');
    expect(config.periods.count).toBe(5);
    expect(config.export.jobTimeoutMs).toBe(600_000);
    expect(config.export.types).toHaveLength(6);
    expect(sources['export.jobTimeoutMs']).toBe('default');
  });

  it('layers defaults < file < environment section < env vars < flags, and remembers each origin', () => {
    const loaded = loadConfig(
      inputs(
        { 'clari-dp.yaml': FILE },
        {
          env: 'prod',
          environment: { CLARI_DP_WAREHOUSE: 'duckdb:/tmp/env.duckdb', CLARI_DP_FORECASTS: 'a, b' },
          flags: { 'periods.list': ['2026_Q1'] },
        },
      ),
    );
    const { config, sources } = loaded;
    expect(config.export.jobTimeoutMs).toBe(20_000);
    expect(sources['export.jobTimeoutMs']).toBe('file');
    expect(config.export.pollIntervalMs).toBe(30_000);
    expect(sources['export.pollIntervalMs']).toBe('file-env');
    expect(config.warehouse).toBe('duckdb:/tmp/env.duckdb');
    expect(sources.warehouse).toBe('env');
    expect(config.forecasts).toEqual(['a', 'b']);
    expect(config.periods.list).toEqual(['2026_Q1']);
    expect(sources['periods.list']).toBe('flag');
    expect(config.export.maxRequeues).toBe(2);
    expect(loaded.envName).toBe('prod');
  });

  it('selects the environment from CLARI_DP_ENV and rejects unknown ones', () => {
    expect(
      loadConfig(inputs({ 'clari-dp.yaml': FILE }, { environment: { CLARI_DP_ENV: 'dev' } })).config.clari.baseUrl,
    ).toBe('http://127.0.0.1:4010/v4');
    expect(() => loadConfig(inputs({}, { env: 'production' }))).toThrow(/Unknown environment "production"/);
  });

  it('names the offending key and where it came from', () => {
    const bad = 'export:\n  pollIntervalMs: soon\n  jobTimeotMs: 5\n';
    const error = (() => {
      try {
        loadConfig(inputs({ 'clari-dp.yaml': bad }));
      } catch (e) {
        return e as Error & { kind: string };
      }
      return undefined;
    })();
    expect(error?.kind).toBe('config');
    expect(error?.message).toContain('export.pollIntervalMs (from clari-dp.yaml)');
    expect(error?.message).toContain('export.jobTimeotMs');
  });

  it('reports YAML syntax errors, a missing --config file and a bad time zone', () => {
    expect(() => loadConfig(inputs({ 'clari-dp.yaml': 'a: [1,\n' }))).toThrow(/not valid YAML/);
    expect(() => loadConfig(inputs({}, { file: 'missing.yaml' }))).toThrow(/Config file not found: missing.yaml/);
    expect(() => loadConfig(inputs({ 'clari-dp.yaml': 'timezone: Mars/Olympus\n' }))).toThrow(/unknown time zone/);
  });

  it.each([
    ['clari:\n  apiKey: abc123456\n', 'clari.apiKey holds a secret', 'CLARI_API_KEY'],
    ['alerts:\n  slack:\n    webhook_url: x\n', 'webhook_url holds a secret', 'SLACK_WEBHOOK_URL'],
    ['warehouse: postgres://me:hunter22@db/clari\n', 'contains a password in a URL', 'CLARI_DP_WAREHOUSE'],
    ['environments:\n  prod:\n    smtpUrl: smtp://x\n', 'environments.prod.smtpUrl holds a secret', 'SMTP_URL'],
    [
      'warehouse: snowflake://CLARI_DP:hunter22@acct/DB/S?warehouse=WH\n',
      'contains a password in a URL',
      'SNOWFLAKE_PASSWORD',
    ],
    [
      'warehouse: snowflake://CLARI_DP@acct/DB/S?password=hunter22\n',
      'contains a password in a URL',
      'SNOWFLAKE_PASSWORD',
    ],
    [
      'snowflake:\n  privateKeyPassphrase: hunter22\n',
      'snowflake.privateKeyPassphrase holds a secret',
      'SNOWFLAKE_PRIVATE_KEY_PASSPHRASE',
    ],
    [
      'notes: "-----BEGIN PRIVATE KEY-----\\nhunter22\\n-----END PRIVATE KEY-----"\n',
      'contains a private key',
      'SNOWFLAKE_PRIVATE_KEY_FILE',
    ],
  ])('refuses an inline secret (%#)', (text, what, where) => {
    const run = () => loadConfig(inputs({ 'clari-dp.yaml': text }));
    expect(run).toThrow(what);
    try {
      run();
    } catch (e) {
      expect((e as { hint: string }).hint).toContain(where);
      expect((e as Error).message).not.toContain('hunter22');
      expect((e as Error).message).not.toContain('abc123456');
    }
  });

  it('reads the API key from the environment, else from a key file', () => {
    expect(loadConfig(inputs({}, { environment: { CLARI_API_KEY: ' k-env ' } })).secrets.clariApiKey).toEqual({
      value: 'k-env',
      from: 'CLARI_API_KEY',
    });
    const fromFile = loadConfig(
      inputs({ 'secrets/key': 'k-file\n' }, { environment: { CLARI_API_KEY_FILE: 'secrets/key' } }),
    );
    expect(fromFile.secrets.clariApiKey).toEqual({ value: 'k-file', from: 'file secrets/key' });
    expect(() => loadConfig(inputs({}, { environment: { CLARI_API_KEY_FILE: 'nope' } }))).toThrow(/does not exist/);
    expect(() => loadConfig(inputs({ empty: ' ' }, { environment: { CLARI_API_KEY_FILE: 'empty' } }))).toThrow(
      /is empty/,
    );
  });

  it('shows secrets by origin only', () => {
    const lines = configLines(
      loadConfig(inputs({}, { environment: { CLARI_API_KEY: 'very-secret-key', SMTP_URL: 'smtp://u:p@h' } })),
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain('very-secret-key');
    expect(text).not.toContain('u:p@h');
    expect(lines.find((l) => l.key === 'secrets.clariApiKey')).toMatchObject({
      value: '[REDACTED]',
      origin: 'CLARI_API_KEY',
    });
    expect(lines.find((l) => l.key === 'secrets.slackWebhookUrl')).toMatchObject({ value: '(not set)' });
  });

  it('keeps environments apart: prod refuses a simulator URL and a dev key, dev refuses api.clari.com unless forced', () => {
    const prodKey = 'k9Zx2PqLm4Vb8Nc6Tr1Wy3Ud5Fg7Hj0K';
    const sim = { CLARI_BASE_URL: 'http://127.0.0.1:4010/v4', CLARI_API_KEY: prodKey };
    expect(() => loadConfig(inputs({}, { env: 'prod', environment: sim }))).toThrow(/looks like a simulator/);
    expect(() => loadConfig(inputs({}, { env: 'staging', environment: { CLARI_API_KEY: 'sim-key' } }))).toThrow(
      /development-looking API key/,
    );
    expect(loadConfig(inputs({}, { env: 'prod', environment: { CLARI_API_KEY: prodKey } })).config.clari.baseUrl).toBe(
      'https://api.clari.com/v4',
    );
    expect(() => loadConfig(inputs({}, { env: 'dev', environment: { CLARI_API_KEY: 'sim-key' } }))).toThrow(
      /a real Clari tenant/,
    );
    expect(loadConfig(inputs({}, { env: 'dev', environment: { ...sim, CLARI_API_KEY: 'sim-key' } })).envName).toBe(
      'dev',
    );
    expect(loadConfig(inputs({}, { env: 'dev', force: true, environment: { CLARI_API_KEY: 'sim-key' } })).envName).toBe(
      'dev',
    );
    expect(loadConfig(inputs({}, { env: 'prod', environment: { ...sim, CLARI_DP_FORCE: '1' } })).envName).toBe('prod');
  });

  it('activity: off by default, on from the file, the environment or a flag; config show lists every setting', () => {
    const off = loadConfig(inputs({}));
    expect(off.config.activity).toEqual({
      enabled: false,
      window: 'quarter',
      types: ['MEETING', 'EMAIL_SENT', 'EMAIL_RECEIVED', 'ATTACHMENT_SENT', 'ATTACHMENT_RECEIVED'],
      batchSize: 100,
      concurrency: 2,
      maxOpportunities: 5000,
    });
    const keys = configLines(off).map((l) => l.key);
    for (const key of ['enabled', 'window', 'types', 'batchSize', 'concurrency', 'maxOpportunities'])
      expect(keys).toContain(`activity.${key}`);
    const file = loadConfig(
      inputs({ 'clari-dp.yaml': 'activity:\n  enabled: true\n  window: 30d\n  batchSize: 50\n' }),
    );
    expect(file.config.activity).toMatchObject({ enabled: true, window: '30d', batchSize: 50 });
    expect(file.sources['activity.enabled']).toBe('file');
    const env = loadConfig(
      inputs(
        { 'clari-dp.yaml': 'activity:\n  enabled: false\n' },
        { environment: { CLARI_DP_ACTIVITY: 'yes', CLARI_DP_ACTIVITY_WINDOW: '90d' } },
      ),
    );
    expect(env.config.activity).toMatchObject({ enabled: true, window: '90d' });
    expect(env.sources['activity.enabled']).toBe('env');
    const flag = loadConfig(
      inputs({}, { environment: { CLARI_DP_ACTIVITY: '1' }, flags: { 'activity.enabled': false } }),
    );
    expect(flag.config.activity.enabled).toBe(false);
  });

  it('activity: a bad switch, window or batch size is refused with what to write instead', () => {
    expect(() => loadConfig(inputs({}, { environment: { CLARI_DP_ACTIVITY: 'maybe' } }))).toThrow(
      /CLARI_DP_ACTIVITY must be true or false/,
    );
    expect(() => loadConfig(inputs({ 'clari-dp.yaml': 'activity:\n  window: month\n' }))).toThrow(
      /activity\.window \(from clari-dp\.yaml\): `quarter` or a number of days/,
    );
    expect(() => loadConfig(inputs({ 'clari-dp.yaml': 'activity:\n  batchSize: 101\n' }))).toThrow(
      /activity\.batchSize/,
    );
    expect(() => loadConfig(inputs({ 'clari-dp.yaml': 'activity:\n  types: [meeting]\n' }))).toThrow(/activity\.types/);
  });
});
