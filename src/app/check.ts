/** One line of `clari-dp doctor`: a PASS, WARN or FAIL with its detail and, when not PASS, the fix. */
export type CheckStatus = 'PASS' | 'WARN' | 'FAIL';

export interface Check {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string | undefined;
}
