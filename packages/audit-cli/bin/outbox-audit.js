#!/usr/bin/env node
// The bin npm links: a file that is committed, so `npm ci` links it in the repository even though dist/ is built
// afterwards (npm links no bin whose file is missing). It runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('outbox-audit: not built yet (' + cli + ' is missing): run `npm run build` at the repository root\n');
  process.exit(2);
}
// The CLI runs as a program when it is the script node was started with.
process.argv[1] = cli;
await import('../dist/cli.js');
