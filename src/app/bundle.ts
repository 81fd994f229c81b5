/**
 * The support archive of `clari-dp debug-bundle`: versions, the effective configuration, recent runs
 * and jobs, error summaries, schema fingerprints and the data dir's state, as JSON files in a
 * .tar.gz. Safety is by construction first (only columns that hold no names, e-mails or amounts are
 * read), then by a scrub of every string (known secrets, the tenant's people, e-mails, amounts in
 * free text), because error texts quote what Clari or the payload said.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir, release } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { configLines, describeOrigin } from '../config/index.js';
import { describeError, type Redactor } from '../core/index.js';
import {
  bundleSql,
  DEAL_TABLES,
  openWarehouse,
  parseWarehouseUrl,
  TABLES,
  type Warehouse,
} from '../warehouse/index.js';
import type { AppContext } from './context.js';
import { tar } from './tar.js';

export interface BundleFile {
  readonly name: string;
  readonly content: string;
}

export interface DebugBundle {
  /** The archive's top folder and file stem, e.g. clari-dp-debug-20260105T120000Z. */
  readonly name: string;
  readonly createdAt: string;
  readonly files: readonly BundleFile[];
  /** Sections that could not be collected (the archive says why); the bundle is still written. */
  readonly problems: readonly string[];
}

export interface BundleOptions {
  /** Default: the configured warehouse. */
  readonly openWarehouse?: (() => Promise<Warehouse>) | undefined;
  /** Where clari-dp's package.json is; default: found upward from this module. */
  readonly packageRoot?: string | undefined;
}

export const BUNDLE_LIMITS = { runs: 20, jobs: 100, errorRows: 1000 } as const;

/** Dependencies whose versions matter to support (the drivers). */
const DEPENDENCIES = ['@duckdb/node-api', 'pg'] as const;

/** clari_export_jobs columns that go into jobs.json: everything but the payload and loaded sums. */
const JOB_COLUMNS = TABLES.exportJobs.columns
  .map((c) => c.name)
  .filter((name) => name !== 'payload_sum' && name !== 'loaded_sum');
/** Free-text columns: scrubbed of numbers that could be amounts, on top of the general scrub. */
const FREE_TEXT = new Set(['error', 'warnings']);

