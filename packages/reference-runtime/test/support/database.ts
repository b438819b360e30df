import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

export interface TestDatabase {
  database: Database;
  /** The schema on the PostgreSQL server, or undefined on PGlite. */
  schema: string | undefined;
  /** Opens another pool on the same schema (a second node, a second relay); closed by `close()`. */
  openAnother(): Promise<Database>;
  close(): Promise<void>;
}

let schemaCounter = 0;

/**
 * A migrated database of its own for one test file: PGlite in memory, or a fresh schema on the PostgreSQL server of
 * DATABASE_URL, dropped on close.
 */
export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  const schema = url ? `t_${process.pid}_${Date.now().toString(36)}_${schemaCounter++}` : undefined;
  const database = await openDatabase({ url, schema, poolSize: options.poolSize ?? 20 });
  await migrate(database);
  const others: Database[] = [];
  return {
    database,
    schema,
    openAnother: async () => {
      if (!url) throw new Error('openAnother needs DATABASE_URL (PGlite has a single connection)');
      const another = await openDatabase({ url, schema, poolSize: options.poolSize ?? 20 });
      others.push(another);
      return another;
    },
    close: async () => {
      for (const other of others) await other.close();
      if (schema) await dropSchema(database, schema);
      await database.close();
    },
  };
}

/**
 * Drops a test's schema. The runtime's shutdown drains its own queries first; should anything else still hold a lock in
 * the schema, PostgreSQL may pick the DROP as a deadlock's victim (40P01) — it is cleanup, so it is tried again.
 */
async function dropSchema(database: Database, schema: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await database.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt === 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
