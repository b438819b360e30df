import { pathToFileURL } from 'node:url';
import { openDatabase, type Database } from '../../db/database.js';
import { InProcessBroker } from '../broker/broker.js';
import { OutboxRelay } from './relay.js';

/**
 * Replays dead-lettered outbox rows by command: each named row goes back into the outbox, due now, with a fresh
 * attempt count (its history stays in `outbox_attempts`, a later death starts a new `round`); the running relay then
 * publishes it.
 *
 * ```sh
 * npm run outbox:replay -w reference-runtime -- list          # what is in outbox_dead_letter
 * npm run outbox:replay -w reference-runtime -- 42 43         # replay rows 42 and 43
 * npm run outbox:replay -w reference-runtime -- --all         # replay every dead-lettered row
 * # or: tsx src/core/outbox/replay-cli.ts <id>…   (DATABASE_URL, DATABASE_SCHEMA or PGLITE_DATA_DIR as for the server)
 * ```
 *
 * Exit code 0 when every named row was replayed, 1 when some id was not in the dead-letter table, 2 on bad usage.
 */
export interface ReplayCliIo {
  database: Database;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

const USAGE = 'usage: outbox-replay list | outbox-replay --all | outbox-replay <dead-letter id>…';

export async function runReplayCli(args: readonly string[], io: ReplayCliIo): Promise<number> {
  const out = io.out ?? ((line: string) => console.log(line));
  const err = io.err ?? ((line: string) => console.error(line));
  // Replaying only moves rows between tables; the broker is never called.
  const relay = new OutboxRelay(io.database, new InProcessBroker(), { onError: () => undefined });

  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    (args.length === 0 ? err : out)(USAGE);
    return args.length === 0 ? 2 : 0;
  }
  if (args[0] === 'list') {
    const rows = await relay.deadLetters(10_000);
    for (const row of rows) {
      out(`${row.id}\t${row.eventType}\t${row.aggregateType}/${row.aggregateId}\tattempts=${row.attempts}\t${row.lastError ?? ''}`);
    }
    out(`${rows.length} dead-lettered row(s)`);
    return 0;
  }
  let ids: string[];
  if (args[0] === '--all') {
    ids = (await io.database.query<{ id: string }>('SELECT id::text AS id FROM outbox_dead_letter ORDER BY id')).rows.map((r) => r.id);
  } else {
    const bad = args.filter((a) => !/^\d+$/.test(a));
    if (bad.length > 0) {
      err(`not a dead-letter id: ${bad.join(', ')}\n${USAGE}`);
      return 2;
    }
    ids = [...args];
  }
  let missing = 0;
  for (const id of ids) {
    if (await relay.replayDeadLetter(id)) {
      out(`replayed ${id}`);
    } else {
      missing++;
      err(`no dead-lettered row ${id}`);
    }
  }
  return missing > 0 ? 1 : 0;
}

async function main(): Promise<void> {
  const env = process.env;
  const database = await openDatabase({
    url: env.DATABASE_URL || undefined,
    schema: env.DATABASE_SCHEMA || undefined,
    dataDir: env.PGLITE_DATA_DIR || undefined,
  });
  try {
    if (database.kind === 'pglite' && !env.PGLITE_DATA_DIR) {
      console.error('outbox-replay: set DATABASE_URL (or PGLITE_DATA_DIR): an in-memory database has no dead letters');
      process.exitCode = 2;
      return;
    }
    process.exitCode = await runReplayCli(process.argv.slice(2), { database });
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error('outbox-replay failed:', error);
    process.exitCode = 1;
  });
}
