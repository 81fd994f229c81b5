/** The built CLI as a user runs it: help, not-yet-built commands, the simulator and doctor's API checks. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';

const COMMANDS = [
  'demo',
  'run',
  'backfill',
  'changes',
  'report',
  'alerts',
  'serve',
  'schedule',
  'doctor',
  'config',
  'debug-bundle',
  'sim',
  'migrate',
  'retention',
  'rebuild',
];

let sim: ChildProcess;
let url: string;

beforeAll(async () => {
  const started = await startCli(
    ['sim', '--port', '0', '--job-duration', '50', '--api-key', 'e2e-secret-key-42'],
    /listening on (\S+)/,
  );
  sim = started.child;
  url = started.match[1]!;
});
afterAll(() => {
  sim.kill('SIGTERM');
});

describe('clari-dp CLI', () => {
  it('lists every command of the design in --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const name of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('prints the simulator URL in the documented form', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v4$/);
  });

  it('doctor passes against a working API', async () => {
    const result = await runCli(['doctor', '--forecast', 'net_new_arr'], {
      CLARI_BASE_URL: url,
      CLARI_API_KEY: 'e2e-secret-key-42',
      CLARI_DP_WAREHOUSE: 'duckdb::memory:',
    });
    expect(result.stdout).toMatch(/^PASS\s+API key/m);
    expect(result.stdout).toMatch(/^PASS\s+Clari API\s+reachable and authenticated/m);
    expect(result.stdout).toMatch(/^PASS\s+Export quota\s+1000 of 1000/m);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('e2e-secret-key-42');
  });

  it('doctor fails clearly, without a stack trace or the key, for a wrong key', async () => {
    const result = await runCli(['doctor'], {
      CLARI_BASE_URL: url,
      CLARI_API_KEY: 'wrong-key-0000',
      CLARI_DP_WAREHOUSE: 'duckdb::memory:',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL\s+Clari API\s+.*rejected the API key/m);
    expect(result.stdout).toMatch(/fix: Set CLARI_API_KEY/);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout + result.stderr).not.toContain('wrong-key-0000');
  });

  it('doctor fails when no key is configured, and --json is machine-readable', async () => {
    const result = await runCli(['doctor', '--json'], { CLARI_BASE_URL: url, CLARI_DP_WAREHOUSE: 'duckdb::memory:' });
    expect(result.code).toBe(1);
    const { checks } = JSON.parse(result.stdout) as { checks: { name: string; status: string }[] };
    expect(checks[0]).toEqual(expect.objectContaining({ name: 'API key', status: 'FAIL' }));
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['Periods', 'Export types', 'Retention', 'Warehouse', 'Alert channels']),
    );
  });

  it('refuses a secret written in the config file with exit 2 and where to put it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-'));
    writeFileSync(join(dir, 'clari-dp.yaml'), 'clari:\n  apiKey: abcdefgh12345\n');
    const result = await runCli(['doctor'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('clari.apiKey holds a secret');
    expect(result.stderr).toContain('CLARI_API_KEY');
    expect(result.stderr).not.toContain('abcdefgh12345');
  });

  it('shows one message for a YAML syntax error, the first (the rest cascade from it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-'));
    // An unclosed flow sequence and an unclosed quote: the parser reports several errors for it.
    writeFileSync(join(dir, 'clari-dp.yaml'), 'export:\n  pollIntervalMs: [1,\n  jobTimeoutMs: 5\nfoo: "bar\n');
    const result = await runCli(['config', 'show'], {}, dir);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`clari-dp: ${join(dir, 'clari-dp.yaml')} is not valid YAML:`);
    expect(lines[1]).toMatch(/^ {2}Flow sequence .* at line 3, column 3:$/);
    // The lines it points at, then the hint; the parser's second error is not shown.
    expect(lines.slice(2)).toEqual([
      '      pollIntervalMs: [1,',
      '      jobTimeoutMs: 5',
      '      ^',
      '  hint: Fix the YAML syntax at the line shown; errors further down often follow from this one.',
    ]);
    expect(result.stderr).not.toContain('quote');
  });

  it('exits 2 when a required option is missing', async () => {
    const result = await runCli(['schedule']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/required option '--cron <expr>' not specified/);
  });

  it('rejects an unknown option with exit 2', async () => {
    const result = await runCli(['doctor', '--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option/);
  });
});
