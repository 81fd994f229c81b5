/** `clari-dp config show`: the effective configuration with each value's origin; secrets masked. */
import { configLines, describeOrigin } from '../../config/index.js';
import { UsageError } from '../../core/index.js';
import type { CommandAction } from '../command.js';
import { EXIT, table } from '../output.js';

export const config: CommandAction = (context, _o, args) => {
  if (args[0] !== 'show')
    return Promise.reject(
      new UsageError(`clari-dp config: unknown action "${args[0] ?? ''}"`, 'Use `clari-dp config show`.'),
    );
  const ctx = context();
  const lines = configLines(ctx.loaded);
  const out = ctx.json
    ? `${JSON.stringify({ environment: ctx.loaded.envName ?? null, file: ctx.loaded.file ?? null, settings: lines.map((l) => ({ key: l.key, value: l.value, source: describeOrigin(l, ctx.loaded) })) })}\n`
    : `environment: ${ctx.loaded.envName ?? '(none)'}   file: ${ctx.loaded.file ?? '(none)'}\n\n${table(
        ['setting', 'value', 'from'],
        lines.map((l) => [l.key, l.value, describeOrigin(l, ctx.loaded)]),
      )}`;
  ctx.io.stdout(ctx.redactor.redact(out));
  return Promise.resolve(EXIT.ok);
};
