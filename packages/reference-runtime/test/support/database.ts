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
      if (schema) await database.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await database.close();
    },
  };
}
