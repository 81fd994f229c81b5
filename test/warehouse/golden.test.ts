/**
 * Golden SQL for all four dialects. The same scenario (golden-scenario.ts: migrations, loads, change
 * detection, alerts, analytics reads, rebuild, retention, privilege probes) runs against:
 *
 * - DuckDB and PostgreSQL: the real adapters (a DuckDB file, the embedded PostgreSQL server);
 * - Snowflake and BigQuery: their real adapter classes on DuckDB (emulated-warehouses.ts), which
 *   record each statement exactly as the engine would receive it and execute it on DuckDB.
 *
 * Each dialect's statements are grouped by the function that issued them and compared with
 * test/warehouse/golden/<dialect>.sql (regenerate with `npx vitest run test/warehouse/golden.test.ts -u`
 * and review the diff). Then a real parser checks them: libpg-query (PostgreSQL's own parser) for
 * PostgreSQL, @polyglot-sql/sdk for Snowflake, BigQuery and DuckDB (lenient, hence the execution).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Dialect as PolyDialect, validate } from '@polyglot-sql/sdk';
import { parse as parsePostgres } from 'libpg-query';
import { afterAll, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/warehouse/index.js';
import { emulatedBigquery, emulatedSnowflake } from '../support/emulated-warehouses.js';
import { goldenScenario, type ScenarioOutcome } from '../support/golden-scenario.js';
import { type Recorded, RecordingWarehouse } from '../support/recording.js';
import { testWarehouse } from '../support/warehouses.js';

/**
 * Where SQL may come from: the statement families (src/warehouse/sql), the migrations and privilege
 * probes built from the table specs, and each adapter's bulk path and transaction statements. Any other source is SQL that
 * escaped its one home.
 */
const SQL_HOME = /^warehouse\/(sql\/[a-z-]+\.ts |migrations\.ts |privileges\.ts |[a-z]+ (bulk load|transaction)$)/;
/** Families that send their own statements; views.ts only builds the view DDL, which migrations.ts sends. */
const FAMILIES = readdirSync(join(import.meta.dirname, '../../src/warehouse/sql')).filter(
  (f) => f.endsWith('.ts') && f !== 'views.ts',
);

