/**
 * Checks every downloaded export must pass (design.md section 5): the period Clari returned is the
 * one requested (it silently falls back to the current quarter), the job was not truncated, the
 * document is not empty, and any schema drift is reported while the rows still load.
 */
import type { DocumentSummary } from './document.js';
import { ClariError } from './errors.js';
import { type ExportJob, JOB_STATUSES, type WireTimePeriod } from './wire.js';

export type CheckCode = 'period_mismatch' | 'truncated' | 'empty' | 'drift';

export interface ResultCheck {
  readonly code: CheckCode;
  /** `error` fails the export; `warning` is reported and the export loads. */
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface ResultCheckInput {
  readonly requestedPeriod?: string | undefined;
  readonly job?: ExportJob | undefined;
  readonly timePeriods: readonly WireTimePeriod[];
  /** Distinct timePeriodId values seen on entries. */
  readonly entryPeriods: ReadonlySet<string>;
  readonly summary: DocumentSummary;
  /** Load a job flagged rowsTruncated/cellsTruncated anyway. Default false. */
  readonly allowTruncated?: boolean | undefined;
}

export function checkResult(input: ResultCheckInput): ResultCheck[] {
  const checks: ResultCheck[] = [];
  const { requestedPeriod, job, summary } = input;
  if (requestedPeriod) {
    const returned = input.timePeriods[0]?.timePeriodId;
    const strays = [...input.entryPeriods].filter((p) => p !== requestedPeriod);
    if (returned !== undefined && returned !== requestedPeriod) {
      checks.push({
        code: 'period_mismatch',
        severity: 'error',
        message: `asked for ${requestedPeriod}, Clari returned ${returned} (it falls back to the current quarter for a period it does not know)`,
      });
    } else if (strays.length > 0) {
      checks.push({
        code: 'period_mismatch',
        severity: 'error',
        message: `asked for ${requestedPeriod}, entries carry ${strays.slice(0, 3).join(', ')}`,
      });
    } else if (returned === undefined && summary.counts.entries > 0) {
      checks.push({
        code: 'drift',
        severity: 'warning',
        message: 'the document has no timePeriods to confirm the period; checked against the entries instead',
      });
    }
  }
  if (job && (job.rowsTruncated === true || job.cellsTruncated === true)) {
    const which = [job.rowsTruncated ? 'rows' : '', job.cellsTruncated ? 'cells' : ''].filter(Boolean).join(' and ');
    checks.push({
      code: 'truncated',
      severity: input.allowTruncated ? 'warning' : 'error',
      message: `Clari truncated the ${which} of this export; the data is incomplete`,
    });
  }
  if (summary.counts.entries === 0)
    checks.push({ code: 'empty', severity: 'warning', message: 'the export has no entries' });
  const drift = Object.entries(summary.drift);
  if (drift.length > 0) {
    const shown = drift
      .slice(0, 8)
      .map(([k, n]) => `${k} (${n}x)`)
      .join(', ');
    checks.push({
      code: 'drift',
      severity: 'warning',
      message: `schema drift: unknown ${shown}${drift.length > 8 ? ` and ${drift.length - 8} more` : ''}`,
    });
  }
  if (summary.missingArrays.length > 0) {
    checks.push({
      code: 'drift',
      severity: 'warning',
      message: `schema drift: the document lacks ${summary.missingArrays.join(', ')}`,
    });
  }
  if (job && !(JOB_STATUSES as readonly string[]).includes(job.status)) {
    checks.push({ code: 'drift', severity: 'warning', message: `schema drift: unknown job status ${job.status}` });
  }
  return checks;
}

/** The error that fails an export, if any check says so. */
export function checkFailure(checks: readonly ResultCheck[], subject: string): ClariError | undefined {
  const failed = checks.find((c) => c.severity === 'error');
  if (!failed) return undefined;
  if (failed.code === 'period_mismatch') {
    return new ClariError('clari.period_mismatch', `Export ${subject}: ${failed.message}`, {
      kind: 'data',
      hint: 'Check the period exists in the tenant and that fiscalYearStartMonth matches its fiscal calendar.',
    });
  }
  return new ClariError('clari.export_truncated', `Export ${subject}: ${failed.message}`, {
    kind: 'data',
    hint: 'Export a narrower scope (scopeId) or fewer types; set export.allowTruncated to load partial data anyway.',
  });
}
