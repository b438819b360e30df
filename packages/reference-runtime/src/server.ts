import { createRuntime } from './runtime.js';
import { seedDemoData } from './demo.js';

/**
 * `npm start`: the reference runtime on embedded PGlite (or the PostgreSQL server of DATABASE_URL), with Redis when
 * REDIS_URL is set, listening on HOST:PORT (127.0.0.1:3000 by default).
 */
const runtime = await createRuntime();

await seedDemoData(runtime.app);

const { url, wsUrl } = await runtime.start();
const { databaseUrl, pgliteDataDir, redisUrl } = runtime.config;
const database = databaseUrl
  ? `PostgreSQL server ${redact(databaseUrl)}`
  : `embedded PGlite (${pgliteDataDir ? `files in ${pgliteDataDir}` : 'in memory, gone on exit'})`;
console.log(`reference-runtime listening on ${url}`);
console.log(`  WebSocket  ${wsUrl}?userId=<user>&organizationId=<organisation>`);
console.log(`  database   ${database}`);
console.log(`  redis      ${redisUrl ? `${redact(redisUrl)} (Streams broker, pub/sub fan-out)` : 'in-process stand-in and event bus'}`);
console.log(`  health     ${url}/health`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stopping (the outbox batch and webhook deliveries in flight are finished first)…`);
    // A stop that hangs (a receiver that never answers, a dead database) must not keep the process forever.
    const deadline = setTimeout(() => {
      console.error('did not stop within 30 s; exiting');
      process.exit(1);
    }, 30_000);
    deadline.unref();
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('stopped with errors:', error);
        process.exit(1);
      },
    );
  });
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
