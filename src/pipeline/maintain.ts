/**
 * After a run's loads: fresh planner statistics for what was loaded (where the engine needs them)
 * and retention of old quarters. Neither may fail the run: each failure is a warning.
 */
import { dealsSql, runsSql } from '../warehouse/index.js';
import { applyRetention } from './retention.js';
import { messageOf, type RunScope } from './run-record.js';
import { stopReason } from './stop.js';
import type { PipelineDeps, RunSettings } from './types.js';

export async function maintainAfterLoads(
  deps: PipelineDeps,
  scope: RunScope,
  settings: RunSettings,
  loaded: { readonly forecasts: boolean; readonly deals: boolean },
): Promise<void> {
  if (stopReason(deps.signal)) return;
  if (loaded.forecasts)
    await runsSql
      .analyzeLoadedTables(deps.warehouse)
      .catch((error: unknown) => scope.warnings.push(`statistics not refreshed: ${messageOf(error)}`));
  if (loaded.deals)
    await dealsSql
      .analyzeDealTables(deps.warehouse)
      .catch((error: unknown) => scope.warnings.push(`deal statistics not refreshed: ${messageOf(error)}`));
  if (settings.retentionQuarters > 0) {
    try {
      await applyRetention(deps.warehouse, deps.landing, {
        asOf: scope.asOf,
        fiscal: settings.fiscal,
        quarters: settings.retentionQuarters,
      });
    } catch (error) {
      scope.warnings.push(`retention failed: ${messageOf(error)}`);
    }
  }
}
