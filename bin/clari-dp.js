#!/usr/bin/env node
// Entry point of the `clari-dp` command. The TypeScript sources are compiled to dist/ by `npm ci`
// (the package's prepare script) or `npm run build`.
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('clari-dp is not built yet: run `npm ci` (or `npm run build`) in the repository first.\n');
    process.exit(1);
  }
  throw error;
}
process.exitCode = await cli.main(process.argv.slice(2));
