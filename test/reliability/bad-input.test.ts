/**
 * Malformed configuration and command-line input, through the real CLI: every case exits 2 before
 * touching Clari or the warehouse, names the offending key (and where it came from), says how to fix
 * it, and prints no stack trace. The decoder and loader side of bad input is fuzz.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/reliability.js';

interface Case {
  readonly name: string;
  readonly yaml?: string;
  readonly alerts?: string;
  readonly env?: Record<string, string>;
  readonly args?: readonly string[];
  /** What the message must say: the key, and where the value came from when that helps. */
  readonly says: readonly (string | RegExp)[];
}

const CASES: readonly Case[] = [
  {
    name: 'YAML that does not parse',
    yaml: 'export:\n  pollIntervalMs: [1,\n',
    says: ['clari-dp.yaml is not valid YAML', /line \d+, column \d+/],
  },
  {
    name: 'a key given twice',
    yaml: 'export:\n  pollIntervalMs: 10\n  pollIntervalMs: 20\n',
    says: ['Map keys must be unique', /line 3/],
  },
  {
    name: 'a misspelt key',
    yaml: 'export:\n  pollIntervalMS: 10\n',
    says: ['export.pollIntervalMS', 'Unrecognized key'],
  },
  {
    name: 'a wrong type',
    yaml: 'export:\n  pollIntervalMs: fast\n',
    says: [/export\.pollIntervalMs \(from .*clari-dp\.yaml\): .*expected number/],
  },
  { name: 'a value out of range', yaml: 'periods:\n  count: 0\n', says: ['periods.count (from', 'Too small'] },
  { name: 'a negative lock wait', yaml: 'warehouseLockWaitMs: -5\n', says: ['warehouseLockWaitMs (from'] },
  {
    name: 'a forecast with a bad currency',
    yaml: 'forecasts:\n  - {id: net_new_arr, currency: usd}\n',
    env: { CLARI_DP_FORECASTS: '' },
    says: ['forecasts.0.currency', 'ISO currency code'],
  },
  {
    name: 'a secret in the file',
    yaml: 'clari:\n  apiKey: not-here-123456\n',
    says: ['clari.apiKey holds a secret', 'CLARI_API_KEY'],
  },
  {
    name: 'an unknown time zone from the environment',
    env: { CLARI_DP_TIMEZONE: 'Mars/Olympus' },
    says: ['timezone (from the environment)', 'Mars/Olympus'],
  },
  {
    name: 'an unknown warehouse scheme',
    env: { CLARI_DP_WAREHOUSE: 'mysql://db/clari' },
    says: ['Unknown warehouse', 'duckdb:PATH'],
  },
  { name: 'a duckdb URL without a path', args: ['--warehouse', 'duckdb:'], says: ['duckdb: needs a file path'] },
  {
    name: 'a bad --as-of',
    args: ['--as-of', '2026-13-45'],
    says: ['--as-of must be a date (YYYY-MM-DD), got "2026-13-45"'],
  },
  { name: 'a bad --period', args: ['--period', '2026Q4'], says: ['periods.list.0 (from the command line)', '2026_Q2'] },
  {
    name: 'a bad --lock-wait',
    args: ['--lock-wait', 'soon'],
    says: ["option '--lock-wait <duration>' argument 'soon' is invalid", '90s, 10m or 1h30m'],
  },
  { name: 'a bad run.deadlineMs', yaml: 'run:\n  deadlineMs: 0\n', says: ['run.deadlineMs (from'] },
  {
    name: 'a malformed alerts.yaml',
    alerts: 'cooldownHours: soon\n',
    says: ['alerts.yaml', 'cooldownHours', 'expected number'],
  },
  {
    name: 'an alert channel without its secret',
    alerts: 'channels:\n  ops: {type: webhook, urlEnv: OPS_HOOK}\n',
    says: ["Alert channel 'ops'", 'needs OPS_HOOK in the environment'],
  },
  {
    name: 'a bad crash-test point',
    env: { CLARI_DP_CRASH_AT: 'load.never:1' },
    says: ['CLARI_DP_CRASH_AT="load.never:1" is not <point>[:<n>]', 'load.applied'],
  },
];

describe('malformed configuration and input exit 2 and name the key', () => {
  it.each(CASES)('$name', async (c) => {
    const dir = tempDir('bad-input');
    if (c.yaml !== undefined) writeFileSync(join(dir, 'clari-dp.yaml'), c.yaml);
    if (c.alerts !== undefined) writeFileSync(join(dir, 'alerts.yaml'), c.alerts);
    const env = {
      // Nothing listens here: any case that got as far as calling Clari would fail differently.
      CLARI_BASE_URL: 'http://127.0.0.1:9/v4',
      CLARI_API_KEY: 'bad-input-key-0000',
      CLARI_DP_FORECASTS: 'net_new_arr',
      CLARI_DP_WAREHOUSE: `duckdb:${join(dir, 'wh.duckdb')}`,
      CLARI_DP_DATA_DIR: join(dir, 'data'),
      ...c.env,
    };
    const result = await runCli(['run', ...(c.args ?? [])], env, dir);
    expect(result.code, result.stderr).toBe(2);
    for (const expected of c.says)
      expect(result.stderr).toMatch(
        typeof expected === 'string' ? new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : expected,
      );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr + result.stdout).not.toContain('bad-input-key-0000');
  });
});
