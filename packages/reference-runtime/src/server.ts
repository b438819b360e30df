import { createRuntime } from './runtime.js';
import { seedDemoData } from './demo.js';
import { hasNoAdministrator } from './core/auth/principal.js';
import { enableDevelopmentMode, generatedSecrets, isDevelopment } from './core/auth/secrets.js';

/**
 * `npm start` (= `server.ts --dev`): the reference runtime on embedded PGlite (or the PostgreSQL server of
 * DATABASE_URL), with Redis when REDIS_URL is set, listening on HOST:PORT (127.0.0.1:3000 by default).
 *
 * Without `--dev` (and without NODE_ENV=development) it is a deployment: AUTH_SECRET and OTP_SECRET must be set.
 * The demo data and its administrator are made only on the embedded database, with a random password shown once
 * below. On a server database nothing is seeded: the first administrator is made with the setup token shown below.
 */
if (process.argv.includes('--dev')) enableDevelopmentMode();

const runtime = await createRuntime();
const { databaseUrl, pgliteDataDir, redisUrl, setupToken } = runtime.config;

const demoAdmin = databaseUrl ? undefined : await seedDemoData(runtime.app, runtime.database, setupToken);
const needsSetup = await hasNoAdministrator(runtime.database);

const { url, wsUrl } = await runtime.start();
const database = databaseUrl
  ? `PostgreSQL server ${redact(databaseUrl)}`
  : `embedded PGlite (${pgliteDataDir ? `files in ${pgliteDataDir}` : 'in memory, gone on exit'})`;
console.log(`reference-runtime listening on ${url}${isDevelopment() ? ' (development)' : ''}`);
console.log(`  WebSocket  ${wsUrl}  (Authorization: Bearer <accessToken>, or subprotocols "bearer, <accessToken>")`);
console.log(`  database   ${database}`);
console.log(`  redis      ${redisUrl ? `${redact(redisUrl)} (Streams broker, pub/sub fan-out)` : 'in-process stand-in and event bus'}`);
console.log(`  health     ${url}/health`);
const madeUp = generatedSecrets();
if (madeUp.length > 0) {
  console.log(`  secrets    ${madeUp.join(', ')} not set: random for this process (sessions and codes end with it)`);
}
if (demoAdmin) {
  // Shown this once: only a hash is stored.
  console.log(`  demo admin ${demoAdmin.email} / ${demoAdmin.password}  (POST ${url}/auth/login)`);
} else if (needsSetup) {
  console.log('  setup      no administrator yet. Make the first one (the token works until one exists):');
  for (const step of ['roles', 'permissions']) {
    console.log(`             curl -X POST ${url}/settings/seed/${step} -H 'x-setup-token: ${setupToken}'`);
  }
  console.log(
    `             curl -X POST ${url}/settings/seed/admin-user -H 'x-setup-token: ${setupToken}' ` +
      `-H 'content-type: application/json' -d '{"email":"you@example.com","password":"<10+ characters>","fullName":"Your Name"}'`,
  );
}

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
