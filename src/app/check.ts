import { describeError, isAppError } from '../core/index.js';

/** One line of `clari-dp doctor`: a PASS, WARN or FAIL with its detail and, when not PASS, the fix. */
export type CheckStatus = 'PASS' | 'WARN' | 'FAIL';

export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string | undefined;
}

/** What a failed probe's line says: the error's message, and its hint as the fix. */
export const message = (error: unknown): string => (isAppError(error) ? error.message : describeError(error));
export const hint = (error: unknown): string | undefined => (isAppError(error) ? error.hint : undefined);
