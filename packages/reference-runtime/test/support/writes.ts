import type { Database } from '../../src/db/database.js';

/**
 * A write detector for attacker tests: a row-level trigger on every table of the test's database logs each committed
 * INSERT, UPDATE and DELETE (a rolled-back transaction takes its log rows with it). It watches the database from the
 * outside, whatever code wrote — so it holds on the codemods' migrated copy as well, and also for tables a migration
 * adds later (installed after the app has migrated).
 */
export interface WriteLog {
  /** The position of the log now. */
  mark(): Promise<number>;
  /** `table op` of every write since `mark`, oldest first. */
  since(mark: number): Promise<string[]>;
}

export async function watchWrites(database: Database): Promise<WriteLog> {
  await database.exec(`
    CREATE TABLE test_write_log (id bigserial PRIMARY KEY, table_name text NOT NULL, op text NOT NULL);
    CREATE FUNCTION test_log_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO test_write_log (table_name, op) VALUES (TG_TABLE_NAME, TG_OP);
      RETURN NULL;
    END $$;
    DO $$
    DECLARE t text;
    BEGIN
      FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'test_write_log' LOOP
        EXECUTE format('CREATE TRIGGER test_log_write AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION test_log_write()', t);
      END LOOP;
    END $$;
  `);
  return {
    mark: async () => Number((await database.query<{ n: string }>('SELECT coalesce(max(id), 0)::text AS n FROM test_write_log')).rows[0]!.n),
    since: async (mark) =>
      (await database.query<{ w: string }>('SELECT table_name || \' \' || op AS w FROM test_write_log WHERE id > $1 ORDER BY id', [mark])).rows.map(
        (row) => row.w,
      ),
  };
}
