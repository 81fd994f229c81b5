import { demoSummary } from '/work/wt-16b/src/cli/demo-summary.ts';
import { openWarehouse } from '/work/wt-16b/src/warehouse/index.ts';
const wh = await openWarehouse(`duckdb:${process.argv[2]}`, { readOnly: true });
console.log(await demoSummary({ warehouse: wh, warehouseUrl: 'duckdb:x', days: [{ asOf: '2026-12-07', status: 'success', exports: 1, rows: 1, changes: 1, alerts: 0, durationMs: 1 }], alerts: [], tenantUsers: 118 }));
await wh.close();
