/**
 * The built CLI as an operator runs it: `schedule` answers /healthz and exits 0 on a real SIGTERM,
 * bad cron expressions and time zones exit 2, and `debug-bundle --json` writes its archive.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';

function env(dir: string): Record<string, string> {
  return {
    CLARI_API_KEY: 'ops-e2e-key-1234',
    CLARI_DP_DATA_DIR: join(dir, 'data'),
    CLARI_DP_WAREHOUSE: `duckdb:${join(dir, 'wh.duckdb')}`,
    CLARI_DP_FORECASTS: 'net_new_arr',
  };
}

describe('clari-dp schedule (built CLI)', () => {
  it('serves /healthz and stops with exit 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-ops-'));
    // Once a year: nothing runs during the test.
    const started = await startCli(
      ['schedule', '--cron', '0 0 1 1 *', '--tz', 'Europe/Paris', '--port', '0', '--json'],
      /"url":"(http:\/\/127\.0\.0\.1:\d+)"/,
      env(dir),
    );
    const health = await fetch(`${started.match[1]!}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      schedule: { cron: '0 0 1 1 *', timezone: 'Europe/Paris' },
      running: null,
    });
    const exited = new Promise<number | null>((resolve) => started.child.on('exit', (code) => resolve(code)));
    started.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(started.output()).not.toContain('ops-e2e-key-1234');
  });

  it('exits 2 on a bad cron expression, a bad time zone or no --cron', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-ops-'));
    const badCron = await runCli(['schedule', '--cron', '0 6 * *', '--port', '0'], env(dir));
    expect(badCron.code).toBe(2);
    expect(badCron.stderr).toContain('Invalid cron expression "0 6 * *"');
    const badZone = await runCli(
      ['schedule', '--cron', '0 6 * * *', '--tz', 'Moon/Tranquility', '--port', '0'],
      env(dir),
    );
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toContain('Unknown time zone "Moon/Tranquility"');
    expect((await runCli(['schedule'], env(dir))).code).toBe(2);
  });
});

describe('clari-dp debug-bundle (built CLI)', () => {
  it('writes the archive where --out says and prints where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clari-dp-ops-'));
    const result = await runCli(['debug-bundle', '--json', '--out', 'bundle.tar.gz'], env(dir), dir);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      path: join(dir, 'bundle.tar.gz'),
      files: [
        'manifest.json',
        'versions.json',
        'config.json',
        'runs.json',
        'jobs.json',
        'errors.json',
        'schema.json',
        'state.json',
      ],
    });
    expect(result.stdout + result.stderr).not.toContain('ops-e2e-key-1234');
  });
});
