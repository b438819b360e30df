#!/usr/bin/env node
// The entry point. Before the rest of the tool is loaded (a fifth of a second of module loading), an audit on a
// machine with a second core starts the worker thread that will analyse its files, so that TypeScript loads there
// meanwhile (early.ts). Everything else is main.ts, which runs the command line when imported.
import { startEarlyWorker } from './early.js';

startEarlyWorker(process.argv.slice(2));
await import('./main.js');