/** Run-dependent parts of statements: temp file paths and per-session scratch names. */
function stable(sql: string): string {
  return sql
    .replace(/file:\/\/[^']*\/clari-dp-stage-[^/']+\//g, 'file://<tmp>/')
    .replace(/clari_dp_stage_[0-9a-f]{12}_/g, 'clari_dp_stage_<session>_');
}

/** Statements grouped by source in order of first appearance, each once. */
function group(log: readonly Recorded[]): Map<string, string[]> {
  const bySource = new Map<string, string[]>();
  for (const { source, sql } of log) {
    const list = bySource.get(source) ?? [];
    const text = stable(sql);
    if (!list.includes(text)) list.push(text);
    bySource.set(source, list);
  }
  return bySource;
}

function render(dialect: DialectName, groups: Map<string, string[]>): string {
  const count = [...groups.values()].reduce((n, list) => n + list.length, 0);
  let out = `-- Golden SQL, ${dialect}: every distinct statement clari-dp sent in test/support/golden-scenario.ts, as the\n-- engine received it, grouped by the statement family function that sent it (src/warehouse/sql/<family>.ts <function>;\n-- migrations, privilege probes and the adapter's bulk path besides) (${count} statements).\n-- Regenerate: npx vitest run test/warehouse/golden.test.ts -u\n`;
  for (const [source, list] of groups)
    out += `\n-- ===== ${source} =====\n${list.map((sql) => `${sql};\n`).join('\n')}`;
  return out;
}

const isMarker = (sql: string): boolean => sql.startsWith('--');

const DIALECTS = ['duckdb', 'postgres', 'snowflake', 'bigquery'] as const;

/** The file of golden/by-family a source belongs to: its family, or migrations, privileges, adapters. */
function familyOf(source: string): string | undefined {
  if (source === 'test') return undefined;
  const m = /^warehouse\/(?:sql\/)?([a-z-]+)\.ts /.exec(source);
  return m ? m[1] : 'adapters';
}

/** One family's statements, each function's text for every dialect one after the other. */
function renderFamily(family: string, byDialect: ReadonlyMap<DialectName, Map<string, string[]>>): string {
  const sources = new Set<string>();
  for (const groups of byDialect.values())
    for (const source of groups.keys()) if (familyOf(source) === family) sources.add(source);
  let out = `-- Golden SQL, ${family}: what each function sends, on each engine. Generated with the per-dialect files\n-- (npx vitest run test/warehouse/golden.test.ts -u) from the same run.\n`;
  for (const source of [...sources].sort()) {
    out += `\n-- ===== ${source} =====\n`;
    for (const dialect of DIALECTS) {
      const list = byDialect.get(dialect)?.get(source) ?? [];
      out += `\n-- ----- ${dialect} -----\n${list.length === 0 ? '-- (nothing on this engine)\n' : list.map((sql) => `${sql};\n`).join('\n')}`;
    }
  }
  return out;
}

const outcomes = new Map<DialectName, { groups: Map<string, string[]>; outcome: ScenarioOutcome }>();

async function record(dialect: DialectName): Promise<{ log: Recorded[]; outcome: ScenarioOutcome; adapted: string[] }> {
  if (dialect === 'duckdb' || dialect === 'postgres') {
    const target = await testWarehouse(dialect);
    const inner = await target.open();
    const log: Recorded[] = [];
    const wh = new RecordingWarehouse(inner, log);
    try {
      return { log, outcome: await goldenScenario(wh), adapted: [] };
    } finally {
      await inner.close();
      await target.dispose();
    }
  }
  const emulated = dialect === 'snowflake' ? await emulatedSnowflake() : await emulatedBigquery();
  try {
    const outcome = await goldenScenario(emulated.warehouse, () => emulated.adapter.transactionSplits);
    return { log: emulated.log, outcome, adapted: emulated.adapted };
  } finally {
    await emulated.dispose();
  }
}

describe('golden SQL', () => {
  afterAll(() => outcomes.clear());

  it.each(['duckdb', 'postgres', 'snowflake', 'bigquery'] as const)(
    '%s: every statement, as text, executed on a real engine',
    async (dialect) => {
      const { log, outcome, adapted } = await record(dialect);
      const groups = group(log);
      outcomes.set(dialect, { groups, outcome });
      expect(outcome.rowsLoaded).toBeGreaterThan(100);
      expect(outcome.privilegesOk).toBe(true);
      const sources = [...groups.keys()].filter((source) => source !== 'test');
      expect(sources.filter((source) => !SQL_HOME.test(source))).toEqual([]);
      // Every statement family is exercised by the scenario.
      expect(FAMILIES.filter((f) => !sources.some((source) => source.startsWith(`warehouse/sql/${f} `)))).toEqual([]);
      await expect(render(dialect, groups)).toMatchFileSnapshot(`./golden/${dialect}.sql`);
      if (dialect === 'snowflake') {
        // Snowflake SQL ran verbatim on DuckDB except these, which spell TIMESTAMP_NTZ or Snowflake's
        // arrays (documented in emulated-warehouses.ts): epoch conversions, DDL with timestamp or
        // array columns, typed timestamp parameters, and array aggregates and lengths.
        const kind = (sql: string): string =>
          /ARRAY_AGG|ARRAY_CONSTRUCT|ARRAY_SIZE/.test(sql)
            ? 'array'
            : /TO_TIMESTAMP_NTZ/.test(sql)
              ? 'epoch'
              : /CREATE TABLE/.test(sql)
                ? 'ddl'
                : /CAST\(:\d+ AS TIMESTAMP_NTZ\)/.test(sql)
                  ? 'typed parameter'
                  : sql;
        expect(new Set(adapted.map(kind))).toEqual(new Set(['epoch', 'ddl', 'typed parameter', 'array']));
      }
    },
  );

  it('by family: each statement function, every dialect side by side (golden/by-family)', async () => {
    const byDialect = new Map(DIALECTS.map((d) => [d, outcomes.get(d)!.groups]));
    const families = new Set([...byDialect.values()].flatMap((g) => [...g.keys()].map(familyOf)));
    for (const family of [...families].filter((f): f is string => f !== undefined))
      await expect(renderFamily(family, byDialect)).toMatchFileSnapshot(`./golden/by-family/${family}.sql`);
  });

  it('PostgreSQL statements parse with PostgreSQL’s own parser (libpg-query)', async () => {
    const statements = [...outcomes.get('postgres')!.groups.values()].flat().filter((sql) => !isMarker(sql));
    expect(statements.length).toBeGreaterThan(80);
    for (const sql of statements) await expect(parsePostgres(sql), sql).resolves.toHaveProperty('stmts');
  });

  it.each([
    ['snowflake', PolyDialect.Snowflake],
    ['bigquery', PolyDialect.BigQuery],
    ['duckdb', PolyDialect.DuckDB],
  ] as const)('%s statements pass @polyglot-sql/sdk’s validator', (dialect, poly) => {
    const statements = [...outcomes.get(dialect)!.groups.values()].flat().filter((sql) => !isMarker(sql));
    const invalid = statements.map((sql) => ({ sql, result: validate(sql, poly) })).filter((v) => !v.result.valid);
    expect(invalid.map((v) => `${v.result.errors.map((e) => e.message).join('; ')}\n${v.sql}`)).toEqual([]);
  });

  it('every dialect loads the same data and finds the same changes', () => {
    const reference = outcomes.get('duckdb')!.outcome;
    for (const dialect of ['postgres', 'snowflake', 'bigquery'] as const)
      expect(outcomes.get(dialect)!.outcome, dialect).toEqual(reference);
  });
});
