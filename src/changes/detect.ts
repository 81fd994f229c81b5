/**
 * The kinds of change detection finds between two consecutive snapshots. Detection itself is
 * set-based SQL in the warehouse (warehouse/sql/changes.ts detectChanges), run inside each
 * snapshot's load.
 */
export const CHANGE_KINDS = ['changed', 'new_owner', 'removed_owner', 'quota_changed', 'adjustment_changed'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
