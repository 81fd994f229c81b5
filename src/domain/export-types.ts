/** The six data types a forecast export can carry (clari-api.md 2.1); shared by config, client and pipeline. */
export const EXPORT_TYPES = ['forecast', 'quota', 'forecast_updated', 'adjustment', 'crm_total', 'crm_closed'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];
