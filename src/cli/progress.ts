/**
 * Progress of a run on a terminal: one status line on stderr, rewritten in place (exports queued,
 * running, done, failed; rows loaded). Off the terminal it prints nothing; logs tell the story.
 */
import type { PipelineEvent } from '../pipeline/index.js';

export interface Progress {
  onEvent(event: PipelineEvent): void;
  done(): void;
}

export function progress(write: (text: string) => void, enabled: boolean, total: number): Progress {
  if (!enabled) return { onEvent: () => undefined, done: () => undefined };
  const running = new Set<string>();
  let done = 0;
  let failed = 0;
  let rows = 0;
  let changes = 0;
  const render = (): void => {
    const queued = Math.max(0, total - running.size - done - failed);
    write(
      `\r\x1b[2Kexports: ${queued} queued, ${running.size} running, ${done} done${failed ? `, ${failed} failed` : ''} | rows loaded: ${rows.toLocaleString('en-US')} | changes: ${changes}`,
    );
  };
  return {
    onEvent(event) {
      if (
        event.type === 'export' &&
        (event.event.type === 'created' || event.event.type === 'resumed' || event.event.type === 'adopted')
      )
        running.add(event.event.task.key);
      if (event.type === 'loaded') {
        running.delete(event.key);
        done++;
        rows += event.rows;
        changes += event.changes;
      }
      if (event.type === 'failed') {
        running.delete(event.key);
        failed++;
      }
      render();
    },
    done() {
      write('\r\x1b[2K');
    },
  };
}
