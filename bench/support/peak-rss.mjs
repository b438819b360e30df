// Preloaded into a measured child process (node --import): reports the process's peak resident set size, worker
// threads included, when it exits. The benchmark reads the last such line from the child's standard error.
process.on('exit', () => {
  process.stderr.write(`\n@outbox-bench peak-rss-kb=${process.resourceUsage().maxRSS}\n`);
});
