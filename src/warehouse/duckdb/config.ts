/**
 * How clari-dp opens a DuckDB file: read-only for readers, a short wait while another process holds
 * the file, and the memory and thread settings from the URL (url.ts).
 */
import type { DuckdbSettings } from '../url.js';

export interface DuckdbOpenOptions {
  /** Open with ACCESS_MODE READ_ONLY (readers: the dashboard). Default false. */
  readonly readOnly?: boolean | undefined;
  /**
   * How long to keep trying while another process holds the file, ms. DuckDB allows one writing
   * process per file; a reader (the dashboard opening it for one request) lets go within
   * milliseconds, so a short wait turns a collision into a delay instead of a failed run. Default 0.
   */
  readonly lockWaitMs?: number | undefined;
  /** Told once, with the holder, when another process holds the file and the open waits for it. */
  readonly onLocked?: ((holder: string) => void) | undefined;
  /** From the URL (url.ts): memory limits and threads. */
  readonly settings?: DuckdbSettings | undefined;
}

/** Instance settings from the URL. */
export function instanceSettings(settings: DuckdbSettings | undefined): Record<string, string> {
  return {
    ...(settings?.memory_limit ? { memory_limit: settings.memory_limit } : {}),
    ...(settings?.threads ? { threads: String(settings.threads) } : {}),
  };
}
