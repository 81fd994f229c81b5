import { changesSql, openWarehouse } from '/work/wt-16b/src/warehouse/index.ts';
const wh = await openWarehouse(`duckdb:${process.argv[2]}`, { readOnly: true });
for (const p of ['2026_Q4', '2026_Q3', '2026_Q4']) {
  const t = Date.now();
  const r = await changesSql.dealMoveSummaries(wh, { forecastId: 'net_new_arr', period: p, since: '2026-12-07' });
  console.log(p, r.length, Date.now() - t, 'ms');
}
await wh.close();
