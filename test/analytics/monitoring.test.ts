/** The Prometheus rules and the Grafana dashboard refer only to series clari-dp exposes, and parse. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const METRICS = readFileSync(join(root, 'src', 'app', 'metrics.ts'), 'utf8');
const exposed = new Set([...METRICS.matchAll(/name: '([a-z_]+)'/g)].map((m) => m[1]!));

function seriesIn(expr: string): string[] {
  return [...expr.matchAll(/\b(clari_[a-z_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));
}

describe('monitoring', () => {
  it('alert rules parse and use exposed series', () => {
    const doc = parse(readFileSync(join(root, 'monitoring', 'alerts.yaml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['ClariExportFailed', 'ClariDataStale', 'ClariExportQuotaLow', 'ClariApiCircuitOpen']),
    );
    for (const rule of rules)
      for (const series of seriesIn(rule.expr)) expect(exposed, `${rule.alert}: ${series}`).toContain(series);
  });

  it('the Grafana dashboard parses and every panel queries exposed series', () => {
    const dash = JSON.parse(readFileSync(join(root, 'monitoring', 'dashboard.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dash.panels.length).toBeGreaterThanOrEqual(10);
    for (const panel of dash.panels)
      for (const t of panel.targets)
        for (const series of seriesIn(t.expr)) expect(exposed, `${panel.title}: ${series}`).toContain(series);
  });
});
