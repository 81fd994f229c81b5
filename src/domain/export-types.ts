/** The six data types a forecast export can carry (clari-api.md 2.1); shared by config, client and pipeline. */
export const EXPORT_TYPES = ['forecast', 'quota', 'forecast_updated', 'adjustment', 'crm_total', 'crm_closed'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

/** The five activity types of the activity export (clari-api.md 2.8); Clari returns only the types asked for. */
export const ACTIVITY_TYPES = [
  'MEETING',
  'EMAIL_SENT',
  'EMAIL_RECEIVED',
  'ATTACHMENT_SENT',
  'ATTACHMENT_RECEIVED',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];
