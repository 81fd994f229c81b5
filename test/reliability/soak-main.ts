/**
 * `npm run soak`: the long soak (see soak.ts). Flags: --days N (default 120), --seed N (2026),
 * --fault-rate R (0.3), --crash-rate R (0.25), --users N (24), --forecasts N (2), --warehouse URL
 * (an empty PostgreSQL database; default a DuckDB file), --full-check-every N (10), --skip-deals (the
 * deals stage is on by default), --quiet.
 * Prints a line per day and the summary; exits 1 if any check failed.
 */
import { parseArgs } from 'node:util';
import { formatReport, runSoak } from './soak.js';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '120' },
    seed: { type: 'string', default: '2026' },
    'fault-rate': { type: 'string', default: '0.3' },
    'crash-rate': { type: 'string', default: '0.25' },
    users: { type: 'string', default: '24' },
    forecasts: { type: 'string', default: '2' },
    warehouse: { type: 'string' },
    'full-check-every': { type: 'string', default: '10' },
    quiet: { type: 'boolean', default: false },
    'skip-deals': { type: 'boolean', default: false },
  },
});

const number = (name: keyof typeof values): number => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`soak: --${name} must be a non-negative number, got "${String(values[name])}"\n`);
    process.exit(2);
  }
  return n;
};

const options = {
  days: number('days'),
  seed: number('seed'),
  faultRate: number('fault-rate'),
  crashRate: number('crash-rate'),
  users: number('users'),
  forecasts: number('forecasts'),
  warehouse: values.warehouse,
  fullCheckEvery: number('full-check-every'),
  deals: !values['skip-deals'],
  log: values.quiet ? undefined : (line: string) => process.stdout.write(`${line}\n`),
};
const report = await runSoak(options);
process.stdout.write(`\n${formatReport(report, options)}\n`);
process.exit(report.problems.length > 0 ? 1 : 0);
