/**
 * Console channel: the digest as readable plain text through an injected writer, for local runs,
 * demos and dry-runs. It writes, it does not print: the shell decides whether that is stdout or a log.
 */
import type { Channel } from '../types.js';
import { renderPlainText } from './format.js';

export interface ConsoleChannelOptions {
  /** Default `console`. */
  readonly name?: string | undefined;
  readonly write: (text: string) => void;
  /** Titles only, one line per alert (the demo). Default false. */
  readonly compact?: boolean | undefined;
}

export function createConsoleChannel(options: ConsoleChannelOptions): Channel {
  return {
    name: options.name ?? 'console',
    type: 'console',
    // Through a promise so a throwing writer rejects the send instead of throwing from it.
    send: (alerts, context) =>
      Promise.resolve().then(() => {
        if (alerts.length > 0)
          options.write(renderPlainText(alerts, context, { withText: false, withFields: options.compact !== true }));
      }),
  };
}