export function bundleName(now: number): string {
  return `clari-dp-debug-${new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** Collects the bundle's files. Never throws for a section: a failure is written into that file. */
export async function collectDebugBundle(ctx: AppContext, options: BundleOptions = {}): Promise<DebugBundle> {
  const now = ctx.clock.now();
  const name = bundleName(now);
  const problems: string[] = [];
  const { config } = ctx.loaded;
  const root = options.packageRoot ?? findPackageRoot(import.meta.dirname);

  const { warehouse, warehouseError } = await openForBundle(config.warehouse, options);

  try {
    // Everyone the warehouse knows by name or e-mail is masked wherever they appear.
    const people = warehouse
      ? await knownPeople(warehouse).catch((error: unknown) => {
          problems.push(
            `people: could not read clari_users/clari_forecasts to mask names (${describeError(error).split('\n')[0] ?? ''}); e-mails and amounts are still masked`,
          );
          return [];
        })
      : [];
    const scrub = new Scrubber(ctx.redactor, people, homedir());
    const section = async (file: string, work: (wh: Warehouse) => Promise<unknown>): Promise<unknown> => {
      if (!warehouse) {
        problems.push(`${file}: warehouse unavailable`);
        return { error: `warehouse unavailable: ${warehouseError ?? 'unknown reason'}` };
      }
      try {
        return await work(warehouse);
      } catch (error) {
        problems.push(`${file}: ${describeError(error).split('\n')[0] ?? ''}`);
        return { error: describeError(error) };
      }
    };

    const files: [string, unknown][] = [
      ['versions.json', await versions(root, warehouse)],
      [
        'config.json',
        ctx.redactor.redactValue({
          environment: ctx.loaded.envName ?? null,
          file: ctx.loaded.file ?? null,
          settings: configLines(ctx.loaded).map((l) => ({
            key: l.key,
            value: l.value,
            source: describeOrigin(l, ctx.loaded),
          })),
        }),
      ],
      ['runs.json', await section('runs.json', (wh) => recentRuns(wh, scrub))],
      ['jobs.json', await section('jobs.json', (wh) => recentJobs(wh, scrub))],
      ['errors.json', await section('errors.json', (wh) => errorSummary(wh, scrub))],
      ['schema.json', await section('schema.json', (wh) => schemaFingerprint(wh))],
      ['state.json', dataDirState(config.dataDir)],
    ];
    const manifest = {
      createdAt: new Date(now).toISOString(),
      clariDp: packageVersion(root),
      files: ['manifest.json', ...files.map(([file]) => file)],
      limits: BUNDLE_LIMITS,
      warehouse: warehouse?.description ?? null,
      problems,
      excluded:
        'API keys and other secrets, names and e-mail addresses of people, forecast amounts and payload sums, raw payloads',
    };
    return bundleOf(name, manifest, files, problems, scrub);
  } finally {
    await warehouse?.close().catch(() => undefined);
  }
}

/** The warehouse to read, or why there is none (a DuckDB file that does not exist is not created). */
async function openForBundle(
  url: string,
  options: BundleOptions,
): Promise<{ warehouse?: Warehouse | undefined; warehouseError?: string | undefined }> {
  try {
    const target = parseWarehouseUrl(url);
    if (target.kind === 'duckdb' && !options.openWarehouse && !existsSync(target.path))
      return { warehouseError: `the DuckDB file ${target.path} does not exist (no run has loaded anything yet)` };
    return { warehouse: await (options.openWarehouse ?? (() => openWarehouse(url)))() };
  } catch (error) {
    return { warehouseError: describeError(error) };
  }
}

/** Every file scrubbed once more on its way out, the manifest first. */
function bundleOf(
  name: string,
  manifest: { createdAt: string },
  files: readonly [string, unknown][],
  problems: readonly string[],
  scrub: Scrubber,
): DebugBundle {
  return {
    name,
    createdAt: manifest.createdAt,
    problems: problems.map((p) => scrub.freeText(p)),
    files: [['manifest.json', manifest] as [string, unknown], ...files].map(([file, value]) => ({
      name: file,
      content: `${JSON.stringify(scrub.value(value), null, 2)}\n`,
    })),
  };
}

/** The bundle as a .tar.gz: every file under the bundle's name as top folder. */
export function debugBundleArchive(bundle: DebugBundle): Buffer {
  const mtime = Date.parse(bundle.createdAt);
  return gzipSync(
    tar(
      bundle.files.map((f) => ({
        name: `${bundle.name}/${f.name}`,
        data: Buffer.from(f.content, 'utf8'),
        mtime,
        mode: 0o600,
      })),
    ),
    { level: 9 },
  );
}

/**
 * Masks what must not leave the customer: known secrets and secret-shaped strings (the run's
 * Redactor), the tenant's people by name and e-mail, any e-mail address, and the home directory.
 * Free text (error messages, warnings) also loses numbers that could be amounts.
 */
export class Scrubber {
  private readonly people: RegExp | undefined;

  constructor(
    private readonly redactor: Redactor,
    people: readonly string[],
    private readonly home: string | undefined,
  ) {
    const words = [...new Set(people.map((p) => p.trim()).filter((p) => p.length >= 3))].sort(
      (a, b) => b.length - a.length,
    );
    // Whole words only, so a short name never eats into another word.
    this.people =
      words.length > 0
        ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'giu')
        : undefined;
  }

  text(input: string): string {
    let out = this.redactor.redact(input);
    if (this.people) out = out.replace(this.people, '[PERSON]');
    out = out.replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[EMAIL]');
    if (this.home && this.home.length > 1) out = out.split(this.home).join('~');
    return out;
  }

  /** Error messages and warnings: also decimals and long numbers (amounts, sums, out-of-range values). */
  freeText(input: string): string {
    return this.text(input)
      .replace(/(?<![\w.])-?\d[\d,]*\.\d+(?:e[+-]?\d+)?(?![\w.])/gi, '[NUMBER]')
      .replace(/(?<![\w.:/-])-?\d{5,}(?:e[+-]?\d+)?(?![\w.:/-])/gi, '[NUMBER]');
  }

  /** Deep copy with every string passed through text(), and free-text fields through freeText(). */
  value(input: unknown, key?: string): unknown {
    if (typeof input === 'string')
      return key !== undefined && FREE_TEXT.has(key) ? this.freeText(input) : this.text(input);
    if (Array.isArray(input)) return input.map((v) => this.value(v, key));
    if (input !== null && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) out[this.text(k)] = this.value(v, k);
      return out;
    }
    return input;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function knownPeople(wh: Warehouse): Promise<string[]> {
  const out: string[] = [];
  const add = (rows: Record<string, unknown>[]): void => {
    for (const row of rows) for (const v of Object.values(row)) if (typeof v === 'string' && v !== '') out.push(v);
  };
  add(await bundleSql.peopleValues(wh));
  return out;
}

async function recentRuns(wh: Warehouse, scrub: Scrubber): Promise<unknown> {
  const rows = await bundleSql.recentRuns(wh, BUNDLE_LIMITS.runs);
  return scrub.value({ limit: BUNDLE_LIMITS.runs, rows });
}

async function recentJobs(wh: Warehouse, scrub: Scrubber): Promise<unknown> {
  const rows = await bundleSql.recentJobs(wh, JOB_COLUMNS, BUNDLE_LIMITS.jobs);
  return scrub.value({ limit: BUNDLE_LIMITS.jobs, omitted: ['payload_sum', 'loaded_sum'], rows });
}

interface ErrorGroup {
  errorCode: string;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  runs: number;
  forecasts: string[];
  sample: string | null;
}

async function errorSummary(wh: Warehouse, scrub: Scrubber): Promise<unknown> {
  const rows = await bundleSql.errorRows(wh, BUNDLE_LIMITS.errorRows);
  const groups = new Map<string, ErrorGroup & { runIds: Set<string>; forecastIds: Set<string> }>();
  for (const row of rows) {
    const code = row.error_code ?? 'unknown';
    let g = groups.get(code);
    if (!g) {
      g = {
        errorCode: code,
        count: 0,
        firstSeen: null,
        lastSeen: null,
        runs: 0,
        forecasts: [],
        sample: row.error,
        runIds: new Set(),
        forecastIds: new Set(),
      };
      groups.set(code, g);
    }
    g.count++;
    g.runIds.add(row.run_id);
    g.forecastIds.add(row.forecast_id);
    if (row.started_at !== null) {
      if (g.lastSeen === null || row.started_at > g.lastSeen) g.lastSeen = row.started_at;
      if (g.firstSeen === null || row.started_at < g.firstSeen) g.firstSeen = row.started_at;
    }
  }
  const runStatus = await bundleSql.runsByStatus(wh);
  const errors = [...groups.values()]
    .map(({ runIds, forecastIds, ...g }) => ({
      ...g,
      runs: runIds.size,
      forecasts: [...forecastIds].sort(),
      sample: g.sample === null ? null : scrub.freeText(g.sample),
    }))
    .sort((a, b) => b.count - a.count || a.errorCode.localeCompare(b.errorCode));
  return {
    scannedJobs: rows.length,
    runsByStatus: Object.fromEntries(runStatus.map((r) => [r.status, Number(r.n)])),
    errors,
  };
}

async function schemaFingerprint(wh: Warehouse): Promise<unknown> {
  const migrations = await bundleSql.appliedMigrations(wh).catch((error: unknown) => ({ error: describeError(error) }));
  let tables: unknown;
  try {
    const columns = await bundleSql.schemaColumns(wh);
    const byTable: Record<string, { column: string; type: string; nullable: boolean }[]> = {};
    for (const c of columns) {
      if (!/^(clari_|v_)/.test(c.table_name)) continue;
      (byTable[c.table_name] ??= []).push({
        column: c.column_name,
        type: c.data_type,
        nullable: c.is_nullable === 'YES',
      });
    }
    tables = byTable;
  } catch (error) {
    tables = { error: describeError(error) };
  }
  const rowCounts: Record<string, number | string> = {};
  // Counts only: no row of the deal tables (names, e-mails, subjects, amounts) goes into the bundle.
  for (const table of [...Object.values(TABLES), ...Object.values(DEAL_TABLES)]) {
    rowCounts[table.name] = await bundleSql.rowCount(wh, table.name).catch(() => 'missing');
  }
  const fields = await bundleSql.fieldsSeen(wh);
  const byForecast: Record<
    string,
    { fieldId: string; fieldType: string | null; isQuota: boolean | null; lastSeen: string | null }[]
  > = {};
  for (const f of fields)
    (byForecast[f.forecast_id] ??= []).push({
      fieldId: f.field_id,
      fieldType: f.field_type,
      isQuota: f.is_quota,
      lastSeen: f.last_seen,
    });
  return { engine: wh.dialect.name, migrations, tables, rowCounts, fields: byForecast };
}

/** The data dir as support needs it: what is landed (counts and sizes), what is pending, who holds the locks. */
function dataDirState(dataDir: string): unknown {
  const landingDir = join(dataDir, 'landing');
  const landing: Record<
    string,
    Record<string, { files: number; bytes: number; snapshots: number; firstAsOf: string; lastAsOf: string }>
  > = {};
  let landingError: string | undefined;
  try {
    const dates = new Map<string, Set<string>>();
    for (const path of walk(landingDir)) {
      const [forecast, period, asOf] = relative(landingDir, path).split(sep);
      if (!forecast || !period || !asOf) continue;
      const slot = ((landing[forecast] ??= {})[period] ??= {
        files: 0,
        bytes: 0,
        snapshots: 0,
        firstAsOf: asOf,
        lastAsOf: asOf,
      });
      slot.files++;
      slot.bytes += statSync(path).size;
      if (asOf < slot.firstAsOf) slot.firstAsOf = asOf;
      if (asOf > slot.lastAsOf) slot.lastAsOf = asOf;
      const seen = dates.get(`${forecast}/${period}`) ?? new Set<string>();
      seen.add(asOf);
      dates.set(`${forecast}/${period}`, seen);
      slot.snapshots = seen.size;
    }
  } catch (error) {
    landingError = describeError(error);
  }
  const pending = readJson(join(dataDir, 'state', 'pending-jobs.json'));
  const pendingJobs =
    pending && typeof pending === 'object'
      ? Object.values(pending as Record<string, Record<string, unknown>>).map((j) => ({
          jobId: j.jobId,
          forecastId: j.forecastId,
          period: j.period,
          asOf: j.asOf,
          createdAt: typeof j.createdAt === 'number' ? new Date(j.createdAt).toISOString() : null,
          landed: typeof j.landedPath === 'string',
        }))
      : [];
  const lock = (path: string): unknown => {
    const owner = readJson(path) as Record<string, unknown> | undefined;
    return owner ? { command: owner.command, pid: owner.pid, since: owner.since } : null;
  };
  return {
    dataDir,
    landing: landingError ? { error: landingError } : landing,
    pendingJobs,
    runLock: lock(join(dataDir, 'run.lock')),
    scheduleLock: lock(join(dataDir, 'state', 'scheduler', 'run.lock')),
    schedule: readJson(join(dataDir, 'state', 'schedule.json')) ?? null,
  };
}

function* walk(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && !entry.name.endsWith('.tmp')) yield path;
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

async function versions(root: string | undefined, wh: Warehouse | undefined): Promise<unknown> {
  const manifest = root
    ? (readJson(join(root, 'package.json')) as { dependencies?: Record<string, string> } | undefined)
    : undefined;
  const dependencies: Record<string, { declared: string | null; installed: string | null }> = {};
  for (const dep of DEPENDENCIES)
    dependencies[dep] = {
      declared: manifest?.dependencies?.[dep] ?? null,
      installed: root ? installedVersion(root, dep) : null,
    };
  let engine: { name: string; version: string } | { error: string } | null = null;
  if (wh) {
    engine = await bundleSql
      .engineVersion(wh)
      .then((version) => ({ name: wh.dialect.name, version }))
      .catch((error: unknown) => ({ error: describeError(error) }));
  }
  return {
    clariDp: packageVersion(root),
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    osRelease: release(),
    dependencies,
    warehouseEngine: engine,
  };
}

function packageVersion(root: string | undefined): string | null {
  const manifest = root ? (readJson(join(root, 'package.json')) as { version?: string } | undefined) : undefined;
  return manifest?.version ?? null;
}

/** The version of `dep` as Node would resolve it from `root` (its node_modules, then the parents'). */
function installedVersion(root: string, dep: string): string | null {
  for (let dir = root; ; dir = dirname(dir)) {
    const manifest = readJson(join(dir, 'node_modules', dep, 'package.json')) as { version?: string } | undefined;
    if (manifest?.version) return manifest.version;
    if (dirname(dir) === dir) return null;
  }
}

/** The folder of clari-dp's own package.json, upward from `start` (src/app or dist/app). */
export function findPackageRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = readJson(join(dir, 'package.json')) as { name?: string } | undefined;
    if (manifest?.name === 'clari-dp') return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
