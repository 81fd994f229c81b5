// Preloaded into a process the benchmarks measure (node --require): prints the process's peak RSS
// (the kernel's VmHWM) on stderr as it exits, however it exits.
const { readFileSync, writeSync } = require('node:fs');
process.on('exit', () => {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (kb) writeSync(2, `\npeak_rss_kb=${kb}\n`);
});
