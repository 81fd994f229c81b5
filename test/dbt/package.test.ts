/**
 * The dbt package (dbt/) without dbt: its generated files are what scripts/dbt-generate.ts writes
 * today (so a changed view or table shows up as a stale mart here), its sources cover every table
 * clari-dp creates, and the accepted values its tests allow are the ones the code writes.
 * test/dbt/dbt.test.ts runs the package with real dbt.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEVERITIES } from '../../src/alerts/index.js';
import { viewsSql } from '../../src/warehouse/index.js';

const { VIEW_NAMES } = viewsSql;
import { CHANGE_KINDS } from '../../src/changes/index.js';
import { DEAL_TABLES, TABLES } from '../../src/warehouse/index.js';
import { DBT_DIR, generatedFiles, MARTS, stagingModel, TABLE_SPECS } from '../../scripts/dbt-generate.js';

interface Column {
  name: string;
  tests?: (string | Record<string, { values?: string[] }>)[];
}
interface Model {
  name: string;
  columns?: Column[];
}

const yaml = <T>(path: string): T => parse(readFileSync(join(DBT_DIR, path), 'utf8')) as T;
const sources = yaml<{ sources: { name: string; tables: { name: string }[] }[] }>('models/staging/_sources.yml');
const staging = yaml<{ models: Model[] }>('models/staging/_staging.yml').models;
const marts = yaml<{ models: Model[] }>('models/marts/_marts.yml').models;

function acceptedValues(models: readonly Model[], model: string, column: string): string[] | undefined {
  const tests = models.find((m) => m.name === model)?.columns?.find((c) => c.name === column)?.tests ?? [];
  for (const test of tests) if (typeof test === 'object' && test.accepted_values) return test.accepted_values.values;
  return undefined;
}

describe('dbt package', () => {
  it('holds the generated files as `npm run dbt:generate` writes them today', () => {
    const stale = Object.entries(generatedFiles())
      .filter(([path, text]) => !existsSync(join(DBT_DIR, path)) || readFileSync(join(DBT_DIR, path), 'utf8') !== text)
      .map(([path]) => path);
    expect(stale, 'run `npm run dbt:generate` and commit the result').toEqual([]);
    // No leftover model of a table or view that is gone.
    const generated = new Set(Object.keys(generatedFiles()));
    const models = ['staging', 'marts'].flatMap((folder) =>
      readdirSync(join(DBT_DIR, 'models', folder))
        .filter((file) => file.endsWith('.sql'))
        .map((file) => `models/${folder}/${file}`),
    );
    expect(models.filter((path) => !generated.has(path))).toEqual([]);
  });

  it('declares a source, a staging model and its docs for every table clari-dp creates', () => {
    const tables = [...Object.values(TABLES), ...Object.values(DEAL_TABLES)].map((t) => t.name);
    expect(TABLE_SPECS.map((t) => t.name).sort()).toEqual([...tables].sort());
    const declared = sources.sources.flatMap((s) => s.tables.map((t) => t.name));
    expect([...declared].sort(), 'add the table to dbt/models/staging/_sources.yml').toEqual([...tables].sort());
    expect(staging.map((m) => m.name).sort()).toEqual(tables.map(stagingModel).sort());
  });

  it('has a mart with docs for every analytics view, plus the changes', () => {
    expect(Object.values(MARTS).sort()).toEqual([...VIEW_NAMES, 'clari_forecast_changes'].sort());
    expect(marts.map((m) => m.name).sort()).toEqual(Object.keys(MARTS).sort());
  });

  it('accepts exactly the values the code writes', () => {
    expect(acceptedValues(staging, 'stg_clari__forecast_changes', 'change_kind')).toEqual([...CHANGE_KINDS]);
    expect(acceptedValues(staging, 'stg_clari__alerts', 'severity')).toEqual([...SEVERITIES]);
  });
});
