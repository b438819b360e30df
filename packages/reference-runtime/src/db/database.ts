import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export type Row = Record<string, unknown>;

export interface QueryResult<R = Row> {
  rows: R[];
  rowCount: number;
}

/** One physical connection, held by a session for the life of its transaction. */
export interface Connection {
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  release(): void;
}

/** The database behind the app: embedded PGlite by default, a PostgreSQL server when DATABASE_URL is set. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  acquire(): Promise<Connection>;
  /** Runs one statement outside any request transaction (relay, migrations, reads in tests). */
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * PGlite has a single connection, so a transaction must own it exclusively: otherwise a statement of one
 * request would silently join another request's open transaction. Sessions queue for it here.
 */
class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly pg: PGlite) {}

  private lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }

  async acquire(): Promise<Connection> {
    const release = await this.lock();
    let released = false;
    return {
      query: async <R>(sql: string, params: readonly unknown[] = []) => {
        if (released) throw new Error('connection used after release');
        const res = await this.pg.query<R>(sql, params as unknown[]);
        return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
      },
      release: () => {
        if (!released) {
          released = true;
          release();
        }
      },
    };
  }

  async query<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const conn = await this.acquire();
    try {
      return await conn.query<R>(sql, params);
    } finally {
      conn.release();
    }
  }

  async exec(sql: string): Promise<void> {
    const release = await this.lock();
    try {
      await this.pg.exec(sql);
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    await this.pg.close();
  }
}

class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;

  constructor(private readonly pool: pg.Pool) {}

  async acquire(): Promise<Connection> {
    const client = await this.pool.connect();
    return {
      query: async <R>(sql: string, params: readonly unknown[] = []) => {
        const res = await client.query(sql, params as unknown[]);
        return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
      },
      release: () => client.release(),
    };
  }

  async query<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const res = await this.pool.query(sql, params as unknown[]);
    return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export interface DatabaseOptions {
  /** postgres://… to use a server; absent for embedded PGlite. */
  url?: string;
  /** Schema to work in on a server (tests use one schema each); created if missing. */
  schema?: string;
  /** Directory for PGlite's files; in memory when absent. */
  dataDir?: string;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (!options.url) {
    const pglite = new PGlite(options.dataDir);
    await pglite.waitReady;
    return new PgliteDatabase(pglite);
  }
  const schema = options.schema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  if (schema) {
    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  return new PostgresDatabase(pool);
}
