/**
 * Crash injection for recovery tests: CLARI_DP_CRASH_AT=<point>[:<n>] makes the process SIGKILL
 * itself the n-th time (default 1) the run reaches that checkpoint (core/checkpoint.ts), as a kill
 * -9, an OOM kill or a power cut would: no finally blocks, no flushed buffers, locks left behind.
 * Unset, it is a no-op. It lives in the composition root because only the shell may touch process.
 */
import { type Checkpoint, CHECKPOINTS, type CheckpointName, ConfigError, noCheckpoint } from '../core/index.js';

export const CRASH_VARIABLE = 'CLARI_DP_CRASH_AT';

export function crashInjector(environment: Readonly<Record<string, string | undefined>>): Checkpoint {
  const spec = environment[CRASH_VARIABLE]?.trim();
  if (!spec) return noCheckpoint;
  const m = /^([a-z.]+)(?::(\d+))?$/.exec(spec);
  const point = m?.[1] as CheckpointName | undefined;
  const nth = Number(m?.[2] ?? 1);
  if (!point || !(CHECKPOINTS as readonly string[]).includes(point) || nth < 1) {
    throw new ConfigError(
      `${CRASH_VARIABLE}="${spec}" is not <point>[:<n>]`,
      `Points: ${CHECKPOINTS.join(', ')}; n counts from 1.`,
    );
  }
  let seen = 0;
  return (reached) => {
    if (reached !== point || ++seen !== nth) return;
    // stderr is a pipe or a file here: written synchronously, so the line survives the kill.
    process.stderr.write(`clari-dp: ${CRASH_VARIABLE}: killing pid ${process.pid} at ${point} (${nth})\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}
