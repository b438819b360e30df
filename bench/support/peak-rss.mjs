// Preloaded into a measured child process (node --import): reports the process's peak resident set size and its CPU
// time (user + system), worker threads included, when it exits. The benchmark reads the last such line from the
// child's standard error.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\n@outbox-bench peak-rss-kb=${usage.maxRSS} cpu-us=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
