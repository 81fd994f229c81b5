/**
 * `clari-dp serve`: the dashboard, JSON API, /metrics and /healthz over the configured warehouse
 * (design.md section 2). It binds 127.0.0.1 by default and refuses any other address without a
 * token; the token comes from CLARI_DP_SERVE_TOKEN (or --token) and is registered with the redactor.
 */
import { type AppContext, metricsText, onDemandWarehouse, openConfiguredWarehouse } from '../../app/index.js';
import { migrateWarehouse } from '../../analytics/index.js';
import { UsageError } from '../../core/index.js';
import { checkExposure, DEFAULT_HOST, DEFAULT_PORT, startDashboard } from '../../server/index.js';
import { parseWarehouseUrl, sqlTimestamp, type Warehouse } from '../../warehouse/index.js';
import type { CommandAction } from '../command.js';
import { EXIT } from '../output.js';

export const serve: CommandAction = async (context, o) => {
  const ctx: AppContext = context();
  const host = typeof o.host === 'string' && o.host.trim() !== '' ? o.host.trim() : DEFAULT_HOST;
  const port = typeof o.port === 'number' ? o.port : DEFAULT_PORT;
  if (!Number.isInteger(port) || port > 65_535)
    throw new UsageError(`--port must be a whole number from 0 to 65535, got ${port}`, 'Use 0 to pick a free port.');
  const flag = typeof o.token === 'string' ? o.token : undefined;
  const token = flag || ctx.io.environment.CLARI_DP_SERVE_TOKEN || undefined;
  ctx.redactor.add(token);
  // Refuse before touching the warehouse: an exposed dashboard without a token never starts.
  checkExposure(host, token);

  const wh = await openForServing(ctx);
  try {
    const dashboard = await startDashboard({
      warehouse: wh,
      clock: ctx.clock,
      redactor: ctx.redactor,
      logger: ctx.logger.child({ component: 'serve' }),
      metricsText: () => metricsText(wh),
      host,
      port,
      token,
    });
    if (ctx.json)
      ctx.io.stdout(
        `${JSON.stringify({ url: dashboard.url, host: dashboard.host, port: dashboard.port, warehouse: wh.description, auth: token ? 'token' : 'none' })}\n`,
      );
    else ctx.io.stdout(`dashboard on ${dashboard.url}\n`);
    ctx.io.stderr(
      token
        ? `serve: ${wh.description}; open the dashboard once with ?token=<your token> (a session cookie keeps it), or send "Authorization: Bearer <token>"; /healthz is open.\n`
        : `serve: ${wh.description}; loopback only, no token. JSON under /api/, Prometheus at /metrics, liveness at /healthz. Ctrl-C stops.\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    ctx.io.stderr('serve: stopping\n');
    await dashboard.close();
    return EXIT.ok;
  } finally {
    await wh.close();
  }
};

/**
 * Migrates, then returns the warehouse the dashboard reads. A DuckDB file is opened read-only per
 * burst of requests and closed when idle, never held: DuckDB allows one writing process per file,
 * and a dashboard that kept it open would make every scheduled `run` fail with warehouse.locked.
 */
async function openForServing(ctx: AppContext): Promise<Warehouse> {
  const wh = await openConfiguredWarehouse(ctx);
  try {
    await migrateWarehouse(wh, () => sqlTimestamp(ctx.clock.now()));
  } catch (error) {
    await wh.close();
    throw error;
  }
  const target = parseWarehouseUrl(ctx.loaded.config.warehouse);
  if (target.kind !== 'duckdb' || target.path === ':memory:') return wh;
  await wh.close();
  // A page waits a little for a run's short write (a commit) rather than failing at once.
  return onDemandWarehouse(() => openConfiguredWarehouse(ctx, { readOnly: true, lockWaitMs: 2_000 }), {
    dialect: wh.dialect,
    description: wh.description,
  });
}
