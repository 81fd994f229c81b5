/**
 * `clari-dp debug-bundle`: writes the support archive (app/bundle.ts) to
 * ./clari-dp-debug-<timestamp>.tar.gz or --out FILE. A warehouse that cannot be read does not stop
 * it: that is when support needs the bundle most, so the archive says what was missing and why.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { collectDebugBundle, debugBundleArchive } from '../../app/index.js';
import type { CommandAction } from '../command.js';
import { EXIT } from '../output.js';

export const debugBundle: CommandAction = async (context, o) => {
  const ctx = context();
  const bundle = await collectDebugBundle(ctx);
  const archive = debugBundleArchive(bundle);
  const path = resolve(ctx.io.cwd, typeof o.out === 'string' && o.out !== '' ? o.out : `${bundle.name}.tar.gz`);
  writeFileSync(path, archive, { mode: 0o600 });
  const files = bundle.files.map((f) => f.name);
  if (ctx.json) {
    ctx.io.stdout(
      `${ctx.redactor.redact(JSON.stringify({ path, bytes: archive.length, files, problems: bundle.problems }))}\n`,
    );
  } else {
    let out = `wrote ${path} (${archive.length.toLocaleString('en-US')} bytes): ${files.join(', ')}\n`;
    out += 'It holds no API keys, names, e-mail addresses or amounts; look inside with `tar -xzf` before sending it.\n';
    ctx.io.stdout(ctx.redactor.redact(out));
  }
  for (const problem of bundle.problems)
    ctx.io.stderr(ctx.redactor.redact(`debug-bundle: ${problem} (noted in the archive)\n`));
  return EXIT.ok;
};
