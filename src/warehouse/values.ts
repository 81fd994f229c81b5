/** Value formats every engine reads the same way. */

/** Epoch ms as a UTC `YYYY-MM-DD HH:MM:SS.mmm` literal for TIMESTAMP columns (no zone suffix). */
export function sqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
